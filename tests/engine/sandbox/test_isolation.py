"""Attacks on the sandbox once grades share a machine, are killed, or run without root.

Each test runs what a hostile submission (or a hostile moment) does and shows that it is
contained: the attack scores no more than the honest code under it, the victim's grade is
unchanged, and nothing of it survives the grade. They run the real ``gradekit grade``
command on the toy assignment, in every confinement this machine offers: bubblewrap
namespaces (``bwrap``) and, as root, plain per-slot accounts (``account``).

Tests that need their own accounts use ``gk-iso-1`` and ``gk-iso-2`` under a slot folder
of their own, so that cleaning a slot never touches another grader on the machine.
"""

from __future__ import annotations

import ctypes
import json
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest

from gradekit.sandbox import launch, slots
from tests.support.paths import ENGINE_FIXTURES

TOY = ENGINE_FIXTURES / "toy_assignment"
ROOT = os.geteuid() == 0
ACCOUNTS = ("gk-iso-1", "gk-iso-2")
ALL = {"0.1", "0.2", "1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2"}
MODES = [mode for mode, usable in (("bwrap", launch.bwrap_works()), ("account", ROOT)) if usable]


@pytest.fixture(scope="module")
def accounts():
    if not ROOT:
        pytest.skip("the per-slot accounts exist only when grading as root")
    for name in ACCOUNTS:
        try:
            pwd.getpwnam(name)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "--user-group",
                            "--shell", "/usr/sbin/nologin", name], check=True)
    return [pwd.getpwnam(name).pw_uid for name in ACCOUNTS]


@pytest.fixture(params=MODES)
def mode(request):
    return request.param


@pytest.fixture
def env(mode, accounts):
    """The environment of a grader in ``mode`` with slots and accounts of these tests."""
    slot_root = Path(tempfile.mkdtemp(prefix="gk-iso-slots-"))
    os.chmod(slot_root, 0o711)  # the accounts pass through to their own slots
    yield {**os.environ, "GRADEKIT_CONFINEMENT": mode, "GRADEKIT_SLOT_ROOT": str(slot_root),
            "GRADEKIT_SANDBOX_USERS": ",".join(ACCOUNTS), "GRADEKIT_SLOTS": "2"}
    SLOT_ROOTS.append(slot_root)
    shutil.rmtree(slot_root, ignore_errors=True)


SLOT_ROOTS: list[Path] = []
"""Slot folders of these tests: a killed controller's last cleanup may still take a
slot's lock after a test ends, so they are removed again once the module is done."""


@pytest.fixture(scope="module", autouse=True)
def no_slot_folder_left():
    yield
    for slot_root in SLOT_ROOTS:
        for _ in range(50):
            shutil.rmtree(slot_root, ignore_errors=True)
            if not slot_root.exists():
                break
            time.sleep(0.1)


def private_toy(tmp_path: Path) -> Path:
    """The toy assignment in a folder no other user can enter (as on Gradescope)."""
    target = tmp_path / "course"
    shutil.copytree(TOY, target, ignore=shutil.ignore_patterns("__pycache__"))
    os.chmod(tmp_path, 0o700)
    return target


