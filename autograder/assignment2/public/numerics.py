"""Comparing numbers for the checks: error measures that survive rounding, failure messages
that show where the numbers differ most and name a recognised bug, and numeric gradients.

Every error measure here divides by a floor scaled to the magnitude of the values compared
(never by a fixed tiny number), so that two correct implementations that sum in a
different order never get different verdicts: an entry that is zero in theory (the
gradient of a bias that feeds a normalization) holds rounding noise of about 1e-16 times
the magnitude of the sums that produced it, and that noise stays far below every tolerance.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradekit.grading.checks import CheckFailed

FLOOR_RATIO = 1e-3
"""Entries smaller than this fraction of the largest magnitude are judged against it."""


def scaled_error(x, y, floor: float = 1e-12) -> float:
    """Largest difference relative to the largest magnitude (at least ``floor``).

    Entries near zero do not turn rounding into large errors.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    scale = max(np.max(np.abs(x), initial=0.0), np.max(np.abs(y), initial=0.0), floor)
    return float(np.max(np.abs(x - y), initial=0.0) / scale)


def relative_error(x, y, floor_ratio: float = FLOOR_RATIO) -> float:
    """The notebook's rel_error, max |x - y| / (|x| + |y|), with a floor that scales.

    The notebook floors the denominator at 1e-8, which turns the rounding noise of an entry
    that is (nearly) zero into an error of 1e-8 or more; here the floor is
    ``floor_ratio`` times the largest |x| + |y| of the arrays.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    size = np.abs(x) + np.abs(y)
    floor = max(floor_ratio * float(np.max(size, initial=0.0)), 1e-300)
    return float(np.max(np.abs(x - y) / np.maximum(size, floor), initial=0.0))


def max_abs_error(x, y) -> float:
    return float(np.max(np.abs(np.asarray(x, float) - np.asarray(y, float)), initial=0.0))


def scale_of(*arrays) -> float:
    """The largest magnitude among ``arrays`` (a shared scale for related quantities)."""
    return max((float(np.max(np.abs(np.asarray(a, dtype=float)), initial=0.0))
                for a in arrays), default=0.0)


ERROR_NAMES = {relative_error: "relative error", scaled_error: "max rel error",
               max_abs_error: "max abs error"}


def show(values, count: int = 5) -> str:
    """The first few numbers of an array, compactly."""
    flat = np.asarray(values, dtype=float).ravel()
    text = ", ".join(f"{v:.5g}" for v in flat[:count])
    return f"[{text}{', ...' if flat.size > count else ''}]"


def largest_differences(actual, expected, count: int = 4) -> str:
    """The entries where ``actual`` and ``expected`` differ most, with their indices."""
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if actual.shape != expected.shape:
        return f"  yours:    {show(actual)}\n  expected: {show(expected)}"
    if actual.ndim == 0 or actual.size == 1:
        return f"  yours:    {actual.item():.8g}\n  expected: {expected.item():.8g}"
    difference = np.abs(actual - expected).ravel()
    order = np.argsort(-difference, kind="stable")[:count]
    lines = [f"  largest differences of {actual.size} entries (index: yours / expected):"]
    for flat in order:
        index = tuple(int(i) for i in np.unravel_index(int(flat), actual.shape))
        where = index[0] if len(index) == 1 else index
        lines.append(f"    {where}: {actual[index]:.8g} / {expected[index]:.8g}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Elsewhere:
    """A prediction of a bug that another check charges (one bug, charged where it lives).

    When a value matches it, the part comparing that value earns its credit anyway and
    says where the bug is charged.
    """

    label: str
    prediction: Any
    charged_in: Any
    """The check number (or a callable giving it, once the prediction is computed)."""
    confirm: Any = None
    """Optional callable: True when the bug is really there (asked only on a match)."""


class ChargedElsewhere(CheckFailed):
    """A value was wrong only because of a bug another check charges (see :class:`Elsewhere`).

    :class:`checklib.Parts` credits the part; anywhere else it fails like any CheckFailed.
    """


def _predicted(value):
    return value() if callable(value) else value


def diagnose(actual, hypotheses, error=None, tol: float = 1e-6):
    """The first bug hypothesis whose predicted value matches ``actual``, or None.

    ``hypotheses`` holds ``(label, value)`` pairs and :class:`Elsewhere` items; a value may
    be a callable that computes the prediction only when needed. A match is
    ``error(actual, value) <= tol``. Returns the label, or the Elsewhere item.
    """
    error = error or scaled_error
    actual = np.asarray(actual, dtype=float)
    for hypothesis in hypotheses:
        if isinstance(hypothesis, Elsewhere):
            label, predicted = hypothesis, hypothesis.prediction
        else:
            label, predicted = hypothesis
        try:
            predicted = _predicted(predicted)
        except Exception:  # noqa: BLE001 - a prediction that needs student code which failed
            continue
        if predicted is None:
            continue
        predicted = np.asarray(predicted, dtype=float)
        if predicted.shape == actual.shape and error(actual, predicted) <= tol:
            if isinstance(label, Elsewhere) and label.confirm is not None:
                try:
                    if not label.confirm():
                        continue
                except Exception:  # noqa: BLE001 - as above
                    continue
            return label
    return None


def verdict(message: str, hint) -> CheckFailed:
    """The exception for a mismatch: named bug, or a bug charged in another check."""
    if isinstance(hint, Elsewhere):
        where = hint.charged_in() if callable(hint.charged_in) else hint.charged_in
        return ChargedElsewhere(f"{message}\nThis looks like: {hint.label}. That bug is "
                                f"charged in check {where}, not here.")
    if hint:
        return CheckFailed(f"{message}\nThis looks like: {hint}.")
    return CheckFailed(message)


def compare(name, actual, expected, tol, *, error=scaled_error, hypotheses=(), floor=None):
    """Fail unless ``error(actual, expected) <= tol``; the message shows where they differ.

    ``floor`` is the smallest magnitude :func:`scaled_error` scales by: give a magnitude
    shared by related values (:func:`scale_of`) for an array that may be zero in theory.
    """
    expected = np.asarray(expected, dtype=float)
    if floor is not None:
        error = functools.partial(scaled_error, floor=floor)
    err = error(actual, expected)
    if err <= tol:
        return err
    label = ERROR_NAMES.get(getattr(error, "func", error), "max rel error")
    message = (f"{name}: {label} {err:.1e}; expected {tol:.0e} or less.\n"
               + largest_differences(actual, expected))
    raise verdict(message, diagnose(actual, hypotheses, error, max(tol, 1e-6)))


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
    error)}``. The error's denominator has a floor scaled to the largest gradient of the
    net, so that zero gradients (a bias before a normalization) do not turn rounding noise
    into large errors.
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
