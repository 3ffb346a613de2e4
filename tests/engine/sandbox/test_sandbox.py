"""The sandbox: student code runs in a limited worker and is only ever seen as data.

Each test runs something a student's code could do and shows the controller is not
fooled or hurt by it. On this machine the tests run as root, so the worker runs as the
sandbox user; ``test_non_root_grader`` covers the grader running as an ordinary user.
"""

from __future__ import annotations

import gc
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from gradekit.sandbox.blas import BLAS_ENV
from gradekit.sandbox.controller import (
    Limits,
    ProtocolViolation,
    Sandbox,
    SandboxError,
    StudentCrash,
    StudentError,
    StudentException,
    StudentMemoryError,
    StudentTimeout,
)
from tests.support.paths import REPO

ROOT = os.geteuid() == 0

MODULE = '''
import os, sys, time
import numpy as np


def add(x, y):
    return x + y


def mutate(x, state, *, scale=2.0):
    x *= scale
    state["calls"] = state.get("calls", 0) + 1


def boom(n):
    return helper(n)


def helper(n):
    return 1 / n


def spin(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return "done"


def sleep(seconds):
    time.sleep(seconds)


def forever():
    while True:
        pass


def exit_now(code):
    os._exit(code)


def segfault():
    import ctypes
    ctypes.string_at(0)


def allocate(gigabytes):
    return np.ones(int(gigabytes * 2 ** 30) // 8)


def fork():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    return pid


def thread():
    import threading
    threading.Thread(target=time.sleep, args=(1,)).start()


def chatter(megabytes):
    line = "x" * 1023
    for _ in range(megabytes * 1024):
        print(line)
    os.write(1, b"raw bytes\\n")
    return "talked"


def scribble():
    for fd in map(int, os.listdir("/proc/self/fd")):
        try:
            os.write(fd, b"GKP1 garbage " * 10)
        except OSError:
            pass
    return "scribbled"


def forge():
    """Write a well-formed frame with a made-up answer on every descriptor."""
    import json, struct
    header = json.dumps({"id": 10 ** 6, "ok": True, "value": 42, "args": [],
                         "kwargs": {"t": "dict", "v": {}}}).encode()
    data = struct.pack("<4sIQ", b"GKP1", len(header), 0) + header
    for fd in map(int, os.listdir("/proc/self/fd")):
        try:
            os.write(fd, data)
        except OSError:
            pass
    return 0


_LATER = []


def deferred_result(n):
    """Answer with an unfinished array; the work is done by a later, untimed request."""
    out = np.zeros(n)
    _LATER.append(out)
    return out, 1.0


def finish_deferred():
    _LATER.pop()[:] = 1.0


def early_answer(seconds):
    """Answer the grader at once (forged, with the right id), then keep working."""
    import json, struct
    frame = sys._getframe()
    while "header" not in frame.f_locals:
        frame = frame.f_back
    worker, ident = frame.f_locals["self"], frame.f_locals["header"]["id"]
    reply = json.dumps({"id": ident, "ok": True, "value": 1, "args": [],
                        "kwargs": {"t": "dict", "v": {}}}).encode()
    os.write(worker.response_fd, struct.pack("<4sIQ", b"GKP1", len(reply), 0) + reply)
    genuine = type(worker).send
    def swallow_once(*args):
        worker.send = genuine.__get__(worker)
    worker.send = swallow_once
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return 1


def flood():
    return [0.5] * 3_000_000


def environment():
    return dict(os.environ), os.getcwd(), list(sys.path), os.getuid()


def command_line():
    with open("/proc/self/cmdline", "rb") as handle:
        return handle.read().decode(errors="replace")


def read(path):
    with open(path, "rb") as handle:
        return len(handle.read())


def write(path):
    with open(path, "w") as handle:
        handle.write("planted")
    return "written"


def subclass():
    class Sneaky(np.ndarray):
        pass
    return np.zeros(3).view(Sneaky)


def weird():
    return [1, object(), {"k": np.float32(2.5)}, (np.zeros(2), "s")]


def monkeypatch():
    """Teach the worker's encoder to send text arrays; patch numpy."""
    import gradekit.sandbox.protocol
    gradekit.sandbox.protocol.DTYPES = frozenset(["<U3"])
    np.allclose = lambda *a, **k: True
    return np.array(["abc"])


class Counter:
    def __init__(self, start=0):
        self.count = start

    def add(self, n=1):
        self.count += n
        return self.count
'''


