"""run_autograder end to end, in a temporary /autograder-shaped tree.

The tree is what Gradescope makes: ``source/`` (the unzipped autograder.zip: assignment/,
autograder/, solutions/, student_template/, setup.sh, run_autograder), ``submission/``
and ``results/``. The engine is this checkout's (through GRADEKIT_PYTHON), as setup.sh's
venv would provide it. Hostile submissions show that student code reaches neither the
checks, the reference nor the results, and that each trick costs only its own checks.
"""

from __future__ import annotations

import datetime
import json
import re
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from gradekit.config import load_assignment
from gradekit.release.builder import gradescope_script
from tests.support.paths import A2, ENGINE_FIXTURES, REPO
from tests.support.results_validation import validate

# What reaching for the grader's files gets: denied, or (confined) not there at all.
UNREACHABLE = "PermissionError|FileNotFoundError|Read-only file system"
TOY = ENGINE_FIXTURES / "toy_assignment"
SCRIPTS = REPO / "gradekit" / "release" / "gradescope"
CONTENT = ("assignment", "autograder", "solutions", "student_template")


def real_assignment_ready() -> bool:
    return (A2.solutions / "cs231n" / "layers.py").is_file() and any(
        (A2.checks).glob("test_*.py"))


ASSIGNMENTS = [pytest.param(TOY, "assignment/assignment.toml", "solutions", id="toy"),
               pytest.param(REPO, "assignment/assignment2/assignment.toml",
                            "solutions/assignment2", id="real", marks=pytest.mark.skipif(
                                not real_assignment_ready(),
                                reason="the real content is not there yet"))]


def make_tree(content: Path, config: str = "assignment/assignment.toml") -> Path:
    """An /autograder-shaped tree, world-readable to begin with (run_autograder locks it)."""
    root = Path(tempfile.mkdtemp(prefix="autograder-"))
    source = root / "source"
    for name in CONTENT:
        if (content / name).exists():
            shutil.copytree(content / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "datasets"))
    for name in ("setup.sh", "run_autograder"):
        script = gradescope_script(SCRIPTS / name, config)
        (source / name).write_bytes(script.data)
    (root / "run_autograder").write_bytes((source / "run_autograder").read_bytes())
    (root / "submission").mkdir()
    (root / "results").mkdir()
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    (root / "run_autograder").chmod(0o755)
    return root


def run_autograder(root: Path, python: str = sys.executable) -> dict:
    completed = subprocess.run(
        ["bash", str(root / "run_autograder")], capture_output=True, text=True, timeout=600,
        env={"PATH": os.environ["PATH"], "TMPDIR": tempfile.gettempdir(), "GRADEKIT_AUTOGRADER_ROOT": str(root),
             "GRADEKIT_PYTHON": python, "CS231N_DATASET": "synthetic"},
    )
    assert completed.returncode == 0, completed.stderr
    return validate(json.loads((root / "results" / "results.json").read_text()))


@pytest.fixture
def tree(request):
    roots = []

    def build(content: Path, config: str = "assignment/assignment.toml") -> Path:
        roots.append(make_tree(content, config))
        return roots[-1]

    yield build
    for root in roots:
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.confined
@pytest.mark.parametrize("content,config,solution", ASSIGNMENTS)
def test_reference_solution_end_to_end(tree, content, config, solution):
    root = tree(content, config)
    shutil.copytree(content / solution, root / "submission", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "datasets"))
    assignment = load_assignment(content / config)
    for master in assignment.release.notebooks if assignment.release else ():
        if master.name in assignment.grading.submit:  # solved: its cells hold reference code
            shutil.copyfile(master, root / "submission" / master.name)
    document = run_autograder(root)
    notebooks = assignment.grading.notebooks
    parts = {part.number for notebook in notebooks for part in notebook.parts}
    code_tests = [t for t in document["tests"] if t["number"] not in parts]  # no notebook here
    total = sum(test["max_score"] for test in code_tests)
    assert code_tests and total > 0
    failed = [t for t in code_tests if t["status"] == "failed"]
    assert not [t for t in failed if "internal error" in t["output"]], failed
    assert document["score"] >= 0.9 * total, failed  # timing checks may wobble under load
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE((root / "source").stat().st_mode) == 0o700
    assert stat.S_IMODE((root / "results").stat().st_mode) == 0o700
    assert os.listdir(root / "results") == ["results.json"]
    assert not [n for n in document["extra_data"]["staff_log"] if "sandbox user can read" in n]
    extra = document["extra_data"]  # which confinement, and why: for staff
    assert extra["confinement_reason"].startswith(extra["confinement"] + ": ")
    assert extra["worker_memory_mb"] > 0


