"""A pool of long-lived controller processes on this machine, one per sandbox slot in use.

Each controller (:mod:`gradekit.classwork.slotcontroller`) starts once, imports the engine,
numpy and pytest once, then grades one task after another; each grade takes a sandbox
slot (its own account and folders) for its length, so ``jobs`` controllers grade
``jobs`` submissions at once, isolated from each other. A controller that dies is
replaced and its task comes back as ``died``; one that runs past ``watchdog`` seconds on
a task is killed and its task comes back as ``timeout``; one that has graded
``recycle`` tasks is replaced between tasks (a bound on whatever a long life gathers).
"""

from __future__ import annotations

import collections
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterable

from gradekit.errors import UserError
from gradekit.sandbox.blas import BLAS_ENV

PARENT_ENV = "GRADEKIT_POOL_PARENT"
"""Tells a controller the pool's pid, so that it dies with the pool."""
STOP_WAIT = 20.0
"""Seconds stopped controllers get to finish cleanly (write partial results, clean their
slot) before they are killed."""
MAX_START_FAILURES = 3


@dataclass
class Task:
    """One submission to grade into ``stage`` (a staging folder the caller installs)."""

    key: str
    path: str
    stage: str
    member: str | None = None
    seed: int | None = None
    public_only: bool = False

    def line(self) -> bytes:
        return (json.dumps(self.__dict__, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass
class _Controller:
    number: int
    popen: subprocess.Popen[bytes]
    log: IO[bytes]
    buffer: bytes = b""
    ready: bool = False
    task: Task | None = None
    since: float = 0.0
    graded: int = 0
    done: bool = False
    retired: bool = False
    messages: collections.deque[dict[str, Any]] = field(default_factory=collections.deque)


class SlotPool:
    """``jobs`` controller processes grading tasks for :meth:`run`.

    ``watchdog`` bounds one task's wall time (the assignment's whole-grade budget plus a
    margin); ``log_dir`` receives each controller's stderr (``controller-N.log``).
    """

    def __init__(self, assignment_path: Path, jobs: int, log_dir: Path, watchdog: float,
                 recycle: int = 250, env: dict[str, str] | None = None) -> None:
        self.assignment_path = Path(assignment_path).resolve()
        self.jobs = max(1, int(jobs))
        self.log_dir = Path(log_dir)
        self.watchdog = float(watchdog)
        self.recycle = max(1, int(recycle))
        self.env = {**os.environ, **BLAS_ENV, **(env or {})}
        self.started = 0
        """How many controller processes were started (replacements included)."""
        self.pids: list[int] = []
        """Every controller's pid, in start order (for tests and logs)."""
        self._selector = selectors.DefaultSelector()
        self._controllers: dict[int, _Controller] = {}
        self._start_failures = 0
        self._numbers = 0

    # ------------------------------------------------------------------ the loop
    def run(self, tasks: Iterable[Task], on_outcome: Callable[[Task, dict[str, Any]], None],
            should_stop: Callable[[], bool] = lambda: False) -> bool:
        """Grade every task; ``on_outcome(task, answer)`` for each as it finishes (in this
        thread). Returns False when ``should_stop`` said to stop first: running grades
        are stopped and their tasks reported nowhere."""
        pending = collections.deque(tasks)
        try:
            while pending or self._busy():
                if should_stop():
                    return False
                self._fill(len(pending))
                for controller in list(self._controllers.values()):
                    if controller.ready and controller.task is None and pending:
                        self._dispatch(controller, pending.popleft())
                self._wait(0.2)
                for controller in list(self._controllers.values()):
                    self._handle(controller, on_outcome)
            return True
        finally:
            self.close()

    def _busy(self) -> bool:
        return any(c.task is not None for c in self._controllers.values())

    def _fill(self, pending: int) -> None:
        """Start controllers up to ``jobs`` (no more than there is work for)."""
        live = [c for c in self._controllers.values() if not c.done and not c.retired]
        working = len(live)
        idle = sum(1 for c in live if c.task is None)
        while working < self.jobs and pending > idle:
            self._start()
            working += 1
            idle += 1

    def _start(self) -> None:
        self._numbers += 1
        number = self._numbers
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self._log_path(number), "ab")
        env = {**self.env, PARENT_ENV: str(os.getpid())}
        popen = subprocess.Popen(
            [sys.executable, "-m", "gradekit.classwork.slotcontroller", str(self.assignment_path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env,
            start_new_session=True, close_fds=True)
        assert popen.stdout is not None
        os.set_blocking(popen.stdout.fileno(), False)
        controller = _Controller(number, popen, log)
        self._controllers[popen.pid] = controller
        self._selector.register(popen.stdout, selectors.EVENT_READ, controller)
        self.started += 1
        self.pids.append(popen.pid)

    def _dispatch(self, controller: _Controller, task: Task) -> None:
        controller.task, controller.since = task, time.monotonic()
        try:
            assert controller.popen.stdin is not None
            controller.popen.stdin.write(task.line())
            controller.popen.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # it died: its end of the pipe shows it, and the task comes back

    def _wait(self, timeout: float) -> None:
        for key, _ in self._selector.select(timeout):
            controller: _Controller = key.data
            try:
                data = os.read(key.fd, 1 << 16)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                self._selector.unregister(key.fileobj)
                controller.done = True
                continue
            controller.buffer += data
            *lines, controller.buffer = controller.buffer.split(b"\n")
            for line in lines:
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                if isinstance(message, dict):
                    controller.messages.append(message)

    def _handle(self, controller: _Controller,
                on_outcome: Callable[[Task, dict[str, Any]], None]) -> None:
        while controller.messages:
            message = controller.messages.popleft()
            if message.get("status") == "ready":
                controller.ready = True
                self._start_failures = 0
                continue
            task, controller.task = controller.task, None
            if task is None or message.get("key") != task.key:
                continue
            controller.graded += 1
            on_outcome(task, message)
            if controller.graded >= self.recycle:
                self._retire(controller)
        if controller.task is not None and time.monotonic() - controller.since > self.watchdog:
            task, controller.task = controller.task, None
            self._kill(controller)
            on_outcome(task, {"key": task.key, "status": "timeout",
                              "seconds": round(time.monotonic() - controller.since, 3)})
            return
        if controller.done:
            returncode = controller.popen.wait()
            self._forget(controller)
            if controller.task is not None:
                task, controller.task = controller.task, None
                on_outcome(task, {"key": task.key, "status": "died", "returncode": returncode,
                                  "seconds": round(time.monotonic() - controller.since, 3)})
            elif not controller.ready and not controller.retired:
                self._start_failures += 1
                if self._start_failures >= MAX_START_FAILURES:
                    raise UserError("the grading processes cannot start (exit "
                                    f"{returncode}): {self._log_tail(controller)}")

    # ------------------------------------------------------------------ endings
    def _retire(self, controller: _Controller) -> None:
        """Let an idle controller finish: its input ends, it exits."""
        controller.ready, controller.retired = False, True
        try:
            assert controller.popen.stdin is not None
            controller.popen.stdin.close()
        except OSError:
            pass

    def _kill(self, controller: _Controller) -> None:
        for send in (os.killpg, os.kill):
            try:
                send(controller.popen.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        controller.popen.wait()
        self._forget(controller)

    def _forget(self, controller: _Controller) -> None:
        """Let an ended controller go: its pipes, its log, its place in the selector."""
        try:
            self._selector.unregister(controller.popen.stdout)  # type: ignore[arg-type]
        except (KeyError, ValueError):
            pass  # its output had ended: already let go
        self._controllers.pop(controller.popen.pid, None)
        for stream in (controller.popen.stdin, controller.popen.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        controller.log.close()

    def close(self) -> None:
        """Stop every controller: SIGTERM to those grading (a clean stop), end of input to
        the idle ones; whatever is still there after :data:`STOP_WAIT` s is killed."""
        controllers = list(self._controllers.values())
        for controller in controllers:
            if controller.task is not None:
                try:
                    controller.popen.send_signal(signal.SIGTERM)
                except (ProcessLookupError, OSError):
                    pass
            else:
                self._retire(controller)
        deadline = time.monotonic() + STOP_WAIT
        for controller in controllers:
            try:
                controller.popen.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            if controller.popen.poll() is None:
                self._kill(controller)
            else:
                self._forget(controller)
        self._selector.close()
        self._selector = selectors.DefaultSelector()

    def _log_path(self, number: int) -> Path:
        return self.log_dir / f"controller-{number}.log"

    def _log_tail(self, controller: _Controller) -> str:
        try:
            text = self._log_path(controller.number).read_text(errors="replace")
        except OSError:
            return "(no log)"
        return text.strip()[-1500:] or "(empty log)"
