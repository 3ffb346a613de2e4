"""The controller's side of the sandbox: the API the checks use to run student code.

A :class:`Sandbox` holds one slot (:mod:`gradekit.sandbox.slots`), starts one worker in it
(:mod:`gradekit.sandbox.launch`), and talks to it through a
:class:`~gradekit.sandbox.link.WorkerLink` (one exchange at a time over the pipes of
:mod:`gradekit.sandbox.channel`, CPU time read from outside by
:mod:`gradekit.sandbox.timing`, every failure turned into a student-facing error) in plain
data (:mod:`gradekit.sandbox.protocol`). The worker is restarted after a crash or timeout;
values it keeps are named by handles (:mod:`gradekit.sandbox.handles`). Everything the
worker says is decoded as hostile input.
The controller never imports student code, nor the worker module.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import stat
import time
from pathlib import Path
from typing import Any, Iterator

from gradekit.sandbox import cgroup, launch, phases, timing
from gradekit.sandbox.errors import (
    BudgetExhausted,
    ProtocolViolation,
    SandboxError,
    StudentCrash,
    StudentError,
    StudentException,
    StudentMemoryError,
    StudentTimeout,
)
from gradekit.sandbox.handles import Handles
from gradekit.sandbox.limits import Limits
from gradekit.sandbox.link import WorkerLink
from gradekit.sandbox.requests import CallResult, WorkerRequests
from gradekit.sandbox.runtime import Runtime, available, build_runtime
from gradekit.sandbox.slots import Slot, acquire_slot, slot_parent

__all__ = [
    "BudgetExhausted", "CallResult", "Limits", "ProtocolViolation", "Sandbox", "SandboxError",
    "StudentCrash", "StudentError", "StudentException", "StudentMemoryError", "StudentTimeout",
]


START_ATTEMPTS = 3
"""Starts of a worker tried before the grade gives up (a loaded machine, a slow disk)."""
START_RETRY_PAUSE = 0.5


class Sandbox(WorkerRequests):
    """One student's worker process in a slot of its own, restarted after a crash or timeout.

    ``folder`` holds the student's files; its regular files are copied into the slot's
    code folder, which becomes the worker's ``sys.path[0]`` and working directory.
    ``user=True`` runs the worker as the slot's account when the grader is root; ``None``
    keeps the grader's identity (tests only). ``deadline`` (``time.monotonic()``) ends
    every call once the whole grade's budget of ``budget`` seconds is spent; ``seed`` makes
    the worker's global generators repeatable (``seeding``). A function that timed out is
    never run again: later calls fail at once (in the worker too)."""

    def __init__(self, folder: Path, *, limits: Limits | None = None,
                 user: bool | None = True, preload: tuple[str, ...] = ("numpy",),
                 deadline: float | None = None, budget: float | None = None,
                 seed: int = 0) -> None:
        self.folder = Path(folder).resolve()
        self.limits, self.memory_note = _fitted(limits or Limits())
        """The limits workers get: memory fitted inside the grader's control group."""
        self.preload = _preloads(preload, self.limits)
        self.accounts = bool(user) and launch.is_root()
        self.mode, self.mode_reason = launch.confinement_and_reason()
        if self.mode == "account" and not self.accounts:
            self.mode = "none"  # without an account to switch to, nothing confines it
            self.mode_reason += "; no account to switch to (tests only)"
        self.deadline = deadline
        self.budget = budget
        self.seed = int(seed) & 0xFFFFFFFF
        self.timed_out: dict[str, float] = {}  # "pkg.mod.func": its timeout; never rerun
        self.calls = 0
        self.peak_rss_kb = 0
        """The largest resident size any worker of this sandbox reached (known after close)."""
        self.leftovers: list[str] = []
        """What the slot's cleaning could not remove (known after close)."""
        self.start_failures: list[str] = []
        """Why worker starts that were retried failed (for staff)."""
        self.slot: Slot | None = None
        self.handles = Handles()
        self._runtime: Runtime | None = None
        self._link: WorkerLink | None = None

    # ------------------------------------------------------------------ lifecycle
    @property
    def account(self) -> Any:
        """The slot's account the worker runs as (None without a user switch)."""
        return self.slot.account if self.slot is not None else None

    @property
    def generation(self) -> int:
        return self.handles.generation

    @property
    def pid(self) -> int | None:
        """The worker's process id (outside any namespace), None when not running."""
        return self._link.pid if self._link else None

    def start(self) -> None:
        """Take a slot and start the worker without waiting for it (it imports numpy). A
        worker that fails to start is started again by :meth:`wait_ready`."""
        if self.slot is None:
            self._take_slot()
        if self._link is None:
            try:
                self._spawn()
            except SandboxError as error:
                self.start_failures.append(str(error))

    def wait_ready(self) -> None:
        """Block until the worker is ready; a worker that cannot start is started again
        (:func:`_started_again`), then :class:`SandboxError` is raised."""
        _started_again(self)

    def close(self) -> None:
        """Stop the worker, clean the slot and let it go."""
        self._kill()
        slot, self.slot = self.slot, None
        if slot is not None:
            slot.release()
            self.leftovers = slot.leftovers

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def frozen(self) -> Iterator[None]:
        """Stop the worker for the length of the block (while the controller times)."""
        with timing.frozen(self.pid):
            yield

    # ------------------------------------------------------------------ the slot
    def _take_slot(self) -> None:
        self.slot = acquire_slot(self.accounts) if _readable(self.folder) else None
        try:
            self._runtime = _prepare(self.slot, self.folder, self.mode, self.preload)
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------------ the worker
    def _spawn(self) -> None:
        assert self.slot is not None
        process = launch.start_worker(self.slot, self._runtime, self.limits, self.mode,
                                      self.preload)
        self._link = WorkerLink(process, self.limits, self.mode, self.account, self._ended)
        phases.watch_worker(self._link)

    def _ended(self, link: WorkerLink) -> None:
        """The worker of ``link`` was killed: its values are gone."""
        if self._link is link:
            self._link = None
        self.peak_rss_kb = max(self.peak_rss_kb, link.peak_rss_kb)
        self.handles.new_generation()

    def _kill(self) -> None:
        if self._link is not None:
            self._link.kill()


