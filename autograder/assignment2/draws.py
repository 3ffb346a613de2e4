"""Random inputs for the hidden checks, drawn from the grade's ``rng``."""

from __future__ import annotations

import numpy as np


def features(rng, n: int, d: int, low: float = 0.3, high: float = 5.0):
    """(n, d) data whose columns have their own offsets and log-uniform spreads."""
    loc = rng.uniform(-3, 3, d)
    scale = np.exp(rng.uniform(np.log(low), np.log(high), d))
    return loc + scale * rng.standard_normal((n, d))


def scale_shift(rng, d: int, shape=None):
    """A gamma away from 0 with mixed signs, and a beta; both of ``shape`` (default (d,))."""
    shape = shape or (d,)
    gamma = rng.uniform(0.5, 2.0, d) * rng.choice([-1.0, 1.0], d)
    return gamma.reshape(shape), rng.standard_normal(d).reshape(shape)