def submission(tmp_path: Path, name: str, ops: str = "", stats: str = "") -> Path:
    """The toy reference with functions redefined (later definitions win)."""
    folder = tmp_path / name
    shutil.copytree(TOY / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__"))
    for module, extra in (("ops", ops), ("stats", stats)):
        path = folder / "toy" / f"{module}.py"
        path.write_text(path.read_text() + "\nimport os as _os, time as _time\n"
                        + textwrap.dedent(extra))
    return folder


def grade_command(course: Path, work: Path, results: Path) -> list[str]:
    return [sys.executable, "-m", "gradekit", "grade", str(work), "--seed", "3",
            "--assignment", str(course / "assignment" / "assignment.toml"),
            "--results", str(results)]


def grade(course: Path, work: Path, results: Path, env: dict, timeout: float = 120):
    done = subprocess.run(grade_command(course, work, results), env=env, capture_output=True,
                          text=True, timeout=timeout)
    return done, json.loads(results.read_text())


def scores(document: dict) -> dict[str, float]:
    return {test["number"]: test["score"] for test in document["tests"]}


def outputs(document: dict) -> str:
    return "\n".join(test.get("output", "") for test in document["tests"])


def live_processes(uids: list[int]) -> list[int]:
    return [pid for uid in uids for pid in slots.account_processes(uid)]


# ------------------------------------------------------------------ concurrent grades
SNOOP = '''
def scale(x, factor):
    """Look for the other grade for a while: its processes, its code, its slot."""
    import glob, signal
    found = []
    end = _time.monotonic() + 1.2
    while _time.monotonic() < end and not found:
        for pid in [p for p in _os.listdir("/proc") if p.isdigit()]:
            try:
                if _os.stat(f"/proc/{pid}").st_uid == _os.getuid():
                    continue  # this grade's own sandbox (itself, bubblewrap's init)
            except OSError:
                continue
            for part in ("environ", "mem"):
                try:
                    with open(f"/proc/{pid}/{part}", "rb") as handle:
                        if handle.read(64):
                            found.append(f"read /proc/{pid}/{part}")
                except OSError:
                    pass
            try:
                _os.kill(int(pid), signal.SIGSTOP)
                found.append(f"stopped {pid}")
                _os.kill(int(pid), signal.SIGCONT)
            except OSError:
                pass
        for pattern in (SLOTS + "/**/*.py", COURSE + "/**/*.py", "/run/gradekit/**/*.py"):
            for path in glob.glob(pattern, recursive=True):
                try:
                    open(path).read(1)
                    found.append(f"read {path}")
                except OSError:
                    pass
        _time.sleep(0.05)
    if found:
        raise RuntimeError("FOUND " + "; ".join(found[:5]))
    return x * factor
'''


def test_two_grades_at_once_cannot_reach_each_other(env, tmp_path, accounts):
    course = private_toy(tmp_path)
    where = f"SLOTS = {env['GRADEKIT_SLOT_ROOT']!r}\nCOURSE = {str(tmp_path)!r}\n"
    attacker = submission(tmp_path, "attacker", ops=where + SNOOP)
    victim = submission(tmp_path, "victim")
    alone = grade(course, victim, tmp_path / "alone.json", env)[1]
    started = subprocess.Popen(grade_command(course, attacker, tmp_path / "attacker.json"),
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.4)
    beside = grade(course, victim, tmp_path / "victim.json", env)[1]
    started.wait(timeout=120)
    attack = json.loads((tmp_path / "attacker.json").read_text())
    assert scores(beside) == scores(alone) and beside["score"] == 13, outputs(beside)
    assert "FOUND" not in outputs(attack), outputs(attack)
    assert attack["score"] <= alone["score"]
    assert not live_processes(accounts)


# ------------------------------------------------------------------ killed controllers
SURVIVE = '''
def scale(x, factor):
    """Outlive the grade: drop the parent-death signal, leave files and shared memory."""
    import ctypes
    libc = ctypes.CDLL(None)
    libc.prctl(1, 0)  # PR_SET_PDEATHSIG off
    for folder in ("/tmp", "/var/tmp", "/dev/shm", _os.environ.get("HOME", "/tmp")):
        try:
            with open(f"{folder}/gk-iso-left-{_os.getuid()}", "w") as handle:
                handle.write("left behind")
        except OSError:
            pass
    libc.shmget(0, 1 << 20, 0o1600)  # IPC_PRIVATE, IPC_CREAT | 0600
    while True:
        _time.sleep(0.01)
'''


def leftovers(uids: list[int]) -> list[str]:
    found = [f"process {pid}" for pid in live_processes(uids)]
    for folder in ("/tmp", "/var/tmp", "/dev/shm"):
        found += [f"{folder}/{name}" for name in os.listdir(folder)
                  if os.lstat(os.path.join(folder, name)).st_uid in uids]
    found += [f"shm {ident}" for uid in uids for ident in slots._ipc_of("shm", uid)]
    return found


def test_a_killed_controller_leaves_nothing_for_the_next_grade(env, tmp_path, accounts):
    course = private_toy(tmp_path)
    survivor = submission(tmp_path, "survivor", ops=SURVIVE)
    controller = subprocess.Popen(grade_command(course, survivor, tmp_path / "killed.json"),
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not live_processes(accounts):
        time.sleep(0.05)
    time.sleep(0.5)  # inside scale() by now
    controller.kill()
    controller.wait()
    # The next grade, of an untouched skeleton, takes the same slot: it must find it
    # clean (or clean it) and score the skeleton's 0, with nobody answering for it.
    skeleton = tmp_path / "skeleton"
    shutil.copytree(TOY / "student_template", skeleton)
    done, document = grade(course, skeleton, tmp_path / "next.json", env)
    assert document["score"] == 0, outputs(document)
    assert {t["number"] for t in document["tests"]} == ALL
    assert not leftovers(accounts)


LITTER = '''
def scale(x, factor):
    """Leave files in every writable place and a POSIX message queue, then answer right."""
    import ctypes
    for folder in ("/tmp", "/var/tmp", "/dev/shm", "/run/lock"):
        for index in range(200):
            try:
                open(f"{folder}/gk-iso-litter-{_os.getuid()}-{index}", "w").close()
            except OSError:
                break
    try:
        rt = ctypes.CDLL("librt.so.1")
        fd = rt.mq_open(f"/gk-iso-mq-{_os.getuid()}".encode(), _os.O_CREAT | _os.O_RDWR,
                        0o600, None)
        if fd >= 0:
            _os.close(fd)
    except OSError:
        pass
    return x * factor
'''


def test_files_and_message_queues_left_in_a_grade_are_removed(env, tmp_path, accounts):
    course = private_toy(tmp_path)
    done, document = grade(course, submission(tmp_path, "litter", ops=LITTER),
                           tmp_path / "litter.json", env)
    assert document["score"] == 13, outputs(document)
    left = leftovers(accounts)
    left += [f"/run/lock/{name}" for name in os.listdir("/run/lock")
             if os.lstat(f"/run/lock/{name}").st_uid in accounts]
    rt = ctypes.CDLL("librt.so.1", use_errno=True)
    for uid in accounts:
        if rt.mq_unlink(f"/gk-iso-mq-{uid}".encode()) == 0:
            left.append(f"message queue of uid {uid}")
    assert left == []


HANG = '''
def center_(x):
    while True:
        pass
'''


def test_sigterm_writes_a_result_listing_every_check(env, tmp_path, accounts):
    course = private_toy(tmp_path)
    slow = submission(tmp_path, "slow", ops=HANG)
    results = tmp_path / "results" / "results.json"
    results.parent.mkdir()
    controller = subprocess.Popen(grade_command(course, slow, results), env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not live_processes(accounts):
        time.sleep(0.05)
    time.sleep(1.0)  # the public checks are done, center_ is spinning
    controller.send_signal(signal.SIGTERM)
    controller.wait(timeout=20)
    assert controller.returncode == 128 + signal.SIGTERM, controller.stderr.read()
    document = json.loads(results.read_text())
    assert {t["number"] for t in document["tests"]} == ALL
    assert "SIGTERM" in document["output"]
    finished = [t for t in document["tests"] if t["score"] > 0]
    assert finished, "checks finished before the signal keep their scores"
    assert any("stopped by SIGTERM" in t.get("output", "") for t in document["tests"])
    assert not leftovers(accounts)


# ------------------------------------------------------------------ the whole-grade budget
SLOW = '''
def scale(x, factor):
    _time.sleep(1.5)
    return x * factor


def softmax(x):
    _time.sleep(1.5)
    import numpy as np
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
'''


def test_a_slow_submission_ends_within_the_grade_budget(env, tmp_path, accounts):
    course = private_toy(tmp_path)
    toml = course / "assignment" / "assignment.toml"
    toml.write_text(toml.read_text().replace("[grading]\n", "[grading]\ntime_budget = 2.5\n"))
    began = time.monotonic()
    done, document = grade(course, submission(tmp_path, "slow", ops=SLOW),
                           tmp_path / "r.json", env)
    assert time.monotonic() - began < 20
    assert {t["number"] for t in document["tests"]} == ALL
    assert "time budget of 2.5 s ran out" in outputs(document)
    assert document["execution_time"] < 2.5 + 3


# ------------------------------------------------------------------ where results go
PLANT = '''
def summary(x):
    for name in ("results.json", "planted.txt"):
        try:
            with open(RESULTS + "/" + name, "w") as handle:
                handle.write('{"score": 1000, "tests": []}')
        except OSError:
            pass
    return {"min": float(x.min()), "max": float(x.max()), "mean": float(x.mean())}
'''


def test_results_folder_others_write_to_keeps_their_files(env, tmp_path, accounts):
    course = private_toy(tmp_path)
    shared = Path(tempfile.mkdtemp(prefix="gk-shared-results-"))
    os.chmod(shared, 0o1777)  # like /tmp: every user may write here
    stop = threading.Event()

    def other_job():
        count = 0
        while not stop.is_set():
            (shared / f"other-{count}.txt").write_text("another job's file")
            count += 1
            time.sleep(0.05)

    writer = threading.Thread(target=other_job)
    writer.start()
    while len(os.listdir(shared)) < 5:  # the other job's files exist before the grade
        time.sleep(0.01)
    try:
        planted = submission(tmp_path, "planted", stats=f"RESULTS = {str(shared)!r}\n" + PLANT)
        done, document = grade(course, planted, shared / "results.json", env)
    finally:
        stop.set()
        writer.join()
    names = set(os.listdir(shared))
    others = {name for name in names if name.startswith("other-")}
    assert len(others) >= 5 and names == others | {"results.json"}, names
    assert document["score"] <= 13 and "tests" in document and document["tests"]
    shutil.rmtree(shared)


# ------------------------------------------------------------------ the reference
STEAL = '''
def scale(x, factor):
    """An untouched skeleton that runs the reference copy of its module instead."""
    import glob
    for pattern in ("/**/solutions/toy/ops.py", "/tmp/**/course/solutions/toy/ops.py"):
        for path in glob.glob(pattern, recursive=True):
            try:
                namespace = {}
                exec(open(path).read(), namespace)
                return namespace["scale"](x, factor)
            except OSError:
                continue
    return None
'''


def test_the_reference_is_out_of_reach(env, tmp_path, accounts):
    course = private_toy(tmp_path)
    thief = tmp_path / "thief"
    shutil.copytree(TOY / "student_template", thief)
    (thief / "toy" / "ops.py").write_text((thief / "toy" / "ops.py").read_text()
                                          + "\nimport numpy as np\n" + textwrap.dedent(STEAL))
    done, document = grade(course, thief, tmp_path / "r.json", env)
    assert scores(document)["1.1"] == 0 and scores(document)["0.1"] == 0, outputs(document)


def test_sandbox_accounts_refuse_a_checkout_others_can_read(tmp_path, accounts, monkeypatch):
    """Without bubblewrap, hidden grading of a world-readable checkout is refused."""
    from gradekit.config import load_assignment
    from gradekit.errors import UserError
    from gradekit.grading.grade import grade_submission

    open_folder = Path(tempfile.mkdtemp(prefix="gk-open-checkout-"))
    try:
        os.chmod(open_folder, 0o755)
        course = open_folder / "course"
        shutil.copytree(TOY, course, ignore=shutil.ignore_patterns("__pycache__"))
        monkeypatch.setenv("GRADEKIT_CONFINEMENT", "account")
        with pytest.raises(UserError, match="could read .*course.*chmod 700"):
            grade_submission(course / "solutions", load_assignment(
                course / "assignment" / "assignment.toml"))
    finally:
        shutil.rmtree(open_folder)


def test_no_confinement_refuses_hidden_checks_but_runs_public_ones(tmp_path, monkeypatch):
    from gradekit.config import load_assignment
    from gradekit.errors import UserError
    from gradekit.grading.grade import grade_submission

    monkeypatch.setenv("GRADEKIT_CONFINEMENT", "none")
    toy = load_assignment(TOY / "assignment" / "assignment.toml")
    with pytest.raises(UserError, match="need a confined sandbox"):
        grade_submission(TOY / "solutions", toy)
    public = grade_submission(TOY / "solutions", toy, public_only=True)
    assert public.all_passed and {c.number for c in public.checks} == {"0.1", "0.2"}


# ------------------------------------------------------------------ not root
NON_ROOT_ATTACK = '''
def scale(x, factor):
    """As the grader's own uid: find the results path, forge a result, kill the grader."""
    import signal
    parent = _os.getppid()
    try:
        command = open(f"/proc/{parent}/cmdline", "rb").read().split(b"\\0")
        path = command[command.index(b"--results") + 1].decode()
        with open(path, "w") as handle:
            handle.write('{"score": 1000, "tests": []}')
        _os.kill(parent, signal.SIGKILL)
    except (OSError, ValueError):
        pass
    try:  # the TA's checkout, at a path the student guessed
        open(ENGINE_CHECKS, "a").write("\\n# owned\\n")
    except OSError:
        pass
    return x * factor
'''


@pytest.mark.skipif(not ROOT or not launch.bwrap_works(),
                    reason="needs root to become another user, and bubblewrap")
def test_a_grader_that_is_not_root_is_still_confined(tmp_path):
    """The grader runs as an ordinary user (nobody): bubblewrap gives the worker its own
    view, so it can neither find the grader nor write anything that decides the score."""
    probe = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                            sys.executable, "-c", "import numpy, gradekit"],
                           capture_output=True, cwd="/")
    if probe.returncode != 0:
        pytest.skip("this checkout is not readable by other users (a private folder)")
    work = Path(tempfile.mkdtemp(prefix="gk-nonroot-"))
    try:
        course = work / "course"
        shutil.copytree(TOY, course, ignore=shutil.ignore_patterns("__pycache__"))
        engine_file = Path(__import__("gradekit").__file__).parent / "grading" / "checks.py"
        attack = submission(work, "attack", ops=f"ENGINE_CHECKS = {str(engine_file)!r}\n"
                            + NON_ROOT_ATTACK)
        (work / "results").mkdir()
        subprocess.run(["chown", "-R", "nobody:nogroup", str(work)], check=True)
        os.chmod(work, 0o755)
        results = work / "results" / "results.json"
        before = engine_file.read_bytes()
        done = subprocess.run(
            ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
             *grade_command(course, attack, results)],
            capture_output=True, text=True, timeout=120, cwd="/",
            env={"PATH": os.environ["PATH"], "HOME": str(work), "TMPDIR": str(work),
                 "GRADEKIT_SLOT_ROOT": str(work / "slots")})
        document = json.loads(results.read_text())
        assert document["extra_data"]["confinement"] == "bwrap", done.stderr
        assert document["score"] == 13 and len(document["tests"]) == len(ALL), outputs(document)
        assert engine_file.read_bytes() == before
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ------------------------------------------------------------------ smaller holes
def test_privileged_sandbox_accounts_are_refused(monkeypatch, tmp_path):
    from gradekit.sandbox.controller import Sandbox, SandboxError

    if not ROOT:
        pytest.skip("accounts are used only when grading as root")
    monkeypatch.setenv("GRADEKIT_SANDBOX_USERS", "root")
    monkeypatch.setenv("GRADEKIT_SLOT_ROOT", tempfile.mkdtemp(prefix="gk-iso-slots-"))
    (tmp_path / "code").mkdir()
    sandbox = Sandbox(tmp_path / "code")
    with pytest.raises(SandboxError, match="privileged"):
        sandbox.start()
    sandbox.close()