def _started_again(box: Sandbox) -> None:
    """Start ``box``'s worker and wait for it; a start that fails (nothing of the student's
    has run yet: the grading machine is at fault) is tried again, :data:`START_ATTEMPTS`
    times in all, each failure kept in ``box.start_failures`` for staff."""
    for attempt in range(1, START_ATTEMPTS + 1):
        try:
            if box.slot is None:
                box._take_slot()
            if box._link is None:
                box._spawn()
            link = box._link
            assert link is not None
            if not link.ready:
                with phases.phase("waiting for the worker"):
                    link.await_ready()
                phases.add(phases.WORKER_START, link.boot_seconds, worker_cpu=link.boot_cpu)
            return
        except SandboxError as error:
            box._kill()
            if attempt == START_ATTEMPTS or box.slot is None:
                raise
            box.start_failures.append(str(error))
            time.sleep(START_RETRY_PAUSE)


def _fitted(limits: Limits) -> tuple[Limits, str]:
    """``limits`` with the memory fitted inside the grader's control group, and why."""
    memory_mb, note = cgroup.fitted_memory_mb(limits.memory_mb, cgroup.memory_room_mb())
    return dataclasses.replace(limits, memory_mb=memory_mb), note


def _readable(folder: Path) -> bool:
    """True for a folder the grader can read; else :class:`SandboxError`."""
    if not folder.is_dir() or not os.access(folder, os.R_OK | os.X_OK):
        raise SandboxError(f"the sandbox cannot start: {folder} is not a readable folder")
    return True


def prepare_runtime(limits: Limits) -> Path:
    """Build now the runtime folder the workers of grades under ``limits`` boot from (in
    the sandbox folder, :func:`slot_parent`), and return it. An autograder image built
    with it (Gradescope's ``setup.sh``) holds it, so no grade builds it again: 0.1 s with
    numpy alone, 0.8 s with torch here, and a copy of every file where the file system
    cannot link them (a container's layers)."""
    return build_runtime(slot_parent(), _preloads(("numpy",), limits)).root


def _preloads(preload: tuple[str, ...], limits: Limits) -> tuple[str, ...]:
    """What a worker imports before the student's code: ``preload`` and the packages
    ``limits`` names that are installed."""
    return tuple(dict.fromkeys(preload + available(limits.packages)))


def _prepare(slot: Slot | None, folder: Path, mode: str,
             preload: tuple[str, ...]) -> Runtime | None:
    """Copy the student's files into ``slot`` and hand it to its account; the runtime the
    worker boots from when another identity runs it (it may not reach the grader's files)."""
    assert slot is not None
    _copy_regular_files(folder, slot.code)
    slot.hand_over()
    if mode != "none" or slot.account is not None:
        return build_runtime(slot_parent(), preload)
    return None


def _copy_regular_files(source: Path, target: Path) -> None:
    """Copy the folders and regular files under ``source`` (never what a link points to)."""
    for folder, dirs, files in os.walk(source):
        relative = Path(folder).relative_to(source)
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
        for name in dirs:
            (target / relative / name).mkdir(exist_ok=True)
        for name in files:
            path = os.path.join(folder, name)
            if stat.S_ISREG(os.lstat(path).st_mode):
                shutil.copyfile(path, target / relative / name, follow_symlinks=False)
