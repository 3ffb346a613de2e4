"""Reading a worker from outside: its CPU clock, whether it is idle, its threads, its memory.

The worker's own clocks are not trusted; everything here is read by the controller from
the kernel (``clock_getcpuclockid``, ``/proc/PID``). :func:`frozen` stops a worker while
the controller times something of its own, so that the worker cannot slow the yardstick.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import time
from typing import Iterator

# The number of read(2) on each architecture, as /proc/PID/syscall shows it.
READ_SYSCALL = {"x86_64": b"0", "aarch64": b"63"}


def cpu_clock(pid: int) -> int:
    """The CPU-time clock id of process ``pid`` (readable from outside the process)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        clock = ctypes.c_int()
        if libc.clock_getcpuclockid(pid, ctypes.byref(clock)) == 0:
            return clock.value
    except (OSError, AttributeError):
        pass
    return ((~pid) << 3) | 2  # MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED)


def cpu_seconds(clock: int) -> float:
    """The CPU seconds of a clock from :func:`cpu_clock` (0 once the process is gone)."""
    try:
        return time.clock_gettime(clock)
    except OSError:
        return 0.0


def idle_signature(request_fd: int) -> list[bytes] | None:
    """What /proc/PID/syscall shows while the worker blocks reading ``request_fd``
    (its own number for that descriptor), or None on an unknown architecture."""
    number = READ_SYSCALL.get(os.uname().machine)
    return None if number is None else [number, hex(request_fd).encode()]


def await_idle(pid: int, signature: list[bytes] | None, clock: int | None = None,
               limit: float = 0.5, wall_limit: float = 10.0) -> bool:
    """Wait until ``pid`` blocks reading its next request (as the kernel sees it).

    A timed call ends there, not at the answer, so code that answers early and goes on
    working is still timed. False if it spends more than ``limit`` seconds of CPU (read
    from ``clock``, else wall time) without getting there, or ``wall_limit`` seconds in
    all. A worker that is only waiting for a CPU (a busy machine, a virtual CPU held back
    by its host) is not "working on": that costs wall time, not CPU time.
    """
    path = f"/proc/{pid}/syscall"
    start = time.perf_counter()
    used = cpu_seconds(clock) if clock is not None else start
    while True:
        try:
            with open(path, "rb") as handle:
                fields = handle.read().split()
        except OSError:
            return True  # no /proc access: the answer is the end of the window
        if signature is None or fields[:2] == signature:
            return True
        now = time.perf_counter()
        spent = (cpu_seconds(clock) if clock is not None else now) - used
        if spent > limit or now - start > wall_limit:
            return False
        time.sleep(0.00005)


def threads(pid: int) -> int:
    """How many threads ``pid`` runs (1 when it cannot be read)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return int(fields[17])
    except (OSError, IndexError, ValueError):
        return 1


def peak_rss_kb(pid: int) -> int:
    """The largest resident size ``pid`` has reached, in KiB (0 when unknown)."""
    try:
        with open(f"/proc/{pid}/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _state(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return b"X"


@contextlib.contextmanager
def frozen(pid: int | None, limit: float = 1.0) -> Iterator[None]:
    """Stop process ``pid`` (SIGSTOP) for the length of the block, then let it go on.

    Waits until the kernel reports it stopped, so nothing it runs overlaps the block.
    """
    if pid is None:
        yield
        return
    try:
        os.kill(pid, signal.SIGSTOP)
    except OSError:
        yield
        return
    deadline = time.perf_counter() + limit
    while _state(pid) not in (b"T", b"t", b"X", b"Z") and time.perf_counter() < deadline:
        time.sleep(0.0001)
    try:
        yield
    finally:
        try:
            os.kill(pid, signal.SIGCONT)
        except OSError:
            pass