def make_folder(files: dict[str, str]) -> Path:
    """A folder the sandbox user can read (tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="gradekit-test-"))
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return folder


@pytest.fixture(scope="module")
def folder():
    path = make_folder({"pkg/__init__.py": "", "pkg/mod.py": MODULE,
                        "pkg/broken.py": "def f(:\n    pass\n"})
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def box(folder):
    with Sandbox(folder, limits=Limits(timeout=5.0, memory_mb=768)) as sandbox:
        sandbox.wait_ready()
        yield sandbox


def test_values_cross_and_in_place_changes_come_back(box):
    x = np.arange(6.0).reshape(2, 3)
    result = box.call("pkg.mod.add", x, 1.5)
    assert type(result.value) is np.ndarray and np.array_equal(result.value, x + 1.5)
    state = {"calls": 1}
    result = box.call("pkg.mod.mutate", x.copy(), state, scale=3.0)
    assert result.value is None
    assert np.array_equal(result.args[0], x * 3) and result.args[1] == {"calls": 2}
    assert result.kwargs == {"scale": 3.0}
    assert np.array_equal(x, np.arange(6.0).reshape(2, 3)), "the caller's array is untouched"


def test_exceptions_show_only_the_students_frames(box):
    with pytest.raises(StudentException) as caught:
        box.call("pkg.mod.boom", 0)
    message = str(caught.value)
    assert "ZeroDivisionError: division by zero" in message
    assert 'File "pkg/mod.py"' in message and "in helper" in message and "return 1 / n" in message
    assert "gradekit" not in message and "worker" not in message
    assert caught.value.type_name == "ZeroDivisionError"


def test_syntax_errors_name_the_file_and_line(box):
    with pytest.raises(StudentException) as caught:
        box.call("pkg.broken.f")
    assert "SyntaxError" in str(caught.value)
    assert 'File "pkg/broken.py", line 1' in str(caught.value)


def test_missing_function_is_the_students_error(box):
    with pytest.raises(StudentException) as caught:
        box.call("pkg.mod.no_such_function")
    assert "has no attribute 'no_such_function'" in str(caught.value)


def test_remote_handles_methods_getattr_setattr_fetch(box):
    counter = box.call("pkg.mod.Counter", 3).value
    assert repr(counter) == "<remote pkg.mod.Counter object>"
    assert box.call((counter, "add"), 2).value == 5
    box.setattr(counter, "count", 10)
    assert box.getattr(counter, "count") == 10
    kept = box.call("pkg.mod.add", np.ones(2), 1.0, keep=True).value
    assert np.array_equal(box.fetch(kept), [2.0, 2.0])
    assert np.array_equal(box.call("pkg.mod.add", kept, kept).value, [4.0, 4.0])


def test_a_second_handle_on_the_same_object_outlives_the_first(box):
    counter = box.call("pkg.mod.Counter", 7).value
    first = box.getattr(counter, "__class__", keep=True)
    del first
    gc.collect()
    # The same class again, asked in the request that tells the worker to drop the first.
    second = box.getattr(counter, "__class__", keep=True)
    box.call("pkg.mod.add", np.ones(1), 1.0)
    assert box.call((box.call(second, 1).value, "add"), 2).value == 3


def test_values_that_are_not_plain_data_stay_remote(box):
    sneaky = box.call("pkg.mod.subclass").value
    assert type(sneaky).__name__ == "Remote" and "Sneaky" in sneaky.type_name
    value = box.call("pkg.mod.weird").value
    assert value[0] == 1 and type(value[1]).__name__ == "Remote"
    assert type(value[2]["k"]) is np.float32 and type(value[3]) is tuple


def test_monkeypatching_inside_the_worker_does_not_reach_the_controller(box):
    with pytest.raises(ProtocolViolation, match="not allowed"):
        box.call("pkg.mod.monkeypatch")
    assert not np.allclose(np.zeros(1), np.ones(1))
    assert np.array_equal(box.call("pkg.mod.add", np.ones(1), 1.0).value, [2.0])


def test_infinite_loop_times_out_and_the_worker_restarts(box):
    counter = box.call("pkg.mod.Counter").value
    with pytest.raises(StudentTimeout) as caught:
        box.call("pkg.mod.forever", timeout=0.5)
    assert "timed out after 0.5 s" in str(caught.value)
    assert box.call("pkg.mod.add", 1, 2).value == 3
    with pytest.raises(StudentError, match="earlier run"):
        box.call((counter, "add"))
    with pytest.raises(StudentError, match="earlier run"):
        box.call("pkg.mod.add", counter, 1)


@pytest.mark.parametrize("target,args,expected", [
    ("pkg.mod.exit_now", (3,), "exited with code 3"),
    ("pkg.mod.segfault", (), "SIGSEGV"),
])
def test_crashes_cost_one_call(box, target, args, expected):
    with pytest.raises(StudentCrash, match=expected):
        box.call(target, *args)
    assert box.call("pkg.mod.add", 1, 2).value == 3


def test_a_worker_past_its_cpu_limit_is_told_the_limit(folder):
    with Sandbox(folder, limits=Limits(timeout=60.0, cpu_seconds=2)) as sandbox:
        with pytest.raises(StudentCrash, match=r"SIGXCPU.*the limit is 2 s of CPU in all"):
            sandbox.call("pkg.mod.spin", 10.0)
        assert sandbox.call("pkg.mod.add", 1, 2).value == 3


def test_memory_is_capped(box):
    with pytest.raises(StudentMemoryError, match="more than 768 MB"):
        box.call("pkg.mod.allocate", 4)
    assert box.call("pkg.mod.add", 1, 2).value == 3


def test_library_pages_mapped_but_never_loaded_do_not_count(folder):
    """The worker maps more address space than 128 MB with numpy loaded (a CUDA build of
    torch maps 3 GB): the limit counts what it holds in memory, and the student's
    allocations."""
    with Sandbox(folder, limits=Limits(timeout=5.0, memory_mb=128)) as sandbox:
        assert sandbox.call("pkg.mod.allocate", 1 / 128).value.size == 2 ** 20  # 8 MB
        with pytest.raises(StudentMemoryError, match="more than 128 MB"):
            sandbox.call("pkg.mod.allocate", 0.25)


@pytest.mark.parametrize("target,error", [("pkg.mod.fork", "BlockingIOError"),
                                          ("pkg.mod.thread", "can't start new thread")])
def test_no_new_processes_or_threads(box, target, error):
    with pytest.raises(StudentException, match=error):
        box.call(target)


def test_output_is_captured_and_truncated(box):
    result = box.call("pkg.mod.chatter", 8)
    assert result.value == "talked"
    assert len(result.stdout) < 70 * 1024
    assert "more bytes of output not shown" in result.stdout
    assert box.call("pkg.mod.add", 1, 2).stdout == ""


def test_writing_to_the_protocol_channel_is_a_violation(box):
    with pytest.raises(ProtocolViolation):
        box.call("pkg.mod.scribble")
    assert box.call("pkg.mod.add", 1, 2).value == 3


def test_an_answer_too_large_to_check_is_refused(box):
    with pytest.raises(ProtocolViolation, match="returned more data than the grader accepts"):
        box.call("pkg.mod.flood")
    assert box.call("pkg.mod.add", 1, 2).value == 3


def test_a_forged_answer_is_not_taken(box):
    with pytest.raises(ProtocolViolation):
        box.call("pkg.mod.forge")
    assert box.call("pkg.mod.add", 1, 2).value == 3


def test_cpu_time_is_measured_from_outside(box):
    busy = box.call("pkg.mod.spin", 0.05, measure_cpu=True)
    assert 0.04 <= busy.cpu_seconds < 0.5
    idle = box.call("pkg.mod.sleep", 0.2, measure_cpu=True)
    assert idle.wall_seconds >= 0.2 and idle.cpu_seconds < 0.05
    assert box.call("pkg.mod.add", 1, 2).cpu_seconds is None


def test_answering_early_and_working_on_is_still_timed(box):
    try:
        result = box.call("pkg.mod.early_answer", 0.2, measure_cpu=True)
    except ProtocolViolation:
        return
    assert result.cpu_seconds >= 0.15


def test_a_timed_result_must_be_final_when_the_clock_stops(box):
    honest = box.call("pkg.mod.add", np.ones(4), 1.0, keep=True, measure_cpu=True)
    assert np.array_equal(box.fetch(honest.value), [2.0] * 4)
    lazy = box.call("pkg.mod.deferred_result", 4, keep=True, measure_cpu=True)
    box.call("pkg.mod.finish_deferred")
    with pytest.raises(ProtocolViolation, match="changed after its timed call"):
        box.fetch(lazy.value)


def test_environment_is_scrubbed_and_paths_are_private(box, folder):
    env, cwd, path, uid = box.call("pkg.mod.environment").value
    allowed = {"PATH", "HOME", "TMPDIR", "PWD", "LANG", "OPENBLAS_CORETYPE",
               "OPENBLAS_L2_SIZE", *BLAS_ENV}
    assert set(env) - {"LC_CTYPE"} <= allowed
    assert env["OPENBLAS_NUM_THREADS"] == "1" and env["HOME"] != os.environ.get("HOME")
    # The worker runs on a copy of the code in its slot, never in the given folder.
    assert Path(cwd) == Path(path[0]) and str(folder) not in cwd
    if box.mode == "none":  # confines nothing (docs/SECURITY.md): it runs the checkout's
        return              # engine and packages, which is all a student's own check needs
    assert not any(str(REPO) in entry for entry in path), "the project is not importable"
    # No path of the grader's checkout (engine, checks, reference) in argv or environment.
    seen = box.call("pkg.mod.command_line").value + repr(env)
    assert str(REPO) not in seen and "site-packages" not in seen
    if ROOT:
        assert uid != 0


@pytest.mark.skipif(not ROOT, reason="the user switch happens only when grading as root")
def test_the_sandbox_user_cannot_read_private_files_or_write_the_folder(box, folder):
    private = Path(tempfile.mkdtemp())  # 0700, like the controller's folders
    try:
        (private / "secret.txt").write_text("answers")
        # Unreadable, or not even there (confined by bubblewrap, it sees only its slot).
        with pytest.raises(StudentException, match="PermissionError|FileNotFoundError"):
            box.call("pkg.mod.read", str(private / "secret.txt"))
        with pytest.raises(StudentException, match="PermissionError|Read-only file system"):
            box.call("pkg.mod.write", "pkg/mod.py")
    finally:
        shutil.rmtree(private)


def test_a_missing_folder_is_a_clear_setup_error(tmp_path):
    sandbox = Sandbox(tmp_path / "nowhere")
    with pytest.raises(SandboxError, match="cannot start.*not a readable folder"):
        sandbox.wait_ready()
    sandbox.close()


@pytest.mark.skipif(not ROOT, reason="needs root to run the worker as another user")
def test_an_interpreter_the_sandbox_user_cannot_run_is_a_clear_setup_error(folder, monkeypatch):
    private = Path(tempfile.mkdtemp())
    try:
        copy = private / "python3"
        shutil.copy2(os.path.realpath(sys.executable), copy)
        monkeypatch.setattr(sys, "executable", str(copy))
        sandbox = Sandbox(folder)
        with pytest.raises(SandboxError, match="cannot run") as caught:
            sandbox.wait_ready()
        assert "gradekit-sandbox" in str(caught.value)
        sandbox.close()
    finally:
        shutil.rmtree(private)


def test_round_trips_are_cheap(box):
    x = np.ones((4, 5))
    for _ in range(50):
        box.call("pkg.mod.add", x, 1.0)
    times = []
    for _ in range(300):
        started = time.perf_counter()
        box.call("pkg.mod.add", x, 1.0)
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    print(f"median round trip {median * 1e6:.0f} us")
    assert median < 0.002  # about 0.1-0.2 ms when the machine is quiet


def test_user_switch_disabled_still_limits(folder):
    with Sandbox(folder, user=None, limits=Limits(timeout=2.0)) as sandbox:
        assert sandbox.call("pkg.mod.add", 1, 2).value == 3
        with pytest.raises(StudentTimeout):
            sandbox.call("pkg.mod.forever", timeout=0.3)
        with pytest.raises(StudentMemoryError):
            sandbox.call("pkg.mod.allocate", 4)


NON_ROOT_SCRIPT = """
import sys
from pathlib import Path
from gradekit.sandbox.controller import Sandbox, StudentException, StudentTimeout
with Sandbox(Path(sys.argv[1])) as box:
    assert box.account is None
    env, cwd, path, uid = box.call("pkg.mod.environment").value
    assert uid == __import__("os").getuid()
    try:
        box.call("pkg.mod.fork")
    except StudentException as error:
        assert "BlockingIOError" in str(error), error
    else:
        raise AssertionError("fork worked")
    try:
        box.call("pkg.mod.forever", timeout=0.3)
    except StudentTimeout:
        pass
    assert box.call("pkg.mod.spin", 0.02, measure_cpu=True).cpu_seconds >= 0.015
