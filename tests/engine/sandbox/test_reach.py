"""Attacks on what a worker can reach beyond its own code: the paths the grader names on
its command line (the checkout, the release's solutions zip, the test corpus, a
classmate's results) and the network (a service of the grader on 127.0.0.1).

They run in every confinement mode they apply to: bubblewrap (``bwrap``, where it runs),
plain per-slot accounts (``account``, as root) and, for the network, ``none`` as root (a
student's own ``gradekit check``: the worker gets no network where root can take it away).
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
from pathlib import Path

import pytest

from gradekit.classwork.gradeclass import Options, grade_class
from gradekit.config import load_assignment
from gradekit.errors import UserError
from gradekit.sandbox import netns
from tests.engine.sandbox.test_isolation import (  # noqa: F401 - fixtures
    MODES, ROOT, TOY, accounts, env, grade, mode, no_slot_folder_left, outputs, private_toy,
    scores, submission)

SECRET = "SECRET-7d1f"


def plant_secrets(course: Path) -> list[Path]:
    """What a checkout holds beside the assignment: a release's solutions zip, a corpus."""
    planted = [course / "release" / "toy" / "solutions.zip",
               course / "tests" / "corpus" / "entry.py"]
    for path in planted:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{SECRET}\n")
        os.chmod(path, 0o644)
    return planted


# Read every grader's command line, then every path it names, the folders above them and
# the places a checkout keeps its secrets beside them; any secret read fails the check.
READ_NAMED = '''
def scale(x, factor):
    """Steal what the grader names: its arguments, the checkout around them."""
    named = set()
    for pid in [p for p in _os.listdir("/proc") if p.isdigit()]:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                words = handle.read().decode(errors="replace").split("\\0")
        except OSError:
            continue
        named.update(w for w in words if w.startswith("/") and len(w) > 5)
    guesses = set(named) | set(EXTRA)
    for path in named:
        parts = path.rstrip("/").split("/")
        for depth in range(3, len(parts) + 1):
            folder = "/".join(parts[:depth])
            for tail in ("release/toy/solutions.zip", "tests/corpus/entry.py",
                         "assignment/assignment.toml", "autograder/test_ops.py"):
                guesses.add(f"{folder}/{tail}")
    found = []
    for path in sorted(guesses):
        try:
            with open(path, "rb") as handle:
                data = handle.read(4096)
        except OSError:
            continue
        if b"SECRET-7d1f" in data or (path.startswith(COURSE)
                                      and (b"[grading]" in data or b"def test_" in data)):
            found.append(path)  # (other graders on the machine are not this test's)
    if found:
        raise RuntimeError("FOUND " + "; ".join(found[:5]))
    return x * factor
'''


def reader(tmp_path: Path, name: str, course: Path, extra: list[str]) -> Path:
    return submission(tmp_path, name, ops=f"EXTRA = {extra!r}\nCOURSE = {str(course)!r}\n"
                      + READ_NAMED)


def test_a_submission_reads_nothing_the_grader_names(env, mode, tmp_path, open_tree,
                                                     accounts):
    """The checkout sits in a folder every user can enter. bwrap shows the worker nothing
    even of an open checkout; account mode grades only a checkout out of the accounts'
    reach (see the refusals below), so the same reads fail there too."""
    course = open_tree / "course"
    shutil.copytree(TOY, course, ignore=shutil.ignore_patterns("__pycache__"))
    os.chmod(course, 0o755 if mode == "bwrap" else 0o700)
    planted = plant_secrets(course)
    thief = reader(tmp_path, "thief", course, [str(p) for p in planted])
    done, document = grade(course, thief, tmp_path / "r.json", env)
    assert "FOUND" not in outputs(document), outputs(document)
    assert scores(document)["0.1"] == 1 and document["score"] == 13, outputs(document)


