"""Showing where two arrays differ: a few numbers, and the largest differences with indices."""

from __future__ import annotations

import numpy as np


def show(values, count: int = 5) -> str:
    """The first ``count`` numbers of an array, compactly (``[1, 2, ...]``)."""
    flat = np.asarray(values, dtype=float).ravel()
    text = ", ".join(f"{v:.5g}" for v in flat[:count])
    return f"[{text}{', ...' if flat.size > count else ''}]"


def largest_differences(actual, expected, count: int = 4) -> str:
    """The ``count`` entries where ``actual`` and ``expected`` differ most, with indices.

    Arrays of different shapes are shown side by side instead; a single entry is shown
    as two numbers.
    """
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
