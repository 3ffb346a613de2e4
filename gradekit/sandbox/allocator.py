"""The allocator setting shared by the worker and the controller (both time numpy code)."""

from __future__ import annotations


def steady_malloc() -> None:
    """Keep freed memory mapped (glibc), so timing is not page faults on fresh arrays.

    A short-lived process otherwise maps and unmaps every large temporary array, which
    makes the same numpy code several times slower than in a warmed-up process.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.mallopt(-3, 32 << 20)   # M_MMAP_THRESHOLD: large blocks from the heap
        libc.mallopt(-1, 64 << 20)   # M_TRIM_THRESHOLD: do not give it back eagerly
    except (OSError, AttributeError):
        pass