@pytest.fixture
def open_tree():
    """A folder every user can enter and read (pytest's tmp_path is the grader's alone)."""
    from gradekit.sandbox.exposure import Who, reachable

    folder = Path(tempfile.mkdtemp(prefix="gk-open-"))
    os.chmod(folder, 0o755)
    if not reachable(folder.resolve(), Who()):
        shutil.rmtree(folder)
        pytest.skip(f"other users cannot enter {folder.parent}: no open folder to attack")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def account_env(monkeypatch, env) -> None:
    for key in ("GRADEKIT_CONFINEMENT", "GRADEKIT_SLOT_ROOT", "GRADEKIT_SANDBOX_USERS",
                "GRADEKIT_SLOTS"):
        monkeypatch.setenv(key, env[key])


@pytest.mark.parametrize("mode", ["account"])
def test_account_mode_refuses_a_checkout_with_a_readable_release(env, mode, open_tree,
                                                                  monkeypatch, accounts):
    """The checks and the reference locked away are not enough: the release folder beside
    them is named by the checkout, so an open checkout is refused, naming the fix."""
    from gradekit.grading.grade import grade_submission

    account_env(monkeypatch, env)
    course = open_tree / "course"
    shutil.copytree(TOY, course, ignore=shutil.ignore_patterns("__pycache__"))
    plant_secrets(course)
    for locked in ("autograder", "solutions"):
        os.chmod(course / locked, 0o700)
    os.chmod(course, 0o711)  # no listing, but names can be guessed
    thief = open_tree / "private"
    thief.mkdir(mode=0o700)
    shutil.copytree(TOY / "student_template", thief / "work")
    assignment = load_assignment(course / "assignment" / "assignment.toml")
    with pytest.raises(UserError) as refused:
        grade_submission(thief / "work", assignment)
    message = str(refused.value)
    assert "\n" not in message and "the assignment's checkout" in message
    assert f"chmod 700 {course}" in message


@pytest.mark.parametrize("mode", ["account"])
def test_account_mode_refuses_results_or_submissions_others_can_read(env, mode, tmp_path,
                                                                      open_tree, monkeypatch,
                                                                      accounts):
    from gradekit.grading.grade import grade_submission

    account_env(monkeypatch, env)
    course = private_toy(tmp_path)
    assignment = load_assignment(course / "assignment" / "assignment.toml")
    private_work = tmp_path / "work"
    shutil.copytree(TOY / "student_template", private_work)
    with pytest.raises(UserError, match=f"the results: {open_tree}/r.json.*chmod 700 {open_tree}"):
        grade_submission(private_work, assignment, results_path=open_tree / "r.json")
    classroom = open_tree / "class"
    shutil.copytree(TOY / "solutions", classroom / "ada")
    with pytest.raises(UserError, match=f"the submissions: {classroom}"):
        grade_class(classroom, tmp_path / "out", assignment,
                    Options(jobs=1, seed=3, build_reports=False))


STEAL_CLASSMATE = '''
def scale(x, factor):
    """Read a classmate's results and code from the class output."""
    found = []
    for path in (OUT + "/aa/results.json", OUT + "/aa/feedback.txt",
                 OUT + "/aa/submission/toy/ops.py", OUT + "/manifest.json"):
        try:
            found.append(path + " " + open(path).read(40).replace("\\n", " "))
        except OSError:
            pass
    try:
        found += [OUT + " lists " + str(_os.listdir(OUT))]
    except OSError:
        pass
    if found:
        raise RuntimeError("FOUND " + "; ".join(found[:3]))
    return x * factor
'''


def test_a_classmate_results_are_out_of_reach(env, mode, tmp_path, open_tree, monkeypatch,
                                              accounts):
    """The class output sits in a folder every user can enter; it is 0700 itself."""
    account_env(monkeypatch, env)
    course = private_toy(tmp_path)
    classroom = tmp_path / "class"
    classroom.mkdir()
    shutil.copytree(TOY / "solutions", classroom / "aa",
                    ignore=shutil.ignore_patterns("__pycache__"))
    out = open_tree / "out"
    shutil.copytree(submission(tmp_path, "zz-thief", ops=f"OUT = {str(out)!r}\n"
                               + STEAL_CLASSMATE), classroom / "zz")
    assignment = load_assignment(course / "assignment" / "assignment.toml")
    summary = grade_class(classroom, out, assignment, Options(jobs=1, seed=3,
                                                              build_reports=False))
    assert summary.progress.failed == 0
    import json

    thief = json.loads((out / "zz" / "results.json").read_text())
    assert (out / "aa" / "results.json").is_file()
    assert "FOUND" not in outputs(thief), outputs(thief)
    assert thief["score"] == 13, outputs(thief)


