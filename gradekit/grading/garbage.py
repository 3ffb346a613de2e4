"""The cyclic garbage collector's pace while a grade runs.

A grade allocates containers by the hundred thousand (syntax trees of the checks and the
student's files, pytest's nodes and reports, decoded replies), and very few of them form
cycles. At Python's default pace (a young collection every 700 allocations) a grade in a
fresh process spends about 25 ms, 3 % of its time, in about 120 collections, one of them a
full one over everything imported. Collecting about 14 times less often leaves at most
``YOUNG_THRESHOLD`` young objects waiting (a few MB) and takes most of that back
(``bench/profile_grade.py`` counts the collections).
"""

from __future__ import annotations

import contextlib
import gc
import threading
from typing import Iterator

YOUNG_THRESHOLD = 10_000
"""Allocations (less deallocations) of containers between two young collections."""
OLDER_THRESHOLD = 10
"""Collections of one generation between two of the next, as by default: every
generation is then collected about 14 times less often."""

_lock = threading.Lock()
_grades = 0
_before: tuple[int, ...] = ()


@contextlib.contextmanager
def collecting_less_often() -> Iterator[None]:
    """Collect cycles at the pace above for the length of the block, then as before.

    Grades running side by side in one process (threads of a Dask worker) share the
    pace: the first to begin sets it, the last to end puts the process's own back."""
    global _grades, _before
    with _lock:
        if _grades == 0:
            _before = gc.get_threshold()
            gc.set_threshold(YOUNG_THRESHOLD, OLDER_THRESHOLD, OLDER_THRESHOLD)
        _grades += 1
    try:
        yield
    finally:
        with _lock:
            _grades -= 1
            if _grades == 0:
                gc.set_threshold(*_before)