print("non-root ok")
"""


@pytest.mark.skipif(not ROOT or not shutil.which("setpriv"), reason="needs root and setpriv")
def test_non_root_grader(folder):
    """Run as `nobody`: no user switch, and RLIMIT_NPROC 0 still forbids forking."""
    probe = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                            sys.executable, "-c", "import numpy, gradekit"],
                           capture_output=True, cwd="/")
    if probe.returncode != 0:
        pytest.skip("this checkout is in a folder other users cannot enter, so no other "
                    "user can run its interpreter")
    own = Path(tempfile.mkdtemp())  # nobody's temporary folder, inside the session's
    shutil.chown(own, "nobody", "nogroup")
    try:
        completed = subprocess.run(
            ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
             sys.executable, "-c", NON_ROOT_SCRIPT, str(folder)],
            capture_output=True, text=True, timeout=120, cwd="/",
            env={"PATH": os.environ["PATH"], "HOME": str(own), "TMPDIR": str(own)},
        )
    finally:
        shutil.rmtree(own, ignore_errors=True)
    assert completed.returncode == 0, completed.stderr
    assert "non-root ok" in completed.stdout


def test_a_student_file_cannot_stand_in_for_numpy_or_the_engine():
    folder = make_folder({"numpy.py": "raise SystemExit('shadowed numpy')\n",
                          "gradekit/__init__.py": "raise SystemExit('shadowed engine')\n",
                          "gradekit/sandbox/worker.py": "raise SystemExit('shadowed worker')\n",
                          "mod.py": "import numpy as np\n\ndef f():\n    return np.ones(2)\n"})
    try:
        with Sandbox(folder) as sandbox:
            assert np.array_equal(sandbox.call("mod.f").value, [1.0, 1.0])
    finally:
        shutil.rmtree(folder)


def test_student_code_can_use_numpy_testing():
    """numpy.testing needs a helper from numpy's own test folder: the runtime keeps it."""
    folder = make_folder({"mod.py": "import numpy as np\n\ndef f():\n"
                                    "    np.testing.assert_allclose(np.ones(2), 1.0)\n"
                                    "    return 'ok'\n"})
    try:
        with Sandbox(folder) as sandbox:
            assert sandbox.call("mod.f").value == "ok"
    finally:
        shutil.rmtree(folder)


