"""Where a grade's time goes: wall and CPU seconds by phase, for staff and the benches.

A :class:`Profile` is active while a grade runs (:func:`recording`); code anywhere in the
controller marks what it is doing with ``with phase("intake"):``. Phases nest, and each
second is counted once, in the innermost phase open at that moment (its *own* time). The
controller's CPU is its process time; each worker's CPU is read from outside (its
:class:`~gradekit.sandbox.link.WorkerLink`, :func:`watch_worker`) and counted in the phase
the controller was in meanwhile (the controller waits for its calls). A worker's start (up
to its ``ready``, preloading included) is counted apart, in the phase ``worker start``:
it overlaps the controller's own start. Sandbox calls made in a phase opened with
``calls="..."`` are counted under that name (a check's student calls apart from its own
work); in other phases, in the phase itself.

Nothing here changes a grade: with no profile active, :func:`phase` costs one lookup.
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import os
import time
from dataclasses import dataclass
from typing import Iterator, Protocol

WORKER_START = "worker start"
"""The phase a worker's boot (limits, preloaded imports, up to ``ready``) is counted in."""


@dataclass
class PhaseTimes:
    """What one phase took, in all: wall and CPU seconds and how often it was entered."""

    wall: float = 0.0
    cpu: float = 0.0
    worker_cpu: float = 0.0
    count: int = 0

    def as_json(self) -> dict[str, float | int]:
        return {"wall": round(self.wall, 4), "cpu": round(self.cpu, 4),
                "worker_cpu": round(self.worker_cpu, 4), "count": self.count}


class Worker(Protocol):
    """A worker as the profile reads it (:class:`~gradekit.sandbox.link.WorkerLink`)."""

    def cpu_since_ready(self) -> float:
        """Its CPU seconds since it was ready (all of them, once it has ended)."""


class Profile:
    """Own wall, controller CPU and worker CPU seconds per phase name, in first-use order."""

    def __init__(self) -> None:
        self.times: dict[str, PhaseTimes] = {}
        self.items: dict[str, PhaseTimes] = {}
        """Whole times of named items (:meth:`item`), e.g. per check."""
        self.workers: list[Worker] = []
        """Every worker started meanwhile (:meth:`watch_worker`)."""
        self._stack: list[tuple[str, str | None]] = []
        self._mark = self._now()
        self.before = (process_age(), self._mark[1])
        """Wall seconds since this process started, and its CPU seconds, when the profile
        began (a fresh ``gradekit grade``: its start and imports)."""
        self.collections = GarbageTally()
        """The controller's cyclic garbage collections meanwhile (inside the phases)."""

    def _now(self) -> tuple[float, float, float]:
        worker = sum(w.cpu_since_ready() for w in self.workers)
        return time.perf_counter(), time.process_time(), worker

    def _settle(self) -> None:
        """Count the time since the last change in the innermost open phase."""
        now = self._now()
        if self._stack:
            times = self.times.setdefault(self._stack[-1][0], PhaseTimes())
            times.wall += now[0] - self._mark[0]
            times.cpu += now[1] - self._mark[1]
            times.worker_cpu += max(0.0, now[2] - self._mark[2])
        self._mark = now

    def enter(self, name: str, calls: str | None = None) -> None:
        self._settle()
        self.times.setdefault(name, PhaseTimes()).count += 1
        self._stack.append((name, calls))

    def leave(self) -> None:
        self._settle()
        self._stack.pop()

    def calls_phase(self) -> str | None:
        """The name sandbox calls are counted under now (None: the current phase's)."""
        return self._stack[-1][1] if self._stack else None

    def watch_worker(self, worker: Worker) -> None:
        """Count ``worker``'s CPU from now on (a new worker has none yet)."""
        self._settle()
        self.workers.append(worker)

    def add(self, name: str, wall: float, cpu: float = 0.0, worker_cpu: float = 0.0) -> None:
        """Count a phase measured elsewhere (a worker's start, which overlaps others)."""
        times = self.times.setdefault(name, PhaseTimes())
        times.wall += wall
        times.cpu += cpu
        times.worker_cpu += worker_cpu
        times.count += 1

    @contextlib.contextmanager
    def item(self, name: str) -> Iterator[None]:
        """Also count the block's whole time (all phases) under item ``name`` (one check,
        one notebook), to find the costly ones."""
        self._settle()
        first = self._mark
        try:
            yield
        finally:
            self._settle()
            last = self._mark
            self.items[name] = PhaseTimes(last[0] - first[0], last[1] - first[1],
                                          max(0.0, last[2] - first[2]), 1)

    def as_json(self) -> dict[str, object]:
        """For ``extra_data``: ``phases`` as ``{name: {wall, cpu, worker_cpu, count}}``
        (seconds), ``items`` (the same, per item), ``before`` (``{wall, cpu}``: the
        process before the profile began) and ``collections`` (``{count, seconds}``: the
        process's cyclic garbage collections meanwhile)."""
        return {"before": {"wall": round(self.before[0], 4), "cpu": round(self.before[1], 4)},
                "phases": {name: times.as_json() for name, times in self.times.items()},
                "items": {name: times.as_json() for name, times in self.items.items()},
                "collections": self.collections.as_json()}


