"""gradekit grade-class: a whole class graded by long-lived controllers, resumable.

Most tests use the toy assignment (tests/fixtures/toy_assignment) copied with a short
whole-grade budget (3 s) so that a hanging submission costs little; one test grades a
small class of the real assignment. Verdicts are compared with one grade_submission per
submission, with the same seed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from gradekit.classwork.gradeclass import Options, grade_class
from gradekit.classwork.inbox import read_inbox, unpack_tree
from gradekit.classwork.manifest import grading_digest
from gradekit.config import load_assignment
from gradekit.grading.grade import grade_submission
from tests.support.paths import A2, ENGINE_FIXTURES, REPO
from tests.support.results_validation import validate

TOY = ENGINE_FIXTURES / "toy_assignment"
SEED = 7
HANG = ("\n\ndef scale(x, factor):\n    while True:\n        pass\n\n\n"
        "def softmax(x):\n    while True:\n        pass\n")
METADATA = """\
submission_1001:
  :submitters:
  - :name: Ada Lovelace
    :sid: '0042'
    :email: ada@example.edu
submission_1002:
  :submitters:
  - :name: Alan Turing
    :sid: 7
  - :name: Grace Hopper
    :sid: '9'
submission_1003:
  :submitters:
  - :name: Zip Uploader
    :sid: '11'