ORPHAN_SCRIPT = """
import os, sys, threading, time
from pathlib import Path
from gradekit.sandbox.controller import Sandbox
box = Sandbox(Path(sys.argv[1]))
box.wait_ready()
print(box.pid, flush=True)
threading.Thread(target=box.call, args=("pkg.mod.forever",), kwargs={"timeout": 100},
                 daemon=True).start()
time.sleep(0.5)
os._exit(0)  # the controller dies mid-call, without cleaning up
"""


def test_the_worker_dies_with_the_controller(folder):
    done = subprocess.run([sys.executable, "-c", ORPHAN_SCRIPT, str(folder)],
                          capture_output=True, text=True, timeout=60)
    pid = int(done.stdout.strip())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(pid, 9)
    raise AssertionError("the worker outlived its controller")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to start a process as another uid")
def test_slot_cleaning_kills_live_processes_and_passes_over_zombies():
    from gradekit.sandbox.slots import account_processes, kill_processes

    uid = 54_321  # no account: nothing else runs as it

    def child(exit_at_once: bool) -> int:
        pid = os.fork()
        if pid == 0:
            try:
                os.setgid(uid)
                os.setuid(uid)
                if not exit_at_once:
                    time.sleep(60)
            finally:
                os._exit(0)
        return pid

    zombie, live = child(True), child(False)
    try:
        deadline = time.monotonic() + 5
        while live not in account_processes(uid) and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)  # the first child has exited by now; nobody has collected it
        assert open(f"/proc/{zombie}/status").read().count("State:\tZ") == 1
        assert account_processes(uid) == [live]
        started = time.monotonic()
        assert kill_processes(uid) == []  # the zombie does not count as a survivor
        assert time.monotonic() - started < 0.5
    finally:
        for pid in (zombie, live):
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)


