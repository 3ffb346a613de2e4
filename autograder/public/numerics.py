"""Comparing numbers for the checks: error measures, failure messages that show both
sides and name a recognised bug, and numeric gradients.
"""

from __future__ import annotations

import functools

import numpy as np

from gradekit.grading.checks import CheckFailed, rel_error


def scaled_error(x, y, floor: float = 1e-12) -> float:
    """Largest difference relative to the largest magnitude (at least ``floor``).

    Unlike :func:`rel_error`, entries near zero do not turn rounding into large errors.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    scale = max(np.max(np.abs(x), initial=0.0), np.max(np.abs(y), initial=0.0), floor)
    return float(np.max(np.abs(x - y), initial=0.0) / scale)


def show(values, count: int = 5) -> str:
    """The first few numbers of an array, compactly."""
    flat = np.asarray(values, dtype=float).ravel()
    text = ", ".join(f"{v:.5g}" for v in flat[:count])
    return f"[{text}{', ...' if flat.size > count else ''}]"


def diagnose(actual, hypotheses, error=None, tol: float = 1e-6) -> str | None:
    """The label of the first bug hypothesis whose predicted value matches ``actual``.

    ``hypotheses`` is a sequence of ``(label, value)``; a value may be a callable that
    computes the prediction only when needed. A match is ``error(actual, value) <= tol``.
    """
    error = error or scaled_error
    actual = np.asarray(actual, dtype=float)
    for label, predicted in hypotheses:
        if callable(predicted):
            predicted = predicted()
        predicted = np.asarray(predicted, dtype=float)
        if predicted.shape == actual.shape and error(actual, predicted) <= tol:
            return label
    return None


def max_abs_error(x, y) -> float:
    return float(np.max(np.abs(np.asarray(x, float) - np.asarray(y, float)), initial=0.0))


ERROR_NAMES = {rel_error: "relative error", scaled_error: "max rel error",
               max_abs_error: "max abs error"}


def compare(name, actual, expected, tol, *, error=scaled_error, hypotheses=(), floor=None):
    """Fail unless ``error(actual, expected) <= tol``; the message shows both sides.

    ``floor`` is the smallest magnitude :func:`scaled_error` scales by.
    """
    expected = np.asarray(expected, dtype=float)
    if floor is not None:
        error = functools.partial(scaled_error, floor=floor)
    err = error(actual, expected)
    if err <= tol:
        return err
    message = (f"{name}: {ERROR_NAMES.get(error, 'max rel error')} {err:.1e}; "
               f"expected {tol:.0e} or less.\n"
               f"  yours:    {show(actual)}\n  expected: {show(expected)}")
    hint = diagnose(actual, hypotheses, error, max(tol, 1e-6))
    if hint:
        message += f"\nThis looks like: {hint}."
    raise CheckFailed(message)


def numeric_gradient(f, x, df, h: float = 1e-5):
    """Centered differences of sum(f(x) * df) with respect to every entry of x.

    ``f`` may call the sandbox; x is restored after each probe.
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
    """Gradient check along one random unit direction per parameter.

    ``loss_at(params)`` evaluates the loss (it may call the sandbox). For each name,
    the centered difference of the loss along ``directions[name]`` is compared with
    the analytic ``<grads[name], direction>``. Returns ``{name: (numeric, analytic,
    error)}``; the error's denominator has a floor so that zero gradients (a bias
    before a normalization) do not turn rounding noise into large errors.
    """
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
        floor = max(1e-3 * float(np.linalg.norm(grads[name])), 1e-4)
        report[name] = numeric, analytic, abs(numeric - analytic) / max(
            abs(numeric) + abs(analytic), floor)
    return report