def hostile(root: Path, ops: str = "", stats: str = "") -> None:
    """The toy reference with functions redefined (later definitions win)."""
    package = root / "submission" / "toy"
    shutil.copytree(TOY / "solutions" / "toy", package)
    prelude = ("import os as _os\nimport numpy as np\n"
               f"REFERENCE = {str(root / 'source/solutions/toy/ops.py')!r}\n"
               f"CHECKS = {str(root / 'source/autograder/test_ops.py')!r}\n"
               f"RESULTS = {str(root / 'results')!r}\n")
    for name, extra in (("ops", ops), ("stats", stats)):
        path = package / f"{name}.py"
        path.write_text(path.read_text() + "\n" + prelude + extra)


HOSTILE_OPS = '''
def scale(x, factor):
    open(REFERENCE).read()          # steal the reference
    return x * factor


def center_(x):
    while True:
        pass


def softmax(x):
    class Sneaky(np.ndarray):
        pass
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).view(Sneaky)


class Counter:
    def __init__(self, start=0):
        self.count = start

    def add(self, n=1):
        _os._exit(0)


def pairwise_sq_dists(a, b):
    if _os.fork() == 0:
        _os._exit(0)
    return (a ** 2).sum(1)[:, None] - 2 * a @ b.T + (b ** 2).sum(1)[None, :]
'''

HOSTILE_STATS = '''
def summary(x):
    for name in ("results.json", "planted.txt"):
        try:
            with open(RESULTS + "/" + name, "w") as handle:
                handle.write('{"score": 1000, "tests": []}')
        except OSError:
            pass
    open(CHECKS).read()             # read the hidden checks
    return {"min": float(x.min()), "max": float(x.max()), "mean": float(x.mean())}


def running_update(state, x, momentum=0.9):
    print("chatter " * (2 << 20))
    hog = np.ones((4 << 30) // 8)
    state["mean"] = momentum * state["mean"] + (1 - momentum) * clip_unit(x).mean(axis=0)
'''

SNEAKY_OPS = '''
def scale(x, factor):
    return (x * factor).tolist()


def center_(x):
    try:  # the worker's engine has no checks (confined, not even the module)
        import gradekit.grading.checks
        gradekit.grading.checks.expect_close = lambda *a, **k: a[0]
    except ImportError:
        pass
    np.allclose = lambda *a, **k: True
    for fd in map(int, _os.listdir("/proc/self/fd")):
        try:
            _os.write(fd, b"GKP1 {\\"id\\": 1, \\"ok\\": true}")
        except OSError:
            pass


def softmax(x):
    return np.full(x.shape, np.nan)
'''