@pytest.mark.confined
def test_a_fifo_submission_is_refused_without_hanging(tmp_path):
    from gradekit.config import load_assignment
    from gradekit.grading.grade import grade_submission

    fifo = tmp_path / "ops.py"
    os.mkfifo(fifo)
    toy = load_assignment(TOY / "assignment" / "assignment.toml")
    result = grade_submission(fifo, toy, seed=1)
    assert result.score == 0 and "not a regular file" in result.output


def test_dicts_with_other_keys_cross_the_protocol():
    from gradekit.sandbox import protocol

    value = {"mode": "train", 1: 2.5, (3, 4): [None]}
    encoder = protocol.Encoder(keep=lambda v: protocol.Remote(7, "object"))
    frame = protocol.encode_message({"value": encoder.encode(value)}, encoder)
    data = b"".join(bytes(part) for part in frame)
    header_len, payload_len = protocol.parse_prefix(data[:protocol.PREFIX.size], 1 << 20)
    header = protocol.load_header(data[protocol.PREFIX.size:protocol.PREFIX.size + header_len])
    decoded = protocol.Decoder(data[protocol.PREFIX.size + header_len:], lambda i, n: None)
    assert decoded.decode(header["value"]) == value
    bad = {"t": "kdict", "v": [[[1, 2], 3]]}  # a list cannot be a key
    with pytest.raises(protocol.ProtocolError, match="unhashable"):
        protocol.Decoder(b"", lambda i, n: None).decode(bad)


