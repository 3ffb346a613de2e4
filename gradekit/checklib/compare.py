"""One comparison for checks: an error measure against a tolerance, and on failure a
message that shows where the values differ most and names a recognised bug."""

from __future__ import annotations

import functools

import numpy as np

from gradekit.checklib.differences import largest_differences
from gradekit.checklib.hints import diagnose, verdict
from gradekit.checklib.measures import ERROR_NAMES, scaled_error


def compare(name, actual, expected, tol, *, error=scaled_error, hypotheses=(), floor=None):
    """Return ``error(actual, expected)`` if it is ``tol`` or less; else fail.

    Inputs: ``actual`` and ``expected``, arrays of one shape (validate ``actual`` first,
    e.g. with :func:`gradekit.checklib.array`). ``hypotheses`` are bug models for
    :func:`diagnose` (asked only on a mismatch). ``floor`` is the smallest magnitude
    :func:`scaled_error` scales by: give a magnitude shared by related values
    (:func:`scale_of`) for an array that may be zero in theory.
    Raises CheckFailed (or ChargedElsewhere, see :mod:`gradekit.checklib.hints`).
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