@pytest.mark.skipif(os.geteuid() != 0, reason="the Gradescope flow runs as root")
@pytest.mark.parametrize("ops,stats,fails,reasons", [
    pytest.param(HOSTILE_OPS, "", {"0.1", "1.1", "1.2", "1.3", "1.4", "1.5"}, {
        "0.1": UNREACHABLE, "1.1": UNREACHABLE, "1.2": "timed out after 2 s",
        "1.3": "not plain data", "1.4": "crashed", "1.5": "BlockingIOError"}, id="ops"),
    pytest.param("", HOSTILE_STATS, {"0.2", "2.1", "2.2"}, {
        "0.2": UNREACHABLE, "2.1": UNREACHABLE, "2.2": "more than"}, id="stats"),
    pytest.param(SNEAKY_OPS, "", {"0.1", "1.1", "1.2", "1.3"}, {
        "0.1": "list", "1.1": "list", "1.2": "file descriptors it does not own", "1.3": "NaN"},
        id="sneaky"),
])
def test_hostile_submissions_lose_only_their_own_checks(tree, ops, stats, fails, reasons):
    root = tree(TOY)
    hostile(root, ops, stats)
    document = run_autograder(root)
    tests = {t["number"]: t for t in document["tests"]}
    assert {n for n, t in tests.items() if t["status"] == "failed"} == fails
    for number, phrase in reasons.items():
        assert re.search(phrase, tests[number]["output"]), tests[number]
    assert all(t["score"] == t["max_score"] for n, t in tests.items() if n not in fails)
    assert os.listdir(root / "results") == ["results.json"]
    assert document["score"] == sum(t["score"] for t in tests.values()) < 1000
    assert document["execution_time"] < 60


def test_a_grader_that_cannot_start_still_leaves_results(tree):
    root = tree(TOY)
    document = run_autograder(root, python="/bin/false")
    assert document["score"] == 0 and "could not run" in document["output"]


def test_gradescope_scripts_parse_and_the_dockerfile_uses_them():
    for name in ("setup.sh", "run_autograder"):
        done = subprocess.run(["bash", "-n", str(SCRIPTS / name)], capture_output=True,
                              text=True)
        assert done.returncode == 0, done.stderr
        assert os.access(SCRIPTS / name, os.X_OK)
    dockerfile = (SCRIPTS / "Dockerfile").read_text()
    assert "COPY . /autograder/source" in dockerfile and "setup.sh" in dockerfile
    assert "/autograder/run_autograder" in dockerfile
    setup = (SCRIPTS / "setup.sh").read_text()
    assert "useradd --system --no-create-home --user-group --shell /usr/sbin/nologin" in setup
    assert "gradekit-sandbox-1" in setup and "bubblewrap" in setup
    assert 'chmod 700 "$SOURCE" "$AUTOGRADER/results"' in setup


def _previous(when: datetime.datetime, mode: str) -> dict:
    return {"submission_time": when.isoformat(), "score": 1.0,
            "results": {"score": 1.0, "tests": [], "extra_data": {"mode": mode}}}


@pytest.mark.confined
def test_a_daily_limit_gives_extra_submissions_the_public_checks_only(tree):
    """With ``daily_limit = 1``, a second submission the same day (Gradescope's metadata
    lists the first, graded in full) runs the public checks only and says why; a day
    whose earlier submission ran only the public checks is still within the limit."""
    root = tree(TOY)
    config = root / "source" / "assignment" / "assignment.toml"
    config.write_text(config.read_text().replace(
        "[grading]\n", '[grading]\ndaily_limit = 1\nday_zone = "UTC"\n', 1))
    shutil.copytree(TOY / "solutions", root / "submission", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    now = datetime.datetime.now(datetime.timezone.utc)
    metadata = root / "submission_metadata.json"
    metadata.write_text(json.dumps({"created_at": now.isoformat(), "previous_submissions": [
        _previous(now - datetime.timedelta(days=2), "hidden"), _previous(now, "hidden")]}))
    limited = run_autograder(root)
    assert limited["output"].startswith("Daily limit reached: 1 of your submissions today")
    assert limited["extra_data"]["mode"] == "public"
    public = {t["number"] for t in limited["tests"]}

    metadata.write_text(json.dumps({"created_at": now.isoformat(),
                                    "previous_submissions": [_previous(now, "public")]}))
    full = run_autograder(root)
    assert "Daily limit" not in full["output"] and full["extra_data"]["mode"] == "hidden"
    assert public < {t["number"] for t in full["tests"]}, "the hidden checks ran this time"