# ------------------------------------------------------------------ side by side
MIXED = {
    "reference": {},
    "scaled-wrong": {"ops": "def scale(x, factor):\n    return x * factor + 1\n"},
    "softmax-unshifted": {"ops": "def softmax(x):\n    import numpy as np\n"
                                 "    return np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)\n"},
    "center-copy": {"ops": "def center_(x):\n    x = x - x.mean(axis=0)\n"},
    "hang": {"ops": HANG},
    "crash": {"ops": "def scale(x, factor):\n    _os._exit(3)\n"},
    "fork": {"ops": "def pairwise_sq_dists(a, b):\n    _os.fork()\n    return a\n"},
    "snoop": {"ops": "SLOTS = '/nonexistent'\nCOURSE = '/nonexistent'\n" + SNOOP},
    "plant": {"stats": "RESULTS = '/tmp'\n" + PLANT},
    "stats-wrong": {"stats": "def summary(x):\n    return {'min': 0.0, 'max': 0.0, 'mean': 0.0}\n"},
}


def test_two_graders_side_by_side_give_the_verdicts_of_sequential_grading(env, tmp_path,
                                                                          accounts):
    course = private_toy(tmp_path)
    folders = []
    for index in range(20):
        name = list(MIXED)[index % len(MIXED)]
        folders.append(submission(tmp_path, f"{index:02d}-{name}", **MIXED[name]))

    def run(batch: list[Path], label: str) -> dict[str, dict[str, float]]:
        verdicts = {}
        for folder in batch:
            results = tmp_path / label / f"{folder.name}.json"
            results.parent.mkdir(exist_ok=True)
            verdicts[folder.name] = scores(grade(course, folder, results, env)[1])
        return verdicts

    sequential = run(folders, "sequential")
    side_by_side: dict[str, dict[str, float]] = {}
    halves = [folders[0::2], folders[1::2]]
    threads = [threading.Thread(target=lambda half=half, i=i: side_by_side.update(
        run(half, f"parallel-{i}"))) for i, half in enumerate(halves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    differ = {name: (sequential[name], side_by_side.get(name)) for name in sequential
              if side_by_side.get(name) != sequential[name]}
    assert not differ, differ
    assert sum(sequential["00-reference"].values()) == 13
    assert not leftovers(accounts)
