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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, NoReturn

from gradekit.sandbox import cgroup, launch, phases, protocol, timing
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
from gradekit.sandbox.protocol import Remote
from gradekit.sandbox.runtime import Runtime, available, build_runtime
from gradekit.sandbox.slots import Slot, acquire_slot, slot_parent

__all__ = [
    "BudgetExhausted", "CallResult", "Limits", "ProtocolViolation", "Sandbox", "SandboxError",
    "StudentCrash", "StudentError", "StudentException", "StudentMemoryError", "StudentTimeout",
]


@dataclass
class CallResult:
    """What one call returned and did."""

    value: Any
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    stdout: str
    wall_seconds: float
    cpu_seconds: float | None = None


START_ATTEMPTS = 3
"""Starts of a worker tried before the grade gives up (a loaded machine, a slow disk)."""
START_RETRY_PAUSE = 0.5


class Sandbox:
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
        self.preload = tuple(dict.fromkeys(preload + available(self.limits.packages)))
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

    # ------------------------------------------------------------------ API
    def call(self, target: str | Remote | tuple[Remote, str], *args: Any,
             timeout: float | None = None, keep: bool = False, measure_cpu: bool = False,
             echo: bool = True, **kwargs: Any) -> CallResult:
        """Call ``target`` (``"pkg.mod.func"``, a Remote, or ``(Remote, "method")``).

        ``echo=False``: the worker does not send the arguments back (``args`` and ``kwargs``
        of the result are empty), so a timed call pays nothing for encoding its arguments.
        """
        what = _describe_target(target)
        remembered = _remembered(target)
        if remembered in self.timed_out:
            raise StudentTimeout(what, self.timed_out[remembered], earlier=True)
        encoder = protocol.LenientEncoder(handle=self.handles.ident)
        # A timed call whose value stays in the worker also answers with a fingerprint of
        # it, checked by fetch(): the work cannot be put off until after the clock stops.
        fingerprint = bool(keep and measure_cpu)
        header = {"op": "call", "target": self._target(target), "keep": bool(keep),
                  "args": encoder.encode(list(args)), "kwargs": encoder.encode(kwargs),
                  "digest": fingerprint, "seed": [self.seed, self.calls + 1]}
        if not echo:
            header["echo"] = False
        if self.timed_out:
            header["timed_out"] = sorted(self.timed_out)
        try:
            reply, decoder, stdout, wall, cpu = self._request(header, encoder, timeout,
                                                              measure_cpu, what)
        except StudentTimeout as error:
            if remembered:
                self.timed_out[remembered] = error.seconds
            raise
        value, call_args, call_kwargs = self._decode(
            decoder, what, reply.get("value"), reply.get("args"), reply.get("kwargs"))
        if type(call_args) is not list or type(call_kwargs) is not dict:
            self._violation(what, "bad argument echo")
        if not echo:
            call_args, call_kwargs = [], {}
        if fingerprint:
            if type(reply.get("digest")) is not int or not isinstance(value, Remote):
                self._violation(what, "a timed call came back without its fingerprint")
            self.handles.remember(value, reply["digest"])
        return CallResult(value, tuple(call_args), call_kwargs, stdout, wall, cpu)

    def relayed(self, target: str | tuple[Remote, str] | Remote, args: list[Any],
                kwargs: dict[str, Any], sync: dict[str, Any], *,
                timeout: float | None = None) -> tuple[CallResult, Any]:
        """Call ``target`` for trusted code that runs here (:mod:`gradekit.sandbox.relay`):
        ``sync`` sets the worker's generators and the owner's attributes first. Returns the
        call's result and what the worker says the call changed (hostile data: check it)."""
        what = _describe_target(target)
        remembered = _remembered(target)
        if remembered in self.timed_out:
            raise StudentTimeout(what, self.timed_out[remembered], earlier=True)
        encoder = protocol.LenientEncoder(handle=self.handles.ident)
        header = {"op": "call", "target": self._target(target), "keep": False,
                  "args": encoder.encode(list(args)), "kwargs": encoder.encode(kwargs),
                  "relay": encoder.encode(sync), "echo": False,
                  "seed": [self.seed, self.calls + 1]}
        if self.timed_out:
            header["timed_out"] = sorted(self.timed_out)
        try:
            reply, decoder, stdout, wall, cpu = self._request(header, encoder, timeout, False,
                                                              what)
        except StudentTimeout as error:
            if remembered:
                self.timed_out[remembered] = error.seconds
            raise
        value, changes = self._decode(decoder, what, reply.get("value"), reply.get("relay"))
        return CallResult(value, (), {}, stdout, wall, cpu), changes

    def getattr(self, remote: Remote, name: str, *, timeout: float | None = None,
                keep: bool = False) -> Any:
        """The attribute ``name`` of a remote object, as plain data or a Remote."""
        header = {"op": "getattr", "obj": self.handles.ident(remote), "name": str(name),
                  "keep": keep}
        return self._simple(header, protocol.Encoder(), timeout, f"reading .{name}")

    def setattr(self, remote: Remote, name: str, value: Any, *,
                timeout: float | None = None) -> None:
        """Set the attribute ``name`` of a remote object to ``value``."""
        encoder = protocol.LenientEncoder(handle=self.handles.ident)
        header = {"op": "setattr", "obj": self.handles.ident(remote), "name": str(name),
                  "value": encoder.encode(value)}
        self._simple(header, encoder, timeout, f"setting .{name}")

    def fetch(self, remote: Remote, *, timeout: float | None = None) -> Any:
        """The remote object itself, if it is plain data (else the same Remote back)."""
        header = {"op": "fetch", "obj": self.handles.ident(remote)}
        value = self._simple(header, protocol.Encoder(), timeout, "fetching a value")
        if not self.handles.check(remote, value):
            self._violation("fetching a timed result",
                            "the result changed after its timed call had answered")
        return value

    # ------------------------------------------------------------------ the slot
    def _take_slot(self) -> None:
        self.slot = acquire_slot(self.accounts) if _readable(self.folder) else None
        try:
            self._runtime = _prepare(self.slot, self.folder, self.mode, self.preload)
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------------ requests
    def _simple(self, header: dict[str, Any], encoder: protocol.Encoder,
                timeout: float | None, what: str) -> Any:
        reply, decoder, _, _, _ = self._request(header, encoder, timeout, False, what)
        return self._decode(decoder, what, reply.get("value"))[0]

    def _decode(self, decoder: protocol.Decoder, what: str, *nodes: Any) -> list[Any]:
        """Decode reply values; anything malformed is the student's process's doing."""
        try:
            values = [decoder.decode(node) for node in nodes]
            decoder.finish()
        except protocol.ProtocolError as error:
            self._violation(what, str(error))
        return values

    def _target(self, target: Any) -> Any:
        if isinstance(target, str):
            if not all(part.isidentifier() for part in target.split(".")):
                raise ValueError(f"bad call target {target!r}")
            return target
        if isinstance(target, Remote):
            return {"remote": self.handles.ident(target)}
        if isinstance(target, tuple) and len(target) == 2 and isinstance(target[1], str):
            return {"remote": self.handles.ident(target[0]), "attr": target[1]}
        raise TypeError(f"bad call target {target!r}")

    def _request(self, header: dict[str, Any], encoder: protocol.Encoder,
                 timeout: float | None, measure_cpu: bool, what: str
                 ) -> tuple[dict[str, Any], protocol.Decoder, str, float, float | None]:
        timeout = timeout or self.limits.timeout
        if self._link is not None and self._link.stray_data():
            self._kill()
        self.wait_ready()
        link = self._link
        assert link is not None
        budget_left = self._budget_left()
        if budget_left is not None and budget_left <= 0:
            raise BudgetExhausted(what, self.budget)
        allowed = timeout if budget_left is None else min(timeout, budget_left)
        self.calls += 1
        header["id"] = self.handles.request_id()
        drops = self.handles.take_drops()
        if drops:
            header["drop"] = drops
        frame = protocol.encode_message(header, encoder)
        try:
            reply, payload, output, wall, cpu = link.exchange(frame, header["id"], allowed,
                                                              measure_cpu, what)
        except StudentTimeout:
            if allowed < timeout:
                raise BudgetExhausted(what, self.budget) from None
            raise
        if not reply.get("ok"):
            raise link.failure(reply.get("error"), what)
        return reply, protocol.Decoder(payload, self.handles.make), output, wall, cpu

    def _budget_left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def _violation(self, what: str, detail: str) -> NoReturn:
        """Kill the worker for breaking the protocol and raise the error."""
        self._kill()
        raise ProtocolViolation(what, detail)

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


def _remembered(target: Any) -> str:
    """The name a timed-out ``target`` is remembered by: a student function's dotted name
    ('' for calls that are not one: the engine's own drivers, methods of kept objects)."""
    if isinstance(target, str) and target.partition(".")[0] not in ("builtins", "os"):
        return target
    return ""


def _describe_target(target: Any) -> str:
    if isinstance(target, str):
        return target
    if isinstance(target, tuple):
        return f"{target[0].type_name}.{target[1]}"
    return f"your {getattr(target, 'type_name', 'object')}"