# ------------------------------------------------------------------ the network
class Listener:
    """A TCP service of the grader on 127.0.0.1 that counts who connected."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.accepted = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            self.accepted += 1
            connection.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.server.close()


@pytest.fixture
def listener():
    service = Listener()
    yield service
    service.close()


CONNECT = '''
def scale(x, factor):
    """Reach the grader's service on the loopback interface."""
    import socket
    try:
        socket.create_connection(("127.0.0.1", PORT), timeout=2).close()
    except OSError as error:
        return x * factor
    raise RuntimeError("CONNECTED to the grader's service")
'''


def test_the_worker_cannot_reach_a_service_of_the_grader(env, mode, tmp_path, listener,
                                                         accounts):
    course = private_toy(tmp_path)
    caller = submission(tmp_path, "caller", ops=f"PORT = {listener.port}\n" + CONNECT)
    with socket.create_connection(("127.0.0.1", listener.port), timeout=2):
        pass  # the service answers here: only the worker's confinement stops it
    done, document = grade(course, caller, tmp_path / "r.json", env)
    assert "CONNECTED" not in outputs(document), outputs(document)
    assert scores(document)["0.1"] == 1, outputs(document)
    assert listener.accepted == 1
    if mode == "account":
        assert "network namespace of its own" in document["extra_data"]["confinement_reason"]


def test_a_root_worker_without_confinement_has_no_network_either(tmp_path, listener,
                                                                 monkeypatch):
    """``none`` mode (a student's own ``gradekit check``, here as root): root still takes
    the network away from the worker."""
    if not ROOT:
        pytest.skip("only root can give a worker a network namespace without bubblewrap")
    if netns.problem():
        pytest.skip(f"no network namespace here: {netns.problem()}")
    from gradekit.grading.grade import grade_submission

    monkeypatch.setenv("GRADEKIT_CONFINEMENT", "none")
    caller = submission(tmp_path, "caller", ops=f"PORT = {listener.port}\n" + CONNECT)
    result = grade_submission(caller, load_assignment(TOY / "assignment" / "assignment.toml"),
                              own_code=True)
    check = next(c for c in result.checks if c.number == "0.1")
    assert check.passed, check.output
    assert listener.accepted == 0


def test_what_another_user_could_read_is_judged_down_the_whole_tree(open_tree):
    """The rule itself (no root needed): reach through every folder above, then anything
    readable below; a path not made yet counts as readable where others can enter."""
    from gradekit.sandbox.exposure import Who, first_readable

    anyone = Who()
    tree = open_tree / "course"
    (tree / "release").mkdir(parents=True)
    secret = tree / "release" / "solutions.zip"
    secret.write_text(SECRET)
    os.chmod(secret, 0o600)
    os.chmod(tree / "release", 0o711)
    os.chmod(tree, 0o711)
    assert first_readable(tree, anyone) is None  # names guessable, nothing readable
    os.chmod(secret, 0o644)
    assert first_readable(tree, anyone) == secret.resolve()
    os.chmod(tree, 0o700)
    assert first_readable(tree, anyone) is None  # closed above: the tree is out of reach
    assert first_readable(tree / "out" / "r.json", anyone) is None
    assert first_readable(open_tree / "out" / "r.json", anyone) == open_tree / "out" / "r.json"
    os.chmod(tree, 0o755)
    assert first_readable(tree, anyone) == tree.resolve()  # its entries' names
    assert first_readable(tree, Who({os.getuid() + 1}, set())) == tree.resolve()
