"""The sandboxed worker: the only process that runs student code.

Started by :mod:`gradekit.sandbox.controller` as ``python -I -S -c BOOTSTRAP``; it applies its
resource limits, preloads numpy, says it is ready, then serves requests one at a time
over its two protocol pipes. Everything here runs alongside student code, so nothing it
says is trusted by the controller.
"""

from __future__ import annotations

import importlib
import io
import json
import linecache
import os
import signal
import sys
import traceback
from types import ModuleType
from typing import Any, NoReturn

from gradekit.sandbox import protocol
from gradekit.sandbox import deferred_dynamo, relay, seeding, standins
from gradekit.sandbox.allocator import steady_malloc

MAX_TRACEBACK_FRAMES = 12
MAX_TEXT = 4000


def apply_limits(limits: dict[str, int]) -> None:
    """Set the rlimits of this process (before any student code runs; none on Windows,
    which has no ``resource``)."""
    try:
        import resource
    except ImportError:
        return
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    table = {
        "cpu_seconds": resource.RLIMIT_CPU,
        "memory_bytes": resource.RLIMIT_AS,
        "file_bytes": resource.RLIMIT_FSIZE,
        "open_files": resource.RLIMIT_NOFILE,
        "processes": resource.RLIMIT_NPROC,
        "core_bytes": resource.RLIMIT_CORE,
    }
    for key, which in table.items():
        if key in limits:
            soft = limits[key]
            hard = soft + 1 if which == resource.RLIMIT_CPU else soft
            resource.setrlimit(which, (soft, hard))


def address_space_limit(memory: int) -> int:
    """The address-space limit that lets this process use ``memory`` bytes in all: what
    it holds in memory now (the interpreter and the packages it loaded) and what the
    student's code allocates, while library pages mapped but never loaded do not count
    (a CUDA build of torch maps about 3 GB it never touches on a CPU, a CPU build about
    500 MB). At least 16 MB more than is mapped now; ``memory`` itself where /proc
    cannot tell."""
    try:
        with open("/proc/self/statm") as handle:
            mapped, resident = (int(field) for field in handle.read().split()[:2])
    except (OSError, ValueError):
        return memory
    page = os.sysconf("SC_PAGE_SIZE")
    return (mapped - resident) * page + max(memory, resident * page + (16 << 20))