"""


# ---------------------------------------------------------------- fixtures and helpers
def toy_assignment(root: Path, budget: float) -> Path:
    """A copy of the toy assignment whose assignment.toml has a whole-grade ``budget``."""
    target = root / f"toy-{budget:g}"
    if not target.exists():
        shutil.copytree(TOY, target, ignore=shutil.ignore_patterns("__pycache__"))
        toml = target / "assignment" / "assignment.toml"
        toml.write_text(toml.read_text().replace(
            'support_root = "student_template"\n',
            f'support_root = "student_template"\ntime_budget = {budget}\n'))
    return target / "assignment" / "assignment.toml"


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("class")


@pytest.fixture(scope="module")
def toml(work):
    return toy_assignment(work, 3.0)


def copy_solution(target: Path, extra_ops: str = "") -> Path:
    shutil.copytree(TOY / "solutions", target, ignore=shutil.ignore_patterns("__pycache__"))
    if extra_ops:
        ops = target / "toy" / "ops.py"
        ops.write_text(ops.read_text() + extra_ops)
    return target


def folder_class(root: Path) -> Path:
    """reference, skeleton, a garbage zip, a hanging submission, a zip, a lone file."""
    root.mkdir(parents=True)
    copy_solution(root / "ref")
    shutil.copytree(TOY / "student_template", root / "skel",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (root / "garbage.zip").write_bytes(b"PK\x03\x04 this is not a zip at all" * 50)
    copy_solution(root / "hang", HANG)
    with zipfile.ZipFile(root / "zipped.zip", "w") as archive:
        uniform = "\n\ndef softmax(x):\n    return np.full(x.shape, 1.0 / x.shape[1])\n"
        archive.writestr("homework/toy/ops.py",
                         (TOY / "solutions" / "toy" / "ops.py").read_text() + uniform)
        archive.write(TOY / "solutions" / "toy" / "stats.py", "homework/toy/stats.py")
        archive.writestr("__MACOSX/._ops.py", "junk")
    shutil.copy(TOY / "solutions" / "toy" / "stats.py", root / "stats.py")
    return root


def run_cli(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gradekit", *args], capture_output=True,
                          text=True, cwd=REPO, timeout=timeout)


def verdicts(document: dict, outputs: bool = True) -> dict:
    return {t["number"]: (t["score"], t["status"], t["output"] if outputs else None)
            for t in document["tests"]}


def expected(path: Path, assignment, outputs: bool = True) -> dict:
    return verdicts(grade_submission(path, assignment, seed=SEED).to_json(), outputs)


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def results(out: Path, key: str) -> dict:
    return json.loads((out / key / "results.json").read_text())


def gradescope_export(root: Path, as_zip: bool) -> Path:
    """An Export Submissions: metadata plus one folder per submission (one holds the
    student's uploaded zip, as it was uploaded)."""
    folder = root / "assignment_77_export"
    folder.mkdir(parents=True)
    (folder / "submission_metadata.yml").write_text(METADATA)
    copy_solution(folder / "submission_1001")
    shutil.copytree(TOY / "student_template" / "toy", folder / "submission_1002" / "toy")
    (folder / "submission_1003").mkdir()
    with zipfile.ZipFile(folder / "submission_1003" / "upload.zip", "w") as archive:
        for name in ("ops.py", "stats.py"):
            archive.write(TOY / "solutions" / "toy" / name, f"toy/{name}")
    if not as_zip:
        return folder
    archive_path = root / "export.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, path.relative_to(root).as_posix())
    return archive_path


def slot_controllers(marker: str) -> list[int]:
    """Live controller processes whose command line mentions ``marker``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if "gradekit.classwork.slotcontroller" in command and marker in command and state != "Z":
            found.append(int(entry))
    return found


# ---------------------------------------------------------------- a folder class
@pytest.fixture(scope="module")
def graded_folder(work, toml):
    """The folder class graded once with the command (2 controllers, seed 7)."""
    classroom = folder_class(work / "folder-class")
    out = work / "folder-out"
    done = run_cli("grade-class", str(classroom), str(out), "--assignment", str(toml),
                   "--seed", str(SEED), "--jobs", "2")
    return classroom, out, done


@pytest.mark.confined
def test_a_folder_class_is_graded_like_one_grade_per_submission(graded_folder, toml):
    classroom, out, done = graded_folder
    assert done.returncode == 0, done.stdout + done.stderr
    assignment = load_assignment(toml)
    keys = ["garbage", "hang", "ref", "skel", "stats", "zipped"]
    assert sorted(manifest(out)["submissions"]) == keys
    sources = {"garbage": "garbage.zip", "zipped": "zipped.zip", "stats": "stats.py"}
    for key in keys:
        document = validate(results(out, key))
        source = classroom / sources.get(key, key)
        # A hanging submission's messages depend on where the budget ran out: scores only.
        assert verdicts(document, key != "hang") == expected(source, assignment, key != "hang"), key
        assert document["extra_data"]["seed"] == SEED
        feedback = (out / key / "feedback.txt").read_text()
        assert any(line.split()[:1] == ["0.1"] for line in feedback.splitlines()) \
            and "total" in feedback
    assert results(out, "ref")["score"] == 13 and results(out, "skel")["score"] == 0
    assert results(out, "zipped")["score"] == 12  # the uniform softmax keeps half of 1.3
    assert "Ignored garbage.zip" in results(out, "garbage")["output"]
    hang = results(out, "hang")
    assert "time budget of 3 s ran out" in json.dumps(hang) and hang["score"] < 13
    # The submitted files intake took are kept for the similarity, and only those.
    kept = sorted(p.relative_to(out / "zipped" / "submission").as_posix()
                  for p in (out / "zipped" / "submission").rglob("*.py"))
    assert kept == ["toy/ops.py", "toy/stats.py"]
    assert not list((out / "garbage" / "submission").iterdir())


@pytest.mark.confined
def test_the_run_leaves_exports_a_report_and_a_manifest(graded_folder):
    _, out, done = graded_folder
    for name in ("grades.csv", "canvas.csv", "checks.csv", "similarity.csv", "report.html"):
        assert (out / name).is_file(), name
    rows = list(csv.DictReader((out / "grades.csv").open()))
    assert sorted(row["submission"] for row in rows) == sorted(manifest(out)["submissions"])
    assert "ref" in (out / "report.html").read_text()
    entries = manifest(out)["submissions"]
    assert {e["status"] for e in entries.values()} == {"graded"}
    assert all(e["grades"] == 1 for e in entries.values())
    assert entries["ref"]["score"] == 13 and entries["ref"]["memory_mb"]["controller_peak"] > 0
    assert not (out / ".work").exists()
    # Not a terminal: one plain line per submission, then a summary.
    lines = done.stdout.splitlines()
    assert lines[0] == "grading 6 submissions (0 up to date)"
    assert sum(1 for line in lines if line.startswith("[")) == 6
    assert any(line.startswith("[") and "ref: 13/13 in" in line for line in lines)
    assert "6 graded, 0 failed, 0 up to date" in done.stdout
    assert "\r" not in done.stdout


@pytest.mark.confined
def test_a_rerun_grades_nothing_and_a_changed_submission_only_itself(graded_folder, toml):
    classroom, out, _ = graded_folder
    before = {key: (out / key / "results.json").stat().st_mtime_ns
              for key in manifest(out)["submissions"]}
    again = run_cli("grade-class", str(classroom), str(out), "--assignment", str(toml),
                    "--seed", str(SEED))
    assert again.returncode == 0, again.stderr
    assert "0 graded, 0 failed, 6 up to date" in again.stdout
    assert {key: (out / key / "results.json").stat().st_mtime_ns for key in before} == before

    ops = classroom / "skel" / "toy" / "ops.py"
    ops.write_text((TOY / "solutions" / "toy" / "ops.py").read_text())
    changed = run_cli("grade-class", str(classroom), str(out), "--assignment", str(toml),
                      "--seed", str(SEED))
    assert changed.returncode == 0, changed.stderr
    assert "1 graded, 0 failed, 5 up to date" in changed.stdout
    entries = manifest(out)["submissions"]
    assert {key: entry["grades"] for key, entry in entries.items()} == {
        key: 2 if key == "skel" else 1 for key in before}
    assert results(out, "skel")["score"] == 9  # ops.py right now (9 points), stats.py not
    after = {key: (out / key / "results.json").stat().st_mtime_ns for key in before}
    assert {k for k in before if after[k] != before[k]} == {"skel"}
    assert [run["to_grade"] for run in manifest(out)["runs"]] == [6, 0, 1]


def test_the_grading_digest_follows_checks_reference_and_settings(work):
    toml = toy_assignment(work / "digest", 3.0)
    root = toml.parent.parent
    assignment = load_assignment(toml)
    first = grading_digest(assignment, {"seed": None, "public_only": False})
    assert grading_digest(assignment, {"seed": None, "public_only": False}) == first
    assert grading_digest(assignment, {"seed": 1, "public_only": False}) != first
    for path in (root / "autograder" / "test_ops.py", root / "solutions" / "toy" / "ops.py",
                 root / "student_template" / "toy" / "helpers.py", toml):
        original = path.read_text()
        path.write_text(original + "\n# changed\n")
        assert grading_digest(load_assignment(toml), {"seed": None, "public_only": False}) \
            != first, path
        path.write_text(original)
    # What the grade never reads changes nothing: caches, and a submitted path.
    (root / "autograder" / "__pycache__").mkdir(exist_ok=True)
    (root / "autograder" / "__pycache__" / "x.pyc").write_bytes(b"cache")
    (root / "student_template" / "toy" / "ops.py").write_text("# the student's own\n")
    assert grading_digest(load_assignment(toml), {"seed": None, "public_only": False}) == first


# ---------------------------------------------------------------- a Gradescope export
@pytest.mark.confined
def test_a_zipped_gradescope_export_and_its_emitted_tasks(work, toml):
    export = gradescope_export(work / "export-zip", as_zip=True)
    unzipped = gradescope_export(work / "export-folder", as_zip=False)
    assignment = load_assignment(toml)
    out = work / "export-out"
    done = run_cli("grade-class", str(export), str(out), "--assignment", str(toml),
                   "--seed", str(SEED))
    assert done.returncode == 0, done.stdout + done.stderr
    keys = ["submission_1001", "submission_1002", "submission_1003"]
    assert sorted(manifest(out)["submissions"]) == keys
    for key in keys:
        document = validate(results(out, key))
        assert verdicts(document) == expected(unzipped / key, assignment), key
    assert "Looked inside upload.zip." in results(out, "submission_1003")["output"]
    assert [results(out, k)["score"] for k in keys] == [13, 0, 13]
    grades = (out / "grades.csv").read_text()
    assert "Ada Lovelace" in grades and "Grace Hopper" in grades
    assert not (out / ".work").exists()

    # The same class as one `gradekit grade` command per submission, then the report.
    tasks = work / "tasks.sh"
    emitted = work / "emitted-out"
    made = run_cli("grade-class", str(export), str(emitted), "--assignment", str(toml),
                   "--seed", str(SEED), "--emit-tasks", str(tasks))
    assert made.returncode == 0, made.stderr
    lines = tasks.read_text().splitlines()
    this_gradekit = shlex.join([os.path.abspath(sys.executable), "-m", "gradekit", "grade"])
    assert len(lines) == 3 and all(line.startswith(this_gradekit + " ") for line in lines)
    assert not (emitted / "manifest.json").exists()
    for line in lines:  # as GNU parallel or an array job would run them: anywhere, bare PATH
        subprocess.run(["bash", "-c", line], cwd="/", timeout=120, check=False,
                       capture_output=True, env={**os.environ, "PATH": "/usr/bin:/bin"})
    for key in keys:
        assert verdicts(results(emitted, key)) == verdicts(results(out, key)), key
        assert (emitted / key / "feedback.txt").read_text() == \
            (out / key / "feedback.txt").read_text()
    report = run_cli("report", str(emitted), "--assignment", str(toml), "--roster", str(export))
    assert report.returncode == 0, report.stderr
    assert (emitted / "report.html").is_file()
    assert (emitted / "grades.csv").read_text() == grades
    assert (emitted / "similarity.csv").read_text() == (out / "similarity.csv").read_text()


# ---------------------------------------------------------------- interruptions
def slow_class(root: Path, count: int) -> Path:
    root.mkdir(parents=True)
    for index in range(count):
        copy_solution(root / f"s{index:02d}", HANG if index % 3 == 1 else "")
    return root


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def recorded(out: Path) -> int:
    try:
        return len(manifest(out)["submissions"])
    except (OSError, ValueError):
        return 0


@pytest.mark.confined
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_run_stopped_midway_resumes_and_grades_nothing_twice(work, toml, signum):
    classroom = slow_class(work / f"slow-{signum}", 8)
    out = work / f"slow-out-{signum}"
    command = [sys.executable, "-m", "gradekit", "grade-class", str(classroom), str(out),
               "--assignment", str(toml), "--jobs", "2", "--no-report"]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: recorded(out) >= 2)
        os.kill(process.pid, signum)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == (-signal.SIGKILL if signum == signal.SIGKILL else 143)
    if signum == signal.SIGTERM:
        assert "stopped:" in stderr and "run the same command again" in stderr
        assert not (out / ".work").exists()
    # The controllers went with it (SIGKILL: they are told by the kernel).
    wait_for(lambda: not slot_controllers(str(toml.resolve())), timeout=30)
    before = manifest(out)
    finished = set(before["submissions"])
    assert 2 <= len(finished) < 8
    for key in finished:  # what the manifest lists is there, whole and valid
        validate(results(out, key))
    assert all((out / key / "results.json").is_file() == (key in finished)
               for key in (p.name for p in classroom.iterdir()))

    again = run_cli("grade-class", str(classroom), str(out), "--assignment", str(toml),
                    "--jobs", "2", "--no-report")
    assert again.returncode == 0, again.stdout + again.stderr
    after = manifest(out)
    assert len(after["submissions"]) == 8
    assert all(entry["grades"] == 1 for entry in after["submissions"].values())
    assert after["runs"][-1]["to_grade"] == 8 - len(finished)
    for key in finished:  # the finished ones were not graded again
        assert after["submissions"][key]["graded_at"] == before["submissions"][key]["graded_at"]


@pytest.mark.confined
def test_a_controller_that_dies_or_overruns_costs_only_its_submission(work):
    toml = toy_assignment(work, 10.0)
    classroom = work / "dying-class"
    classroom.mkdir()
    copy_solution(classroom / "a_ref")
    copy_solution(classroom / "b_hang", HANG)
    copy_solution(classroom / "c_ref")
    out = work / "dying-out"
    assignment = load_assignment(toml)
    killed: list[int] = []

    def kill_the_one_grading_b() -> None:
        wait_for(lambda: recorded(out) >= 1 and slot_controllers(str(toml.resolve())))
        time.sleep(1.0)  # b_hang is being graded now (its grade takes 10 s)
        for pid in slot_controllers(str(toml.resolve())):
            killed.append(pid)
            os.kill(pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_the_one_grading_b, daemon=True)
    killer.start()
    summary = grade_class(classroom, out, assignment, Options(jobs=1, seed=SEED,
                                                              build_reports=False))
    killer.join()
    assert killed
    died = validate(results(out, "b_hang"))
    assert "the grading process died (signal 9)" in died["output"] and died["score"] == 0
    assert {t["number"] for t in died["tests"]} == set(expected(classroom / "a_ref", assignment))
    assert "not run" in (out / "b_hang" / "feedback.txt").read_text()
    for key in ("a_ref", "c_ref"):
        assert verdicts(results(out, key)) == expected(classroom / key, assignment), key
    assert summary.progress.done == 2 and summary.progress.failed == 1
    assert manifest(out)["submissions"]["b_hang"]["status"] == "error"

    # The whole-grade watchdog: a grade running past it loses its controller.
    out = work / "watchdog-out"
    summary = grade_class(classroom, out, assignment, Options(jobs=2, seed=SEED, watchdog=2.5,
                                                              build_reports=False))
    overran = validate(results(out, "b_hang"))
    assert "grading took longer than" in overran["output"] and overran["score"] == 0
    assert results(out, "a_ref")["score"] == results(out, "c_ref")["score"] == 13
    # An error is not graded again unless asked for.
    rerun = grade_class(classroom, out, assignment, Options(jobs=1, seed=SEED, watchdog=2.5,
                                                            build_reports=False))
    assert rerun.progress.total == 0
    retried = grade_class(classroom, out, assignment, Options(
        jobs=1, seed=SEED, watchdog=2.5, retry_errors=True, build_reports=False))
    assert retried.progress.total == 1 and retried.progress.failed == 1


# ---------------------------------------------------------------- beyond one machine
@pytest.mark.confined
def test_the_dask_executor_grades_the_same_on_a_local_cluster(graded_folder, work, toml):
    distributed = pytest.importorskip(
        "distributed", reason="the dask extra is not installed (pip install 'gradekit[dask]')")
    classroom, folder_out, _ = graded_folder
    subset = work / "dask-class"
    subset.mkdir()
    for name in ("ref", "zipped.zip", "garbage.zip", "stats.py"):
        source = classroom / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, subset / name)
    out = work / "dask-out"
    assignment = load_assignment(toml)
    from gradekit.classwork import dasktls

    credentials = dasktls.create(work / "dask-tls")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  protocol="tls://", host="127.0.0.1",
                                  security=dasktls.security(credentials),
                                  dashboard_address=None) as cluster:
        summary = grade_class(subset, out, assignment, Options(
            executor="dask", scheduler=cluster.scheduler_address, dask_tls=credentials,
            seed=SEED))
    assert summary.progress.done == 4 and summary.progress.failed == 0
    for key in ("ref", "zipped", "garbage", "stats"):
        document = validate(results(out, key))
        assert verdicts(document) == verdicts(results(folder_out, key)), key
        assert (out / key / "feedback.txt").read_text() == \
            (folder_out / key / "feedback.txt").read_text()
    assert (out / "zipped" / "submission" / "toy" / "ops.py").read_text() == \
        (folder_out / "zipped" / "submission" / "toy" / "ops.py").read_text()
    assert (out / "report.html").is_file()
    assert all(e["grades"] == 1 for e in manifest(out)["submissions"].values())


# ---------------------------------------------------------------- the real assignment
@pytest.mark.confined
def test_a_small_class_of_the_real_assignment(tmp_path):
    from tests.assignments.assignment2.mutants import MUTANTS
    from tests.support.mutation import apply

    classroom = tmp_path / "class"
    classroom.mkdir()
    shutil.copytree(A2.solutions, classroom / "reference",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(A2.template, classroom / "skeleton",
                    ignore=shutil.ignore_patterns("__pycache__"))
    mutant = next(m for m in MUTANTS if m.name == "ddof=1 variance")
    apply(mutant, A2.solutions, classroom / "ddof1")
    corpus = A2.corpus / "a05-chinese-prints"
    shutil.copytree(corpus, classroom / "prints", ignore=shutil.ignore_patterns("entry.toml"))
    out = tmp_path / "out"
    done = run_cli("grade-class", str(classroom), str(out), "--assignment", "assignment2",
                   "--seed", str(SEED), "--jobs", "2", timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    for key in ("reference", "skeleton", "ddof1", "prints"):
        document = validate(results(out, key))
        # One `gradekit grade` each, in a process of its own (a grade in this process would
        # forget the reference modules other tests hold).
        alone = run_cli("grade", str(classroom / key), "--assignment", "assignment2",
                        "--seed", str(SEED), "--json")
        assert alone.returncode in (0, 1), alone.stderr
        # Scores and verdicts; the speed check's message quotes timings that vary.
        assert verdicts(document, outputs=False) == verdicts(json.loads(alone.stdout),
                                                           outputs=False), key
    # No notebook in these folders: the code checks that need none (360 points: the four
    # numpy notebooks' functions), and nothing else.
    assert results(out, "reference")["score"] == 360 and results(out, "skeleton")["score"] == 0
    lost = {t["number"] for t in results(out, "ddof1")["tests"] if t["score"] < t["max_score"]}
    assert mutant.fails <= lost
    assert "Assignment 2: Fully connected nets, batch normalization" in (out / "report.html").read_text()


# ---------------------------------------------------------------- pieces
def test_the_progress_bar_on_a_terminal():
    from gradekit.classwork.gradeclass import Progress
    from gradekit.cli.class_progress import ClassProgress

    stream = io.StringIO()
    show = ClassProgress(stream, live=True)
    progress = Progress(total=10, started=time.monotonic() - 4)
    show(progress)
    progress.done, progress.last = 3, {"key": "a", "status": "graded", "score": 1,
                                       "max_score": 2, "seconds": 1.0}
    progress.fresh = True
    show(progress)
    progress.failed, progress.last = 1, {"key": "b", "status": "error", "error": "it died",
                                         "seconds": 2.0}
    show(progress)
    progress.fresh = False
    show(progress)  # the redraw once a second repeats no line
    show.close()
    text = stream.getvalue()
    bar = text.rsplit("\r\033[K", 1)[1]
    assert bar.startswith("[#########...............] 3 done, 1 failed, 6 left, 1.00/s, ETA 0:06")
    assert text.count("[4/10] b: ERROR it died in 2.0 s\n") == 1  # failures stay on screen
    assert "a: 1/2" not in text  # successes only move the bar


def test_the_inbox_keys_and_digests(tmp_path):
    classroom = tmp_path / "class"
    classroom.mkdir()
    (classroom / "alice.zip").write_bytes(b"zip?")
    (classroom / "alice").mkdir()
    (classroom / "alice" / "a.py").write_text("x = 1\n")
    (classroom / "grades.csv.py").write_text("")  # would collide with an export
    (classroom / "bob.ipynb").write_text("{}")
    inbox = read_inbox(classroom)
    assert [s.key for s in inbox.submissions] == ["alice", "alice.zip", "bob"]
    assert any("grades.csv" in w and "taken" in w for w in inbox.warnings)
    digests = {s.key: s.digest for s in inbox.submissions}
    assert len(set(digests.values())) == 3
    assert {s.key: s.digest for s in read_inbox(classroom).submissions} == digests
    (classroom / "alice" / "a.py").write_text("x = 2\n")
    changed = {s.key: s.digest for s in read_inbox(classroom).submissions}
    assert {key for key in digests if changed[key] != digests[key]} == {"alice"}


def test_unpacking_takes_only_safe_regular_files(tmp_path):
    archive_path = tmp_path / "x.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.writestr("top/sub_1/ok/a.py", "a")
        archive.writestr("top/sub_1/../../escape.py", "no")
        link = zipfile.ZipInfo("top/sub_1/link")
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, "/etc/passwd")
        archive.writestr("top/sub_2/b.py", "b")
    with zipfile.ZipFile(archive_path) as archive:
        notes = unpack_tree(archive, "top/sub_1", tmp_path / "out")
    files = sorted(p.relative_to(tmp_path / "out").as_posix()
                   for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert files == ["ok/a.py"]
    assert any("unsafe path" in n for n in notes) and any("symbolic link" in n for n in notes)
    assert not (tmp_path / "escape.py").exists()
