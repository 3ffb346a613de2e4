"""Numeric gradients: centered differences, entry by entry or along one direction."""

from __future__ import annotations

import numpy as np


def numeric_gradient(f, x, df, h: float = 1e-5):
    """Centered differences of sum(f(x) * df) with respect to every entry of x.

    Inputs: ``x`` of any shape; ``df`` of the shape of ``f(x)``. Returns an array of x's
    shape. ``f`` may call the sandbox; x is copied, and restored after each probe.
    """
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = f(x)
        x[index] = old - h
        minus = f(x)
        x[index] = old
        grad[index] = np.sum((plus - minus) * df) / (2 * h)
    return grad


def directional_errors(loss_at, params, grads, directions, h: float = 1e-5):
    """Gradient check along one random direction per parameter.

    ``loss_at(params)`` evaluates the loss (it may call the sandbox). For each name,
    the centered difference of the loss along ``directions[name]`` (normalized) is
    compared with the analytic ``<grads[name], direction>``. Returns ``{name: (numeric,
    analytic, error)}``. The error's denominator has a floor scaled to the largest
    gradient of all, so that zero gradients (a bias before a normalization) do not turn
    rounding noise into large errors.
    """
    largest = max((float(np.linalg.norm(g)) for g in grads.values()), default=0.0)
    report = {}
    for name, v in directions.items():
        v = v / np.linalg.norm(v)
        probe = dict(params)
        probe[name] = params[name] + h * v
        plus = loss_at(probe)
        probe[name] = params[name] - h * v
        minus = loss_at(probe)
        numeric = (plus - minus) / (2 * h)
        analytic = float(np.sum(grads[name] * v))
        floor = max(1e-3 * float(np.linalg.norm(grads[name])), 1e-3 * largest, 1e-6)
        report[name] = numeric, analytic, abs(numeric - analytic) / max(
            abs(numeric) + abs(analytic), floor)
    return report