def test_a_call_without_echo_sends_no_arguments_back(box):
    x = np.ones((512, 512))
    echoed = box.call("pkg.mod.mutate", x, {"calls": 1}, scale=3.0)
    assert echoed.args[1] == {"calls": 2} and echoed.kwargs == {"scale": 3.0}
    quiet = box.call("pkg.mod.mutate", x, {"calls": 1}, scale=3.0, echo=False)
    assert quiet.value is None and quiet.args == () and quiet.kwargs == {}
    kept = box.call("pkg.mod.add", x, 1.0, keep=True, measure_cpu=True, echo=False)
    assert np.array_equal(box.fetch(kept.value), x + 1.0)


def test_a_frozen_worker_is_stopped_and_spends_no_cpu(box):
    box.call("pkg.mod.add", 1, 2)
    pid = box.pid
    before = _cpu_ticks(pid)
    with box.frozen():
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rsplit(b")", 1)[1].split()[0]
        time.sleep(0.05)
        assert _cpu_ticks(pid) == before
    assert state in (b"T", b"t")
    assert box.call("pkg.mod.add", 1, 2).value == 3


def _cpu_ticks(pid):
    with open(f"/proc/{pid}/stat", "rb") as handle:
        fields = handle.read().rsplit(b")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def test_a_worker_waiting_for_a_cpu_is_not_taken_for_one_working_on():
    from gradekit.sandbox import timing

    child = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        never = [b"no-such-syscall"]
        clock = timing.cpu_clock(child.pid)
        time.sleep(0.05)
        started = time.perf_counter()
        assert not timing.await_idle(child.pid, never, clock, limit=0.05, wall_limit=5.0)
        assert time.perf_counter() - started < 2.0  # working: stopped by its CPU time
        os.kill(child.pid, signal.SIGSTOP)
        started = time.perf_counter()
        assert not timing.await_idle(child.pid, never, clock, limit=0.05, wall_limit=0.3)
        assert time.perf_counter() - started >= 0.3  # held back: only the wall limit ends it
    finally:
        child.kill()
        child.wait()
