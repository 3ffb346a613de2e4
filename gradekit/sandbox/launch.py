"""Starting a worker process: confined by bubblewrap, or as a slot's account, or plainly.

Three ways, chosen once per grader (``$GRADEKIT_CONFINEMENT`` forces one):

- ``bwrap``: bubblewrap gives the worker its own pid, mount, IPC, network and user
  namespaces. It sees a read-only system ``/usr``, the runtime folder at ``/gradekit``,
  the student's code read-only at ``/submission`` and sized, private ``/tmp`` and
  ``/dev/shm``; nothing of the grader, the checks or the reference. Works as root (the
  worker also runs as the slot's account) and as an ordinary user.
- ``account``: the grader is root but bubblewrap cannot run: the worker runs as the
  slot's account, from the runtime folder, in folders only that account can enter.
- ``none``: neither: the worker has the grader's own identity. Fit only for a student's
  own code on their own machine (``gradekit check``); the hidden grade refuses it.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradekit.sandbox import netns
from gradekit.sandbox.blas import BLAS_ENV
from gradekit.sandbox.channel import Channel
from gradekit.sandbox.errors import SandboxError
from gradekit.sandbox.limits import Limits
from gradekit.sandbox.runtime import ENGINE, Runtime
from gradekit.sandbox.slots import Slot

CONFINEMENT_ENV = "GRADEKIT_CONFINEMENT"
MODES = ("bwrap", "account", "none")
_KEPT_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
_INSIDE_RUNTIME = "/gradekit"
_INSIDE_CODE = "/submission"

BOOTSTRAP = r"""
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


