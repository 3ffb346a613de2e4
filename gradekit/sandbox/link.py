"""One running worker as the controller sees it: one exchange at a time, and its end.

A :class:`WorkerLink` wraps a started worker (:func:`gradekit.sandbox.launch.start_worker`):
it waits for the worker to say it is ready, sends one request frame and reads one reply
within a timeout (reading the worker's CPU clock from outside when asked,
:mod:`gradekit.sandbox.timing`), and turns every way the worker can fail (timeout, crash,
out of memory, a malformed or hostile reply) into the student-facing error of
:mod:`gradekit.sandbox.errors`. Whenever it kills the worker it calls ``on_end`` once, so
the :class:`~gradekit.sandbox.controller.Sandbox` forgets that worker's values at once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from typing import Any, Callable, Optional

from gradekit.sandbox import launch, phases, protocol, timing
from gradekit.sandbox.channel import ChannelClosed, ChannelTimeout
from gradekit.sandbox.errors import (
    ProtocolViolation,
    SandboxError,
    StudentCrash,
    StudentError,
    StudentException,
    StudentMemoryError,
    StudentTimeout,
)
from gradekit.sandbox.launch import WorkerProcess
from gradekit.sandbox.limits import Limits

Reply = tuple[dict[str, Any], bytearray, str, float, Optional[float]]
"""A reply's header, its payload, the output printed meanwhile, wall and CPU seconds."""


class WorkerLink:
    """The controller's end of one started worker, until it is killed.

    ``mode`` is the worker's confinement; ``account`` the slot's account it runs as (None:
    the grader's own identity); ``on_end(link)`` is called when the worker is killed.
    """

    def __init__(self, process: WorkerProcess, limits: Limits, mode: str, account: Any,
                 on_end: Callable[[WorkerLink], None]) -> None:
        self.process = process
        self.limits = limits
        self.mode = mode
        self.account = account
        self.ready = False
        self.alive = True
        self.peak_rss_kb = 0
        """The worker's largest resident size, read just before it was killed."""
        self.boot_seconds = 0.0
        """Wall seconds from the start to ``ready`` (known once ready)."""
        self.boot_cpu = 0.0
        """The worker's CPU seconds at ``ready`` (its limits and preloaded imports)."""
        self._started = time.perf_counter()
        self._final_cpu: float | None = None
        self._on_end = on_end
        self._clock = timing.cpu_clock(process.pid)
        self._idle = timing.idle_signature(process.request_fd)

    @property
    def pid(self) -> int:
        """The worker's process id, outside any namespace."""
        return self.process.pid

    def stray_data(self) -> bool:
        """Whether the worker sent something nobody asked for (it must then be restarted)."""
        return self.ready and self.process.channel.stray_data()

    def await_ready(self) -> None:
        """Wait for the worker's first message; raise :class:`SandboxError` if it cannot
        start (it is killed then)."""
        try:
            reply, _, output, _, _ = self.exchange(None, None, self.limits.startup_timeout,
                                                   False, "starting")
        except StudentError as error:
            detail = getattr(error, "startup_output", "") or str(error)
            self.kill()
            raise SandboxError(self._cannot_run(detail)) from None
        if reply.get("op") != "ready":
            self.kill()
            raise SandboxError(self._cannot_run(f"unexpected first message {output[-400:]}"))
        self.ready = True
        self.boot_seconds = time.perf_counter() - self._started
        self.boot_cpu = timing.cpu_seconds(self._clock)

    def cpu_since_ready(self) -> float:
        """The worker's CPU seconds since it was ready (until it was killed)."""
        if self._final_cpu is not None:
            return self._final_cpu
        if not self.ready:
            return 0.0
        return max(0.0, timing.cpu_seconds(self._clock) - self.boot_cpu)

    def _cannot_run(self, detail: str) -> str:
        return launch.cannot_run(self.account, f"with numpy ({self.mode} confinement; "
                                               f"{detail.strip()[-800:]})")

    def exchange(self, frame: list[memoryview] | None, ident: int | None, timeout: float,
                 measure_cpu: bool, what: str) -> Reply:
        """Send ``frame`` (None: send nothing) and read one reply, draining output, within
        ``timeout``; ``ident`` is the id the reply must answer (None: any)."""
        channel = self.process.channel
        start_cpu = timing.cpu_seconds(self._clock) if measure_cpu else 0.0
        try:
            with phases.sandbox_call() if frame is not None else contextlib.nullcontext():
                reader, output, wall = channel.exchange(frame, timeout)
            cpu = None
            if measure_cpu:
                if not timing.await_idle(self.pid, self._idle, self._clock):
                    self.violation(what, "it kept running after answering")
                cpu = timing.cpu_seconds(self._clock) - start_cpu
                if timing.threads(self.pid) > 1:
                    self.violation(what, "it started threads")
            channel.drain_output(output)
            header = reader.header()
        except ChannelTimeout:
            self.kill()
            raise StudentTimeout(what, timeout) from None
        except ChannelClosed as closed:
            raise self._died(what, str(closed)) from None
        except protocol.ProtocolError as error:
            self.violation(what, str(error))
        if ident is not None and header.get("id") != ident:
            self.violation(what, "answer to a question that was not asked")
        return header, reader.payload, output.text(), wall, cpu

    def failure(self, error: Any, what: str) -> StudentError:
        """The error for a reply that says the call failed (``error`` is its report)."""
        if not isinstance(error, dict):
            return self.violation(what, "malformed error report", raise_it=False)
        kind = error.get("kind")
        if kind == "memory":
            self.kill()
            return StudentMemoryError(what, self.limits.memory_mb)
        type_name, message = error.get("type"), error.get("message", "")
        lines = error.get("traceback", [])
        if (kind != "exception" or not isinstance(type_name, str) or not isinstance(message, str)
                or not isinstance(lines, list) or not all(isinstance(x, str) for x in lines)):
            return self.violation(what, "malformed error report", raise_it=False)
        lines = [line[:300] for line in lines[-40:]]
        return StudentException(what, type_name[:200], message[:4000], lines)

    def violation(self, what: str, detail: str, raise_it: bool = True) -> ProtocolViolation:
        """Kill the worker for breaking the protocol; raise (or return) the error."""
        self.kill()
        error = ProtocolViolation(what, detail)
        if raise_it:
            raise error
        return error

    def _died(self, what: str, output_text: str) -> StudentError:
        popen = self.process.popen
        try:
            popen.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        returncode = popen.poll()
        if self.mode == "bwrap" and returncode is not None and returncode > 128:
            returncode = 128 - returncode  # bubblewrap reports a signal as 128 + number
        ready = self.ready  # read before kill() clears it
        self.kill()
        if not ready:
            error = StudentCrash(what, returncode)
            error.startup_output = output_text  # type: ignore[attr-defined]
            return error
        if returncode == -signal.SIGXCPU:
            return StudentCrash(what, returncode,
                                f"the limit is {self.limits.cpu_seconds} s of CPU in all")
        return StudentCrash(what, returncode)

    def kill(self) -> None:
        """Kill the worker (and anything it started), close its pipes, call ``on_end``."""
        if not self.alive:
            return
        self._final_cpu = self.cpu_since_ready()
        self.alive, self.ready = False, False
        process = self.process
        self.peak_rss_kb = timing.peak_rss_kb(process.pid)
        for pid in {process.pid, process.popen.pid}:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            os.killpg(process.popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process.popen.wait()
        process.channel.close()
        self._on_end(self)