class GarbageTally:
    """How many cyclic garbage collections ran, and their wall seconds (a ``gc`` callback
    while :func:`recording`)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self._started = 0.0

    def __call__(self, what: str, info: dict[str, int]) -> None:
        if what == "start":
            self._started = time.perf_counter()
        else:
            self.count += 1
            self.seconds += time.perf_counter() - self._started

    def as_json(self) -> dict[str, float | int]:
        return {"count": self.count, "seconds": round(self.seconds, 4)}


def process_age() -> float:
    """Wall seconds since this process started (0.0 where ``/proc`` is missing)."""
    try:
        with open("/proc/self/stat", "rb") as stat:
            fields = stat.read().rpartition(b")")[2].split()
        with open("/proc/uptime", "rb") as uptime:
            now = float(uptime.read().split()[0])
        return max(0.0, now - int(fields[19]) / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, AttributeError):  # no /proc (Windows, macOS)
        return 0.0


_ACTIVE: contextvars.ContextVar[Profile | None] = contextvars.ContextVar(
    "gradekit_profile", default=None)


def active() -> Profile | None:
    """The profile being recorded, if any."""
    return _ACTIVE.get()


@contextlib.contextmanager
def recording(name: str = "grade") -> Iterator[Profile]:
    """Record a profile for the block, whose own time is counted as phase ``name``."""
    profile = Profile()
    token = _ACTIVE.set(profile)
    gc.callbacks.append(profile.collections)
    profile.enter(name)
    try:
        yield profile
    finally:
        profile.leave()
        gc.callbacks.remove(profile.collections)
        _ACTIVE.reset(token)


@contextlib.contextmanager
def phase(name: str, calls: str | None = None) -> Iterator[None]:
    """Count the block's own time as phase ``name`` (its sandbox calls as ``calls``, when
    given) in the active profile; nothing without one."""
    profile = _ACTIVE.get()
    if profile is None:
        yield
        return
    profile.enter(name, calls)
    try:
        yield
    finally:
        profile.leave()


@contextlib.contextmanager
def sandbox_call() -> Iterator[None]:
    """Around one sandbox call: counted under the enclosing phase's ``calls`` name."""
    profile = _ACTIVE.get()
    name = profile.calls_phase() if profile is not None else None
    if name is None:
        yield
        return
    with phase(name):
        yield


@contextlib.contextmanager
def item(name: str) -> Iterator[None]:
    """Count the block's whole time under item ``name`` in the active profile, if any."""
    profile = _ACTIVE.get()
    if profile is None:
        yield
        return
    with profile.item(name):
        yield


def watch_worker(worker: Worker) -> None:
    """Count ``worker``'s CPU in the active profile, if any."""
    profile = _ACTIVE.get()
    if profile is not None:
        profile.watch_worker(worker)


def add(name: str, wall: float, cpu: float = 0.0, worker_cpu: float = 0.0) -> None:
    """Count a phase measured elsewhere in the active profile, if any (:meth:`Profile.add`)."""
    profile = _ACTIVE.get()
    if profile is not None:
        profile.add(name, wall, cpu, worker_cpu)