def is_root() -> bool:
    """True when this process runs as root (never on Windows, which has no uids)."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0


def confinement() -> str:
    """How workers are confined on this machine (see the module docstring)."""
    return confinement_and_reason()[0]


def confinement_and_reason() -> tuple[str, str]:
    """How workers are confined on this machine, and why that way (for staff)."""
    mode = _chosen()
    if os.environ.get(CONFINEMENT_ENV, "").strip():
        network = f"; {netns.note()}" if mode != "bwrap" and is_root() else ""
        return mode, f"{mode}: set by ${CONFINEMENT_ENV}{network}"
    if mode == "bwrap":
        return mode, "bwrap: bubblewrap confines each worker"
    why = bwrap_problem() if os.name == "posix" else "not a POSIX system"
    if mode == "account":
        return mode, (f"account: bubblewrap cannot run here ({why}); the grader is root; "
                      f"{netns.note()}")
    return mode, f"none: bubblewrap cannot run here ({why}) and the grader is not root"


def _chosen() -> str:
    forced = os.environ.get(CONFINEMENT_ENV, "").strip()
    if forced:
        if forced not in MODES:
            raise SandboxError(f"${CONFINEMENT_ENV} must be one of {', '.join(MODES)}, "
                               f"not {forced!r}")
        if forced == "account" and not is_root():
            raise SandboxError(f"${CONFINEMENT_ENV}=account needs the grader to run as root")
        if forced == "bwrap" and not bwrap_works():
            raise SandboxError(f"${CONFINEMENT_ENV}=bwrap, but bubblewrap cannot run here: "
                               f"{bwrap_problem()}")
        return forced
    if bwrap_works():
        return "bwrap"
    if os.name != "posix":
        return "none"
    return "account" if is_root() else "none"


@functools.cache
def bwrap_problem() -> str:
    """Why bubblewrap cannot confine a worker here ('' when it can)."""
    binary = shutil.which("bwrap")
    if binary is None:
        return "bubblewrap is not installed (Debian: apt-get install bubblewrap)"
    switch: dict[str, Any] = {}
    if is_root():
        switch = {"user": 65534, "group": 65534, "extra_groups": []}
    try:
        result = subprocess.run(
            [binary, *_sandbox_flags(1 << 20, 1 << 20), "--", interpreter(), "-I", "-S",
             "-c", "pass"], capture_output=True, text=True, timeout=30, **switch)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap failed to start ({error})"
    if result.returncode != 0:
        return f"bubblewrap failed: {result.stderr.strip()[-300:] or result.returncode}"
    return ""


def bwrap_works() -> bool:
    return not bwrap_problem()


def interpreter() -> str:
    """The real interpreter behind ``sys.executable`` (a venv's link leads into a checkout)."""
    return os.path.realpath(sys.executable)


def system_binds() -> list[str]:
    """Read-only binds of the system and the interpreter's own prefix."""
    binds = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = f"/{name}"
        if os.path.islink(path):
            binds += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            binds += ["--ro-bind", path, path]
    if os.path.isfile("/etc/ld.so.cache"):
        binds += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    prefix = os.path.realpath(sys.base_prefix)
    if not prefix.startswith("/usr"):
        binds += ["--ro-bind", prefix, prefix]
    return binds


@dataclass
class WorkerProcess:
    """A started worker: its process, its outer pid, and the channel to it."""

    popen: subprocess.Popen[bytes]
    pid: int
    channel: Channel
    request_fd: int
    """The worker's own number for its request pipe (for :func:`timing.idle_signature`)."""


PIPE_BYTES = 1 << 20


def _widen_pipe(fd: int) -> None:
    """Give a pipe a 1 MiB buffer (Linux, best effort): a large array then crosses in a
    few writes, not one per 64 KiB, which also keeps the receiver's CPU time for it low
    and steady (it is inside timed calls)."""
    try:
        import fcntl
    except ImportError:
        return
    setpipe = getattr(fcntl, "F_SETPIPE_SZ", 1031 if sys.platform.startswith("linux") else None)
    if setpipe is None:
        return
    try:
        fcntl.fcntl(fd, setpipe, PIPE_BYTES)
    except OSError:
        pass


def start_worker(slot: Slot, runtime: Runtime | None, limits: Limits, mode: str,
                 preload: tuple[str, ...]) -> WorkerProcess:
    """Start a worker for ``slot`` confined by ``mode``; raise SandboxError if it cannot start."""
    request_r, request_w = os.pipe()
    response_r, response_w = os.pipe()
    output_r, output_w = os.pipe()
    for fd in (request_w, response_w):
        _widen_pipe(fd)
    info_r = info_w = -1
    inside = mode == "bwrap"
    if inside:
        info_r, info_w = os.pipe()
    folder = _INSIDE_CODE if inside else str(slot.code)
    config = {
        "request_fd": request_r, "response_fd": response_w, "folder": folder,
        "max_payload": limits.max_message_mb << 20, "preload": list(preload),
        "parent": None if inside else os.getpid(),
        "limits": {
            "cpu_seconds": limits.cpu_seconds, "memory_bytes": limits.memory_mb << 20,
            "file_bytes": limits.file_mb << 20, "open_files": limits.open_files,
            "processes": 0, "core_bytes": 0,
        },
    }
    if inside:
        assert runtime is not None
        engine, paths = f"{_INSIDE_RUNTIME}/engine/gradekit", [f"{_INSIDE_RUNTIME}/lib"]
    elif runtime is not None:
        engine, paths = str(runtime.engine), [str(runtime.lib)]
    else:
        engine, paths = str(ENGINE), library_paths()
    command = [interpreter(), "-I", "-S", "-c", BOOTSTRAP, engine, json.dumps(paths),
               json.dumps(config)]
    if inside:
        command = _bwrap_command(slot, runtime, limits, info_w) + command
    switch: dict[str, Any] = {}
    if slot.account is not None:
        switch = {"user": slot.account.pw_uid, "group": slot.account.pw_gid, "extra_groups": []}
    if not inside and is_root():  # no network for the worker where root can take it away
        command, switch = netns.wrap(command, slot.account)
    keep = (request_r, response_w) + ((info_w,) if inside else ())
    try:
        popen = subprocess.Popen(
            command, pass_fds=keep, stdin=subprocess.DEVNULL, stdout=output_w, stderr=output_w,
            cwd=slot.code, env=_environment(slot, inside), start_new_session=True,
            umask=0o077, **switch)
    except OSError as error:
        for fd in (request_w, response_r, output_r, info_r):
            if fd >= 0:
                os.close(fd)
        raise SandboxError(cannot_run(slot.account, f"({error})")) from None
    finally:
        for fd in keep + (output_w,):
            os.close(fd)
    pid = popen.pid
    if inside:
        pid = _inner_pid(info_r, popen, limits.startup_timeout)
    channel = Channel(request_w, response_r, output_r, max_payload=limits.max_message_mb << 20,
                      output_cap=limits.output_kb << 10)
    return WorkerProcess(popen, pid, channel, request_r)


def cannot_run(account: Any, detail: str) -> str:
    """The setup error for a worker that cannot start as ``account`` (None: the grader)."""
    if account is None:
        return (f"the checks cannot start Python ({interpreter()}) to run your code {detail}. "
                "Check that this Python runs and has numpy installed (`python -c \"import "
                "numpy\"`), then run the command again from your assignment folder.")
    return (f"the sandbox cannot start: user {account.pw_name!r} cannot run {interpreter()} "
            f"{detail}. Grade with a Python every user can run (the repository's Makefile "
            "builds .venv from /usr/bin/python3).")


def _bwrap_command(slot: Slot, runtime: Runtime | None, limits: Limits, info_fd: int) -> list[str]:
    assert runtime is not None
    binds = ["--ro-bind", str(runtime.root), _INSIDE_RUNTIME,
             "--ro-bind", str(slot.code), _INSIDE_CODE]
    return [shutil.which("bwrap") or "bwrap", "--info-fd", str(info_fd),
            *_sandbox_flags(limits.shm_mb << 20, limits.scratch_mb << 20, binds),
            "--chdir", _INSIDE_CODE, "--"]


def _sandbox_flags(shm_bytes: int, tmp_bytes: int, binds: list[str] | None = None) -> list[str]:
    """bubblewrap's flags for a worker's sandbox, with ``binds`` of its own; the startup
    probe uses the very same (an older bubblewrap without ``--size``, as Ubuntu 22.04's,
    then fails the probe, not each worker's start)."""
    return [
        "--unshare-all", "--die-with-parent", "--new-session", *system_binds(),
        "--proc", "/proc", "--dev", "/dev",
        "--size", str(shm_bytes), "--tmpfs", "/dev/shm",
        "--size", str(tmp_bytes), "--tmpfs", "/tmp",
        *(binds or []),
        "--remount-ro", "/dev", "--remount-ro", "/",
    ]


def _inner_pid(info_r: int, popen: subprocess.Popen[bytes], timeout: float) -> int:
    """The outer pid of the worker under bubblewrap's init (from ``--info-fd``)."""
    deadline = time.monotonic() + timeout
    data = b""
    with os.fdopen(info_r, "rb") as info:
        os.set_blocking(info.fileno(), True)
        data = info.read()  # bwrap closes it once the sandbox is set up
    try:
        init = int(json.loads(data)["child-pid"])
    except (ValueError, KeyError, TypeError):
        raise SandboxError(f"bubblewrap did not start the sandbox ({data[-200:]!r}; "
                           f"exit {popen.poll()})") from None
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{init}/task/{init}/children") as handle:
                children = handle.read().split()
        except OSError:
            children = []
        if children:
            return int(children[0])
        if popen.poll() is not None:
            break
        time.sleep(0.001)
    return init


def _environment(slot: Slot, inside: bool) -> dict[str, str]:
    home = "/tmp" if inside else str(slot.home)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": home, "TMPDIR": "/tmp" if inside else str(slot.scratch),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        **BLAS_ENV,
    }
    env.update({key: os.environ[key] for key in _KEPT_ENV if key in os.environ})
    return env


def library_paths() -> list[str]:
    """Where an unconfined worker finds numpy and other installed packages."""
    paths = [p for p in sys.path if p and ("site-packages" in p or "dist-packages" in p)
             and os.path.isdir(p)]
    import numpy

    numpy_parent = str(Path(numpy.__file__).resolve().parent.parent)
    if numpy_parent not in paths:
        paths.append(numpy_parent)
    return paths