class Worker:
    """Serves call/getattr/setattr/fetch requests against the student's modules."""

    def __init__(self, request_fd: int, response_fd: int, folder: str, max_payload: int) -> None:
        self.reader = protocol.FrameReader(request_fd, max_payload)
        self.response_fd = response_fd
        self.folder = os.path.join(os.path.realpath(folder), "")
        self.objects: dict[int, Any] = {}
        self.next_id = 1
        self.stubbed: set[str] = set()

    def keep(self, value: Any) -> protocol.Remote:
        # A fresh handle every time, even for an object already held: the controller
        # may be dropping an older handle on the same object in this very request.
        ident, self.next_id = self.next_id, self.next_id + 1
        self.objects[ident] = value
        return protocol.Remote(ident, _type_name(value))

    def lookup(self, ident: int, _name: str = "") -> Any:
        try:
            return self.objects[ident]
        except KeyError:
            raise LookupError(f"no object with handle {ident}") from None

    def serve(self) -> None:
        self.send({"op": "ready", "pid": os.getpid()}, protocol.Encoder())
        while True:
            message = self.reader.read()
            if message is None:
                return
            header, payload = message
            encoder = protocol.Encoder(self.keep)
            try:
                reply = self.handle(header, payload, encoder)
            except MemoryError:
                encoder = protocol.Encoder(self.keep)
                reply = {"ok": False, "error": {"kind": "memory", "type": "MemoryError",
                                                "message": "", "traceback": []}}
            except BaseException as error:  # noqa: BLE001 - reported to the controller
                encoder = protocol.Encoder(self.keep)
                reply = {"ok": False, "error": self.describe(error)}
            reply["id"] = header.get("id")
            self.send(reply, encoder)
            del reply, encoder, payload
            self.drop(header.get("drop"))

    def drop(self, idents: Any) -> None:
        """Forget objects the controller no longer holds (after replying: untimed)."""
        if not isinstance(idents, list):
            return
        for ident in idents:
            if isinstance(ident, int):
                self.objects.pop(ident, None)

    def send(self, reply: dict[str, Any], encoder: protocol.Encoder) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        protocol.write_frame(self.response_fd, protocol.encode_message(reply, encoder))

    def handle(self, header: dict[str, Any], payload: bytearray,
               encoder: protocol.Encoder) -> dict[str, Any]:
        decoder = protocol.Decoder(payload, self.lookup)
        operation = header.get("op")
        if operation == "call":
            self.stub_timed_out(header.get("timed_out"))
            seeding.before_call(header.get("seed"))  # before an import runs student code
            target = self.resolve(header["target"])
            args = decoder.decode(header["args"])
            kwargs = decoder.decode(header["kwargs"])
            if isinstance(header.get("relay"), dict):
                return self.relayed(header, decoder, encoder, target, args, kwargs)
            value = target(*args, **kwargs)
            encoded = encoder._other(value) if header.get("keep") else encoder.encode(value)
            if header.get("echo", True) is False:
                args, kwargs = [], {}
            reply = {"ok": True, "value": encoded, "args": encoder.encode(args),
                     "kwargs": encoder.encode(kwargs)}
            if header.get("digest"):
                reply["digest"] = protocol.digest(value)
            return reply
        if operation == "getattr":
            value = getattr(self.lookup(header["obj"]), header["name"])
            encoded = encoder._other(value) if header.get("keep") else encoder.encode(value)
            return {"ok": True, "value": encoded}
        if operation == "setattr":
            setattr(self.lookup(header["obj"]), header["name"], decoder.decode(header["value"]))
            return {"ok": True, "value": None}
        if operation == "fetch":
            return {"ok": True, "value": encoder.encode(self.lookup(header["obj"]))}
        if operation == "ping":
            return {"ok": True, "value": None}
        raise protocol.ProtocolError(f"unknown operation {operation!r}")

    def relayed(self, header: dict[str, Any], decoder: protocol.Decoder,
                encoder: protocol.Encoder, target: Any, args: list[Any],
                kwargs: dict[str, Any]) -> dict[str, Any]:
        """A call for trusted code that runs in the controller (:mod:`relay`): the
        generators and the owner's attributes set first, what the call changed sent back."""
        where = header["target"]
        owner = self.lookup(where["remote"]) if isinstance(where, dict) and where.get("attr") \
            else None
        args, kwargs = relay.from_wire(args), relay.from_wire(kwargs)
        around = relay.Around(decoder.decode(header["relay"]), owner, args, kwargs)
        value = relay.to_wire(target(*args, **kwargs))
        changes = around.report(args, kwargs)
        if not around.eager:
            value = relay.lazy(value, self.keep)
        return {"ok": True, "value": encoder.encode(value), "args": [],
                "kwargs": {}, "relay": encoder.encode(changes)}

    def stub_timed_out(self, names: Any) -> None:
        """Replace the functions that timed out earlier in the grade (``"pkg.mod.func"``)
        with ones that raise TimeoutError at once, for calls made from inside the worker."""
        if not isinstance(names, list):
            return
        for name in names:
            if not isinstance(name, str) or name in self.stubbed or "." not in name:
                continue
            self.stubbed.add(name)
            parent, _, attribute = name.rpartition(".")
            try:
                setattr(self.resolve(parent), attribute, _timed_out(name))
            except Exception:  # noqa: BLE001 - e.g. its module no longer imports
                continue

    def resolve(self, target: Any) -> Any:
        if isinstance(target, dict):
            value = self.lookup(target["remote"])
            return getattr(value, target["attr"]) if target.get("attr") else value
        parts = target.split(".")
        value: Any = importlib.import_module(parts[0])
        for index in range(1, len(parts)):
            try:
                value = getattr(value, parts[index])
            except AttributeError:
                if not isinstance(value, ModuleType):
                    raise
                name = ".".join(parts[: index + 1])
                try:
                    value = importlib.import_module(name)
                except ModuleNotFoundError as error:
                    if error.name != name:
                        raise
                    raise AttributeError(
                        f"module {'.'.join(parts[:index])!r} has no attribute {parts[index]!r}"
                    ) from None
        return value

    def describe(self, error: BaseException) -> dict[str, Any]:
        """The exception as the student should see it: their own frames only."""
        frames = [
            frame for frame in traceback.extract_tb(error.__traceback__)
            if frame.filename.startswith(self.folder)
        ]
        lines = []
        if len(frames) > MAX_TRACEBACK_FRAMES:
            lines.append(f"  ... {len(frames) - MAX_TRACEBACK_FRAMES} earlier frames ...")
            frames = frames[-MAX_TRACEBACK_FRAMES:]
        for frame in frames:
            lines.append(f'  File "{frame.filename[len(self.folder):]}", line {frame.lineno}, '
                         f"in {frame.name}")
            source = linecache.getline(frame.filename, frame.lineno or 0).strip()
            if source:
                lines.append(f"    {source[:200]}")
        if isinstance(error, SyntaxError) and str(error.filename or "").startswith(self.folder):
            lines.append(f'  File "{error.filename[len(self.folder):]}", line {error.lineno}')
            if error.text:
                lines.append(f"    {error.text.strip()[:200]}")
        kind = "memory" if isinstance(error, MemoryError) else "exception"
        if isinstance(error, (protocol.ProtocolError, LookupError, KeyError)) and not frames:
            kind = "protocol" if isinstance(error, protocol.ProtocolError) else kind
        return {"kind": kind, "type": _type_name(error), "message": _safe_str(error),
                "traceback": lines}


