"""What check files use: helpers that check student values and explain failures.

Checks are pytest tests run by the controller (see docs/ARCHITECTURE.md, contract 4)::

    @pytest.mark.grade(number="2.1", points=3, visibility="hidden", files=["pkg/mod.py"])
    def test_forward(student, reference, rng):
        \"\"\"Forward pass matches the reference.\"\"\"
        x = rng.standard_normal((4, 5))
        out = expect_array(student.call("pkg.mod.forward", x).value, shape=(4, 5),
                           dtype=np.float64, name="out")
        expect_close(out, reference.module("pkg.mod").forward(x), name="out")

The fixtures come from :mod:`gradekit.grading.plugin`; marks are read by
:mod:`gradekit.grading.marks`.
"""

from __future__ import annotations

from typing import Any

import numpy as np


INTERNAL = ("internal error in check: the grader itself failed here, not your code "
            "(the course staff can see the details)")


class CheckFailed(AssertionError):
    """A check's verdict: the message is all the student sees."""


# ----------------------------------------------------------------------------- helpers
def describe(value: Any) -> str:
    """A short description of what the student's code returned, for messages."""
    if type(value) is np.ndarray:
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if value is None:
        return "None"
    name = getattr(value, "type_name", None)
    if isinstance(name, str):
        return f"a {name} object (not plain data)"
    if isinstance(value, (list, tuple, dict)):
        return f"a {type(value).__name__} of length {len(value)}"
    if isinstance(value, (bool, int, float, complex, np.generic)):
        return f"the {type(value).__name__} {value!r}"
    if isinstance(value, str):
        return f"the string {value[:60]!r}"
    return f"a {type(value).__name__}"


def expect_array(value: Any, shape: tuple[int, ...] | None = None, dtype: Any = None,
                 name: str = "the result", finite: bool = True) -> np.ndarray:
    """Return ``value`` if it is exactly a ``numpy.ndarray`` of that shape and dtype.

    Raises :class:`CheckFailed` naming ``name`` otherwise, or when it holds NaN or inf
    (unless ``finite=False``).
    """
    wanted = f" of shape {tuple(shape)}" if shape is not None else ""
    if type(value) is not np.ndarray:
        raise CheckFailed(f"{name} should be a numpy array{wanted}, but your code returned "
                          f"{describe(value)}")
    if shape is not None and value.shape != tuple(shape):
        raise CheckFailed(f"{name} should have shape {tuple(shape)}, but yours has shape "
                          f"{value.shape}")
    if dtype is not None and value.dtype != np.dtype(dtype):
        raise CheckFailed(f"{name} should have dtype {np.dtype(dtype)}, but yours has dtype "
                          f"{value.dtype}")
    if finite and value.dtype.kind in "fc" and not np.isfinite(value).all():
        bad = ~np.isfinite(value)
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise CheckFailed(f"{name} contains {int(bad.sum())} NaN or infinite values (the "
                          f"first at index {where}: {value[where]})")
    return value


def expect_scalar(value: Any, name: str = "the result") -> float:
    """Return ``value`` as a float if it is a finite real number (python or numpy)."""
    if isinstance(value, np.ndarray) and type(value) is np.ndarray and value.shape == ():
        value = value[()]
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise CheckFailed(f"{name} should be a number, but your code returned {describe(value)}")
    if not np.isfinite(value):
        raise CheckFailed(f"{name} should be a finite number, but yours is {value}")
    return float(value)


FLOOR_RATIO = 1e-3
"""Entries smaller than this fraction of the largest magnitude are judged against it."""


def rel_error(actual: Any, expected: Any, floor_ratio: float = FLOOR_RATIO) -> float:
    """The largest relative error, max |x - y| / (|x| + |y|), with a floor that scales.

    The denominator is at least ``floor_ratio`` times the largest |x| + |y| of the arrays
    (a fixed floor such as 1e-8 would turn the rounding noise of an entry that is zero in
    theory into a large error). :func:`gradekit.checklib.relative_error` is this function.
    """
    x, y = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    size = np.abs(x) + np.abs(y)
    floor = max(floor_ratio * float(np.max(size, initial=0.0)), 1e-300)
    return float(np.max(np.abs(x - y) / np.maximum(size, floor), initial=0.0))


def expect_close(actual: Any, expected: np.ndarray, *, rtol: float = 1e-6, atol: float = 1e-8,
                 name: str = "the result") -> np.ndarray:
    """Check ``actual`` is an array of ``expected``'s shape with values close to it."""
    expected = np.asarray(expected)
    actual = expect_array(actual, shape=expected.shape, name=name)
    error = np.abs(actual - expected)
    excess = error - (atol + rtol * np.abs(expected))
    bad = excess > 0
    if bad.any():
        where = np.unravel_index(int(np.argmax(excess)), expected.shape)
        index = tuple(int(i) for i in where)
        raise CheckFailed(
            f"{name} differs from the expected values at {int(bad.sum())} of {bad.size} "
            f"positions; the largest difference is at index {index}: yours "
            f"{actual[where]:.6g}, expected {expected[where]:.6g} "
            f"(relative error {rel_error(actual, expected):.2e})")
    return actual
