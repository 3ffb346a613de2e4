"""Error measures whose floors scale with the values compared.

Every measure here divides by a floor scaled to the magnitude of the values (never by a
fixed tiny number), so that two correct implementations that sum in a different order
never get different verdicts: an entry that is zero in theory holds rounding noise of
about 1e-16 times the magnitude of the sums that produced it, far below any tolerance.
"""

from __future__ import annotations

import numpy as np

from gradekit.grading.checks import FLOOR_RATIO
from gradekit.grading.checks import rel_error as relative_error

__all__ = ["FLOOR_RATIO", "ERROR_NAMES", "max_abs_error", "relative_error", "scale_of",
           "scaled_error"]


def scaled_error(x, y, floor: float = 1e-12) -> float:
    """Largest difference relative to the largest magnitude of either (at least ``floor``).

    Inputs: arrays (or numbers) of one shape. Entries near zero do not turn rounding
    into large errors.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    scale = max(np.max(np.abs(x), initial=0.0), np.max(np.abs(y), initial=0.0), floor)
    return float(np.max(np.abs(x - y), initial=0.0) / scale)


def max_abs_error(x, y) -> float:
    """Largest absolute difference of two arrays of one shape."""
    return float(np.max(np.abs(np.asarray(x, float) - np.asarray(y, float)), initial=0.0))


def scale_of(*arrays) -> float:
    """The largest magnitude among ``arrays`` (a shared scale for related quantities)."""
    return max((float(np.max(np.abs(np.asarray(a, dtype=float)), initial=0.0))
                for a in arrays), default=0.0)


ERROR_NAMES = {relative_error: "relative error", scaled_error: "max rel error",
               max_abs_error: "max abs error"}
"""How a failure message names each measure."""