def _timed_out(name: str) -> Any:
    def timed_out(*args: Any, **kwargs: Any) -> NoReturn:
        raise TimeoutError(f"{name} timed out earlier in this grade; it is not run again")
    timed_out.__name__ = timed_out.__qualname__ = name.rpartition(".")[2]
    return timed_out


def _type_name(value: Any) -> str:
    kind = type(value)
    module = getattr(kind, "__module__", "") or ""
    name = getattr(kind, "__qualname__", "object")
    if not isinstance(module, str) or not isinstance(name, str):
        return "object"
    return name if module in ("builtins", "") else f"{module}.{name}"


def _safe_str(error: BaseException) -> str:
    try:
        text = str(error)
    except BaseException:  # noqa: BLE001 - a hostile __str__
        return "<the exception could not be shown>"
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + " ..."


def _redirect_output() -> None:
    for fd, name in ((1, "stdout"), (2, "stderr")):
        stream = io.TextIOWrapper(io.FileIO(fd, "w", closefd=False), encoding="utf-8",
                                  errors="backslashreplace", write_through=True)
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def die_with_parent(parent: int | None) -> None:
    """Be killed when the controller goes away (PR_SET_PDEATHSIG), even mid-loop.

    ``parent`` None: confined by bubblewrap, whose own init ends the worker with it.
    """
    if parent is None:
        return
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError, TypeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


def main(config_json: str) -> None:
    """Entry point called by the bootstrap with the controller's settings.

    numpy is imported before the student's folder goes on ``sys.path``, so a student
    file cannot stand in for it (or for the engine, loaded by path). Display-only and
    old kits' support modules are answered by :mod:`gradekit.sandbox.standins`.
    """
    config = json.loads(config_json)
    die_with_parent(config["parent"])
    limits = dict(config["limits"])
    memory = limits.pop("memory_bytes", None)
    apply_limits(limits)
    steady_malloc()
    _redirect_output()
    sys.stdin = open(os.devnull)
    for name in config.get("preload", ()):
        importlib.import_module(name)
    deferred_dynamo.install()
    if memory is not None:
        apply_limits({"memory_bytes": address_space_limit(memory)})
    standins.install()
    seeding.install()
    os.listdir(config["folder"])  # fails here, clearly, if the folder is not readable
    sys.path.insert(0, config["folder"])
    Worker(config["request_fd"], config["response_fd"], config["folder"],
           config["max_payload"]).serve()
