"""docs/ADDING_AN_ASSIGNMENT.md, proven: a second assignment joins the course by adding
folders only (tests/engine/fixtures/second_assignment: a package with two functions, one
notebook with an inline question, hidden and public checks), and every command works on
it: release, check, collect, grade and grade-class. Its grades hold its own checks only.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support.paths import ENGINE_FIXTURES, REPO

pytestmark = [pytest.mark.confined, pytest.mark.slow]

ADDED = ENGINE_FIXTURES / "second_assignment"
COURSE_FOLDERS = ("assignment", "solutions", "autograder", "student_template")
VECTORS_CHECKS = {"0.1", "1.1", "1.2", "9.1", "9.2"}


def gradekit(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gradekit", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """The repository's course with the fixture's folders added, and released."""
    root = tmp_path_factory.mktemp("course")
    ignore = shutil.ignore_patterns("__pycache__", "cifar-10-batches-py")
    for name in COURSE_FOLDERS:
        shutil.copytree(REPO / name, root / name, ignore=ignore)
    for added in ADDED.iterdir():
        shutil.copytree(added, root / added.name, dirs_exist_ok=True, ignore=ignore)
    done = gradekit("release", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


@pytest.fixture(scope="module")
def solved(course, tmp_path_factory) -> Path:
    """The Jupyter student zip unzipped, the reference's code put in, the notebook run."""
    nbclient = pytest.importorskip("nbclient", reason="running the notebook needs nbclient")
    import nbformat

    target = tmp_path_factory.mktemp("student")
    with zipfile.ZipFile(course / "dist" / "vectors" / "vectors-jupyter.zip") as archive:
        archive.extractall(target)
    folder = target / "vectors"
    shutil.copy(course / "solutions" / "vectors" / "vecmath" / "ops.py", folder / "vecmath")
    notebook = nbformat.read(folder / "Vectors.ipynb", as_version=4)
    answer = next(cell for cell in notebook.cells if cell.get("id") == "answer")
    answer.source = "**Your Answer:** It has no direction, and its length is zero."
    nbclient.NotebookClient(notebook, timeout=60,
                            resources={"metadata": {"path": str(folder)}}).execute()
    nbformat.write(notebook, folder / "Vectors.ipynb")
    return folder


def test_release_builds_both_assignments_from_folders_alone(course):
    assert {p.name for p in (course / "dist").iterdir()} == {
        "assignment1", "assignment2", "assignment3", "vectors"}
    built = {p.name for p in (course / "dist" / "vectors").iterdir()}
    assert {"vectors-jupyter.zip", "vectors-solutions.zip", "autograder.zip"} <= built
    stripped = (course / "student_template" / "vectors" / "vecmath" / "ops.py").read_text()
    assert "np.sqrt" not in stripped and "pass" in stripped
    with zipfile.ZipFile(course / "dist" / "vectors" / "autograder.zip") as archive:
        names = set(archive.namelist())
        script = archive.read("run_autograder").decode()
    assert "CONFIG=assignment/vectors/assignment.toml" in script
    assert not any(name.startswith(("autograder/assignment", "solutions/assignment"))
                   for name in names), "another assignment's checks went into the zip"


def test_commands_never_guess_between_assignments(course):
    done = gradekit("grade", str(course / "solutions" / "vectors"), cwd=course)
    assert done.returncode != 0
    assert "4 assignments (assignment1, assignment2, assignment3, vectors)" in done.stderr
    assert "Traceback" not in done.stderr
    done = gradekit("grade", ".", "--assignment", "nosuch", cwd=course)
    assert "nosuch: no such assignment" in done.stderr and "vectors" in done.stderr


def test_check_and_collect_in_the_student_folder(course, solved, tmp_path):
    skeleton = tmp_path / "skeleton"
    shutil.copytree(course / "student_template" / "vectors", skeleton)
    assert gradekit("check", cwd=skeleton).returncode == 1
    done = gradekit("check", cwd=solved)
    assert done.returncode == 0, done.stdout + done.stderr
    done = gradekit("collect", cwd=solved)
    assert done.returncode == 0, done.stdout + done.stderr
    with zipfile.ZipFile(solved / "vectors_submission.zip") as archive:
        assert set(archive.namelist()) == {"Vectors.ipynb", "vecmath/ops.py"}


def test_grade_and_grade_class_hold_only_its_own_checks(course, solved, tmp_path):
    gradekit("collect", "--no-pdf", cwd=solved)
    hand_in = solved / "vectors_submission.zip"
    done = gradekit("grade", str(hand_in), "--assignment", "vectors", "--json", cwd=course)
    document = json.loads(done.stdout)
    assert {test["number"] for test in document["tests"]} == VECTORS_CHECKS
    assert document["score"] == sum(test["max_score"] for test in document["tests"]) == 7
    classroom = tmp_path / "class"
    classroom.mkdir()
    shutil.copy(hand_in, classroom / "ada.zip")
    shutil.copytree(course / "student_template" / "vectors", classroom / "bob")
    out = tmp_path / "out"
    done = gradekit("grade-class", str(classroom), str(out), "--assignment", "vectors",
                    "--jobs", "1", cwd=course)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    scores = {}
    for key in ("ada", "bob"):
        result = json.loads((out / key / "results.json").read_text())
        assert {test["number"] for test in result["tests"]} == VECTORS_CHECKS
        scores[key] = result["score"]
    assert scores == {"ada": 7, "bob": 0}
    assert "assignment2" not in (out / "grades.csv").read_text()
