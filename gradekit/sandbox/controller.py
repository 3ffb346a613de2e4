"""Run student code in a separate, limited process and talk to it as plain data.

The controller (the grader, trusted) never imports student code. A :class:`Sandbox`
starts one worker process (``gradekit.sandbox.worker``) that imports the student's modules and
calls what the checks ask for. The worker runs

- as a dedicated unprivileged user when the grader runs as root (``gradekit-sandbox``, or
  ``$GRADEKIT_SANDBOX_USER``; created with ``useradd --system`` when missing);
- with rlimits on CPU time, address space, file size, open files, core dumps and no new
  processes or threads (``RLIMIT_NPROC`` 0, which binds every non-root user);
- with a scrubbed environment, in its own session, with stdout/stderr captured;
- under a wall-clock timeout per call, after which it is killed and restarted.

Everything the worker says is decoded as hostile input (:mod:`gradekit.sandbox.protocol`).
Root is exempt from ``RLIMIT_NPROC``: with the user switch disabled while running as root
(tests only), threads are still caught at the end of a timed call, not prevented.
"""

from __future__ import annotations

import ctypes
import errno
import json
import math
import os
import pwd
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import weakref
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from gradekit.sandbox import protocol
from gradekit.errors import UserError
from gradekit.sandbox.protocol import Remote

DEFAULT_USER = "gradekit-sandbox"
USER_ENV = "GRADEKIT_SANDBOX_USER"
_ENGINE_DIR = Path(__file__).resolve().parent.parent
_KEPT_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
_READABLE = select.POLLIN | select.POLLHUP | select.POLLERR
_CHUNK = 1 << 16
_READ_SYSCALL = {"x86_64": b"0", "aarch64": b"63"}

_BOOTSTRAP = r"""
import sys
def _boot(engine, paths, config):
    import json, os, importlib.util
    sys.dont_write_bytecode = True
    sys.path[:] = [p for p in sys.path if p] + json.loads(paths)
    spec = importlib.util.spec_from_file_location(
        "gradekit", os.path.join(engine, "__init__.py"), submodule_search_locations=[engine])
    module = importlib.util.module_from_spec(spec)
    sys.modules["gradekit"] = module
    spec.loader.exec_module(module)
    from gradekit.sandbox.worker import main
    main(config)
_boot(*sys.argv[1:4])
"""


class StudentError(Exception):
    """Something the student's code did; ``str(error)`` is what the student is shown."""


class StudentException(StudentError):
    """The student's code raised an exception (traceback limited to student files)."""

    def __init__(self, what: str, type_name: str, message: str, traceback: list[str]) -> None:
        self.type_name = type_name
        self.message = message
        self.traceback = traceback
        text = f"{what} raised {type_name}" + (f": {message}" if message else "")
        if traceback:
            text += "\n" + "\n".join(traceback)
        super().__init__(text)


class StudentTimeout(StudentError):
    """A call ran longer than its wall-clock timeout."""

    def __init__(self, what: str, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"{what} timed out after {seconds:g} s")


class StudentCrash(StudentError):
    """The worker died during a call (exit code or signal)."""

    def __init__(self, what: str, returncode: int | None, detail: str = "") -> None:
        self.returncode = returncode
        if returncode is None:
            how = "stopped answering"
        elif returncode < 0:
            try:
                name = signal.Signals(-returncode).name
            except ValueError:
                name = f"signal {-returncode}"
            how = f"was killed by {name}" + _SIGNAL_NOTES.get(-returncode, "")
        else:
            how = f"exited with code {returncode}"
        super().__init__(f"{what} crashed: the process running your code {how}"
                         + (f" ({detail})" if detail else ""))


class StudentMemoryError(StudentError):
    """The student's code ran out of its memory allowance."""

    def __init__(self, what: str, megabytes: int) -> None:
        self.megabytes = megabytes
        super().__init__(f"{what} used more than {megabytes} MB of memory")


class ProtocolViolation(StudentError):
    """The worker sent something that breaks the protocol (student code tampered with it)."""

    def __init__(self, what: str, detail: str) -> None:
        if "too large" in detail:
            super().__init__(f"{what} returned more data than the grader accepts ({detail}), "
                             "or your code wrote to file descriptors it does not own")
            return
        super().__init__(f"{what}: the grader could not understand the answer from your "
                         f"code's process ({detail}); does your code write to file "
                         "descriptors it does not own?")


class SandboxError(UserError):
    """The sandbox itself cannot work here (a setup problem, not the student's)."""


_SIGNAL_NOTES = {
    signal.SIGXCPU: ", it used up its CPU time",
    signal.SIGSEGV: ", a segmentation fault",
    signal.SIGKILL: "",
}


@dataclass(frozen=True)
class Limits:
    """What one worker may use. Set per assignment under ``[grading.sandbox]``."""

    timeout: float = 10.0
    """Default wall-clock seconds for one call."""
    memory_mb: int = 1024
    """Address-space limit of the worker (numpy alone maps about 150 MB)."""
    cpu_seconds: int = 300
    """CPU seconds for the worker's whole life (a backstop; calls are bounded by timeout)."""
    file_mb: int = 16
    """Largest file the student's code may write."""
    open_files: int = 64
    """Open file descriptors."""
    output_kb: int = 64
    """Printed output kept per call; the rest is discarded."""
    max_message_mb: int = 256
    """Largest answer the controller accepts from the worker."""
    startup_timeout: float = 60.0
    """Seconds the worker may take to start and import numpy."""

    @classmethod
    def from_table(cls, table: dict[str, Any], where: str) -> Limits:
        """Read limits from a TOML table; errors name ``where`` and the key."""
        known = {field.name: field for field in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in table.items():
            if key not in known:
                raise UserError(f"{where}: unknown key {key!r} (known: {', '.join(known)})")
            kind = float if isinstance(getattr(cls, key), float) else int
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0 or (
                kind is int and not isinstance(value, int)
            ):
                raise UserError(f"{where}.{key} must be a positive {kind.__name__}")
            values[key] = kind(value)
        return cls(**values)


@dataclass
class CallResult:
    """What one call returned and did."""

    value: Any
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    stdout: str
    wall_seconds: float
    cpu_seconds: float | None = None


class Sandbox:
    """One student's worker process, restarted after a crash or timeout.

    ``folder`` holds the student's files (it becomes the worker's ``sys.path[0]`` and
    working directory). ``user``: the account to run as when the grader is root;
    ``None`` disables the switch (tests only), the default reads ``$GRADEKIT_SANDBOX_USER``.
    """

    def __init__(self, folder: Path, *, limits: Limits | None = None,
                 user: str | None | bool = True, preload: tuple[str, ...] = ("numpy",)) -> None:
        self.folder = Path(folder).resolve()
        self.limits = limits or Limits()
        self.preload = preload
        self.account = _resolve_user(user) if os.geteuid() == 0 else None
        self.generation = 0
        self.calls = 0
        self.peak_rss_kb = 0
        """The largest resident size any worker of this sandbox reached (known after close)."""
        self._process: subprocess.Popen[bytes] | None = None
        self._ready = False
        self._scratch: Path | None = None
        self._next_id = 1
        self._drop: list[int] = []
        self._fingerprints: dict[int, int] = {}

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Start the worker without waiting for it (it imports numpy meanwhile)."""
        if self._process is None:
            self._spawn()

    def wait_ready(self) -> None:
        """Block until the worker is ready; raise :class:`SandboxError` if it cannot start."""
        self.start()
        if not self._ready:
            self._await_ready()

    def close(self) -> None:
        """Stop the worker and remove its scratch folder."""
        self._kill()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    # ------------------------------------------------------------------ API
    def call(self, target: str | Remote | tuple[Remote, str], *args: Any,
             timeout: float | None = None, keep: bool = False, measure_cpu: bool = False,
             **kwargs: Any) -> CallResult:
        """Call ``target`` (``"pkg.mod.func"``, a Remote, or ``(Remote, "method")``)."""
        what = _describe_target(target)
        encoder = protocol.LenientEncoder(handle=self._handle)
        # A timed call whose value stays in the worker also answers with a fingerprint of
        # it, checked by fetch(): the work cannot be put off until after the clock stops.
        fingerprint = bool(keep and measure_cpu)
        header = {"op": "call", "target": self._target(target), "keep": bool(keep),
                  "args": encoder.encode(list(args)), "kwargs": encoder.encode(kwargs),
                  "digest": fingerprint}
        reply, decoder, stdout, wall, cpu = self._request(header, encoder, timeout, measure_cpu,
                                                          what)
        value, call_args, call_kwargs = self._decode(
            decoder, what, reply.get("value"), reply.get("args"), reply.get("kwargs"))
        if type(call_args) is not list or type(call_kwargs) is not dict:
            self._violation(what, "bad argument echo")
        if fingerprint:
            if type(reply.get("digest")) is not int or not isinstance(value, Remote):
                self._violation(what, "a timed call came back without its fingerprint")
            self._fingerprints[value.id] = reply["digest"]
        return CallResult(value, tuple(call_args), call_kwargs, stdout, wall, cpu)

    def getattr(self, remote: Remote, name: str, *, timeout: float | None = None,
                keep: bool = False) -> Any:
        """The attribute ``name`` of a remote object, as plain data or a Remote."""
        header = {"op": "getattr", "obj": self._handle(remote), "name": str(name), "keep": keep}
        return self._simple(header, protocol.Encoder(), timeout, f"reading .{name}")

    def setattr(self, remote: Remote, name: str, value: Any, *,
                timeout: float | None = None) -> None:
        """Set the attribute ``name`` of a remote object to ``value``."""
        encoder = protocol.LenientEncoder(handle=self._handle)
        header = {"op": "setattr", "obj": self._handle(remote), "name": str(name),
                  "value": encoder.encode(value)}
        self._simple(header, encoder, timeout, f"setting .{name}")

    def fetch(self, remote: Remote, *, timeout: float | None = None) -> Any:
        """The remote object itself, if it is plain data (else the same Remote back)."""
        header = {"op": "fetch", "obj": self._handle(remote)}
        value = self._simple(header, protocol.Encoder(), timeout, "fetching a value")
        expected = self._fingerprints.pop(remote.id, None)
        if expected is not None and protocol.digest(value) != expected:
            self._violation("fetching a timed result",
                            "the result changed after its timed call had answered")
        return value

    # ------------------------------------------------------------------ internals
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

    def _handle(self, remote: Remote) -> int:
        if not isinstance(remote, Remote):
            raise TypeError(f"expected a Remote handle, got {type(remote).__name__}")
        if remote.generation != self.generation:
            raise StudentError("this value came from an earlier run of your code that "
                               "crashed or timed out, so it is gone")
        return remote.id

    def _target(self, target: Any) -> Any:
        if isinstance(target, str):
            if not all(part.isidentifier() for part in target.split(".")):
                raise ValueError(f"bad call target {target!r}")
            return target
        if isinstance(target, Remote):
            return {"remote": self._handle(target)}
        if isinstance(target, tuple) and len(target) == 2 and isinstance(target[1], str):
            return {"remote": self._handle(target[0]), "attr": target[1]}
        raise TypeError(f"bad call target {target!r}")

    def _remote(self, ident: int, type_name: str) -> Remote:
        if ident < 0:
            raise protocol.ProtocolError("bad remote handle")
        remote = Remote(ident, type_name, self.generation)
        weakref.finalize(remote, self._release, self.generation, ident)
        return remote

    def _release(self, generation: int, ident: int) -> None:
        """A Remote was garbage-collected: let the worker free the object with the next
        request (the worker gives every kept value its own id, so none is shared)."""
        if generation == self.generation:
            self._drop.append(ident)
            self._fingerprints.pop(ident, None)

    def _spawn(self) -> None:
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="gradekit-scratch-"))
            if self.account is not None:
                os.chown(self._scratch, self.account.pw_uid, self.account.pw_gid)
        request_r, request_w = os.pipe()
        response_r, response_w = os.pipe()
        output_r, output_w = os.pipe()
        limits = self.limits
        config = {
            "request_fd": request_r, "response_fd": response_w, "folder": str(self.folder),
            "max_payload": limits.max_message_mb << 20, "preload": list(self.preload),
            "parent": os.getpid(),
            "limits": {
                "cpu_seconds": limits.cpu_seconds, "memory_bytes": limits.memory_mb << 20,
                "file_bytes": limits.file_mb << 20, "open_files": limits.open_files,
                "processes": 0, "core_bytes": 0,
            },
        }
        command = [sys.executable, "-I", "-S", "-c", _BOOTSTRAP, str(_ENGINE_DIR),
                   json.dumps(_library_paths()), json.dumps(config)]
        switch: dict[str, Any] = {}
        if self.account is not None:
            switch = {"user": self.account.pw_uid, "group": self.account.pw_gid,
                      "extra_groups": []}
        try:
            self._process = subprocess.Popen(
                command, pass_fds=(request_r, response_w), stdin=subprocess.DEVNULL,
                stdout=output_w, stderr=output_w, cwd=self.folder, env=self._environment(),
                start_new_session=True, umask=0o077, **switch,
            )
        except OSError as error:
            for fd in (request_w, response_r, output_r):
                os.close(fd)
            raise SandboxError(self._cannot_run(str(error))) from None
        finally:
            for fd in (request_r, response_w, output_w):
                os.close(fd)
        for fd in (request_w, response_r, output_r):
            os.set_blocking(fd, False)
        self._fds = (request_w, response_r, output_r)
        self._poller = select.poll()
        self._poller.register(response_r, select.POLLIN)
        self._poller.register(output_r, select.POLLIN)
        self._ready = False
        self._clock = _cpu_clock(self._process.pid)
        number = _READ_SYSCALL.get(os.uname().machine)
        self._idle_syscall = None if number is None else [number, hex(request_r).encode()]

    def _environment(self) -> dict[str, str]:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self._scratch),
            "LANG": os.environ.get("LANG", "C.UTF-8"),
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        }
        env.update({key: os.environ[key] for key in _KEPT_ENV if key in os.environ})
        return env

    def _cannot_run(self, detail: str) -> str:
        who = f"user {self.account.pw_name!r}" if self.account else "the sandbox"
        return (f"the sandbox cannot start: {who} cannot run {sys.executable} with numpy "
                f"and read {self.folder} ({detail.strip()[-800:]}). Use a Python every user "
                "can run (the Makefile builds .venv from /usr/bin/python3; check "
                "`ls -l .venv/bin/python`).")

    def _await_ready(self) -> None:
        try:
            reply, _, output, _, _ = self._exchange(None, None, self.limits.startup_timeout,
                                                    False, "starting")
        except StudentError as error:
            detail = getattr(error, "startup_output", "") or str(error)
            self._kill()
            raise SandboxError(self._cannot_run(detail)) from None
        if reply.get("op") != "ready":
            self._kill()
            raise SandboxError(self._cannot_run(f"unexpected first message {output[-400:]}"))
        self._ready = True

    def _request(self, header: dict[str, Any], encoder: protocol.Encoder,
                 timeout: float | None, measure_cpu: bool, what: str
                 ) -> tuple[dict[str, Any], protocol.Decoder, str, float, float | None]:
        if self._process is not None and self._ready and self._stray_data():
            self._kill()
        if self._process is None:
            self._spawn()
        if not self._ready:
            self._await_ready()
        self.calls += 1
        header["id"] = self._next_id
        self._next_id += 1
        if self._drop:
            header["drop"], self._drop = self._drop, []
        frame = protocol.encode_message(header, encoder)
        reply, payload, output, wall, cpu = self._exchange(
            frame, header["id"], timeout or self.limits.timeout, measure_cpu, what)
        if not reply.get("ok"):
            raise self._failure(reply.get("error"), what)
        return reply, protocol.Decoder(payload, self._remote), output, wall, cpu

    def _failure(self, error: Any, what: str) -> StudentError:
        if not isinstance(error, dict):
            return self._violation(what, "malformed error report", raise_it=False)
        kind = error.get("kind")
        if kind == "memory":
            self._kill()
            return StudentMemoryError(what, self.limits.memory_mb)
        type_name, message = error.get("type"), error.get("message", "")
        lines = error.get("traceback", [])
        if (kind != "exception" or not isinstance(type_name, str) or not isinstance(message, str)
                or not isinstance(lines, list) or not all(isinstance(x, str) for x in lines)):
            return self._violation(what, "malformed error report", raise_it=False)
        lines = [line[:300] for line in lines[-40:]]
        return StudentException(what, type_name[:200], message[:4000], lines)

    def _violation(self, what: str, detail: str, raise_it: bool = True) -> ProtocolViolation:
        self._kill()
        error = ProtocolViolation(what, detail)
        if raise_it:
            raise error
        return error

    def _stray_data(self) -> bool:
        """True when the worker wrote on its channel between calls (or died)."""
        _, response_r, _ = self._fds
        poller = select.poll()
        poller.register(response_r, select.POLLIN)
        return bool(poller.poll(0))

    def _exchange(self, frame: list[memoryview] | None, ident: int | None, timeout: float,
                  measure_cpu: bool, what: str
                  ) -> tuple[dict[str, Any], bytearray, str, float, float | None]:
        """Send ``frame`` and read one reply, draining output, within ``timeout``."""
        assert self._process is not None
        request_w, response_r, output_r = self._fds
        output = _Output(self.limits.output_kb << 10)
        reader = _FrameBuffer(self.limits.max_message_mb << 20)
        poller = self._poller
        sending = list(frame or ())
        if len(sending) > 1 and sum(part.nbytes for part in sending) <= _CHUNK:
            sending = [memoryview(b"".join(sending))]
        start_cpu = self._cpu() if measure_cpu else 0.0
        start = time.perf_counter()
        deadline = start + timeout
        if sending and _send(request_w, sending):
            poller.register(request_w, select.POLLOUT)
        try:
            while not reader.done:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    self._kill()
                    raise StudentTimeout(what, timeout)
                for fd, event in poller.poll(math.ceil(remaining * 1000)):
                    if fd == output_r:
                        if not output.drain(fd):
                            poller.unregister(fd)
                    elif fd == request_w:
                        if event & (select.POLLERR | select.POLLHUP) or not _send(fd, sending):
                            poller.unregister(fd)
                            sending.clear()
                    elif not reader.feed(fd):
                        raise self._died(what, output)
            wall = time.perf_counter() - start
            cpu = None
            if measure_cpu:
                if not self._await_idle():
                    self._violation(what, "it kept running after answering")
                cpu = self._cpu() - start_cpu
                if _threads(self._process.pid) > 1:
                    self._violation(what, "it started threads")
            if reader.extra or sending:
                self._violation(what, "extra bytes on the channel")
            output.drain(output_r)
            header = reader.header()
        except protocol.ProtocolError as error:
            self._violation(what, str(error))
        if ident is not None and header.get("id") != ident:
            self._violation(what, "answer to a question that was not asked")
        return header, reader.payload, output.text(), wall, cpu

    def _await_idle(self, limit: float = 0.5) -> bool:
        """Wait until the worker blocks reading its next request (seen by the kernel).

        A timed call ends there, not at the answer, so code that answers early and goes
        on working is still timed. False if it does not get there within ``limit``.
        """
        assert self._process is not None
        path, want = f"/proc/{self._process.pid}/syscall", self._idle_syscall
        deadline = time.perf_counter() + limit
        while True:
            try:
                with open(path, "rb") as handle:
                    fields_ = handle.read().split()
            except OSError:
                return True  # no /proc access: the answer is the end of the window
            if fields_[:2] == want or want is None:
                return True
            if time.perf_counter() > deadline:
                return False
            time.sleep(0.00005)

    def _died(self, what: str, output: _Output) -> StudentError:
        assert self._process is not None
        process = self._process
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        output.drain(self._fds[2])
        returncode = process.poll()
        self._kill()
        if not self._ready:
            error = StudentCrash(what, returncode)
            error.startup_output = output.text()  # type: ignore[attr-defined]
            return error
        if returncode == -signal.SIGXCPU:
            return StudentCrash(what, returncode,
                                f"the limit is {self.limits.cpu_seconds} s of CPU in all")
        return StudentCrash(what, returncode)

    def _cpu(self) -> float:
        try:
            return time.clock_gettime(self._clock)
        except OSError:
            return 0.0

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        self.peak_rss_kb = max(self.peak_rss_kb, _peak_rss_kb(process.pid))
        self.generation += 1
        self._ready = False
        self._drop.clear()
        self._fingerprints.clear()
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            process.kill()
        except OSError:
            pass
        process.wait()
        for fd in self._fds:
            os.close(fd)


class _FrameBuffer:
    """Accumulates one reply frame from a non-blocking descriptor."""

    def __init__(self, max_payload: int) -> None:
        self.max_payload = max_payload
        self.prefix = bytearray()
        self.header_bytes = bytearray()
        self.payload = bytearray()
        self.sizes: tuple[int, int] | None = None
        self.filled = 0
        self.done = False
        self.extra = False

    def feed(self, fd: int) -> bool:
        """Read what is available; False at end of file."""
        if self.sizes is not None and self.sizes[1] - self.filled >= _CHUNK:
            view = memoryview(self.payload)[self.filled:]
            try:
                count = os.readv(fd, [view])
            except BlockingIOError:
                return True
            if count == 0:
                return False
            self.filled += count
            self.done = self.filled == self.sizes[1]
            return True
        try:
            data = os.read(fd, _CHUNK)
        except BlockingIOError:
            return True
        if not data:
            return False
        self._take(memoryview(data))
        return True

    def _take(self, data: memoryview) -> None:
        if self.sizes is None:
            need = protocol.PREFIX.size - len(self.prefix)
            self.prefix += data[:need]
            data = data[need:]
            if len(self.prefix) < protocol.PREFIX.size:
                return
            header_len, payload_len = protocol.parse_prefix(bytes(self.prefix), self.max_payload)
            self.sizes = (header_len, payload_len)
            self.payload = bytearray(payload_len)
        header_len, payload_len = self.sizes
        need = header_len - len(self.header_bytes)
        if need:
            self.header_bytes += data[:need]
            data = data[need:]
        take = min(len(data), payload_len - self.filled)
        self.payload[self.filled:self.filled + take] = data[:take]
        self.filled += take
        if len(data) > take:
            self.extra = True
        self.done = len(self.header_bytes) == header_len and self.filled == payload_len

    def header(self) -> dict[str, Any]:
        return protocol.load_header(bytes(self.header_bytes))


class _Output:
    """Printed output of one call, capped."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.chunks: list[bytes] = []
        self.size = 0
        self.dropped = 0

    def drain(self, fd: int) -> bool:
        """Read what is available; False at end of file."""
        while True:
            try:
                data = os.read(fd, _CHUNK)
            except BlockingIOError:
                return True
            except OSError:
                return False
            if not data:
                return False
            room = self.cap - self.size
            if room > 0:
                self.chunks.append(data[:room])
                self.size += min(room, len(data))
            self.dropped += max(0, len(data) - max(room, 0))

    def text(self) -> str:
        text = b"".join(self.chunks).decode("utf-8", errors="replace")
        if self.dropped:
            text += f"\n[... {self.dropped} more bytes of output not shown]"
        return text


def _send(fd: int, buffers: list[memoryview]) -> bool:
    """Write what the pipe takes now; False once everything is sent or the pipe broke."""
    while buffers:
        try:
            count = os.write(fd, buffers[0][:1 << 20])
        except BlockingIOError:
            return True
        except OSError as error:
            if error.errno in (errno.EPIPE, errno.EBADF):
                return False
            raise
        if count == buffers[0].nbytes:
            buffers.pop(0)
        else:
            buffers[0] = buffers[0][count:]
    return False


def _describe_target(target: Any) -> str:
    if isinstance(target, str):
        return target
    if isinstance(target, tuple):
        return f"{target[0].type_name}.{target[1]}"
    return f"your {getattr(target, 'type_name', 'object')}"


def _library_paths() -> list[str]:
    """Where the worker finds numpy and other installed packages (never the project)."""
    paths = [p for p in sys.path if p and ("site-packages" in p or "dist-packages" in p)
             and os.path.isdir(p)]
    import numpy

    numpy_parent = str(Path(numpy.__file__).resolve().parent.parent)
    if numpy_parent not in paths:
        paths.append(numpy_parent)
    return paths


def _cpu_clock(pid: int) -> int:
    """The CPU-time clock id of process ``pid`` (readable from outside the process)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        clock = ctypes.c_int()
        if libc.clock_getcpuclockid(pid, ctypes.byref(clock)) == 0:
            return clock.value
    except (OSError, AttributeError):
        pass
    return ((~pid) << 3) | 2  # MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED)


def _peak_rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _threads(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields_ = handle.read().rsplit(b")", 1)[1].split()
        return int(fields_[17])
    except (OSError, IndexError, ValueError):
        return 1


def _resolve_user(user: str | None | bool) -> pwd.struct_passwd | None:
    """The account the worker runs as when the grader is root (created if missing)."""
    if user is None or user is False:
        return None
    name = os.environ.get(USER_ENV) or DEFAULT_USER if user is True else str(user)
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    result = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        capture_output=True, text=True,
    )
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise SandboxError(f"cannot create the sandbox user {name!r}: "
                           f"{result.stderr.strip() or 'useradd failed'}") from None
