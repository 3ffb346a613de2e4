"""A class grade's outputs are the grader's alone: a sandbox account (any other user)
must not read a classmate's results, feedback or kept files."""

from __future__ import annotations

import os
import shutil
import stat

import pytest

from gradekit.classwork.gradeclass import Options, grade_class
from gradekit.classwork.tasks import emit_tasks
from gradekit.config import load_assignment
from tests.support.paths import TOY


def _open_to_others(root) -> list[str]:
    """Paths under ``root`` (itself too) that a group or other user could read or enter."""
    found = []
    for path in [root, *root.rglob("*")]:
        mode = os.lstat(path).st_mode
        if not stat.S_ISLNK(mode) and mode & 0o077:
            found.append(f"{path.relative_to(root.parent)} {stat.filemode(mode)}")
    return found


@pytest.mark.confined
def test_class_outputs_are_0700(tmp_path):
    old = os.umask(0o022)
    try:
        classroom = tmp_path / "class"
        for key in ("ada", "alan"):
            shutil.copytree(TOY / "solutions", classroom / key,
                            ignore=shutil.ignore_patterns("__pycache__"))
        for path in [classroom, *classroom.rglob("*")]:  # handed in world-readable
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        out = tmp_path / "out"
        out.mkdir(mode=0o755)
        assignment = load_assignment(TOY / "assignment" / "assignment.toml")
        summary = grade_class(classroom, out, assignment,
                              Options(jobs=1, seed=3, build_reports=False))
    finally:
        os.umask(old)
    assert summary.progress.failed == 0
    for key in ("ada", "alan"):
        assert (out / key / "results.json").is_file()
        assert (out / key / "feedback.txt").is_file()
        assert list((out / key / "submission").rglob("*.py"))
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert _open_to_others(out / "ada") == [] and _open_to_others(out / "alan") == []


def test_emitted_tasks_write_into_a_private_folder(tmp_path):
    classroom = tmp_path / "class"
    shutil.copytree(TOY / "solutions", classroom / "ada",
                    ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "out"
    assignment = load_assignment(TOY / "assignment" / "assignment.toml")
    old = os.umask(0o022)
    try:
        emit_tasks(classroom, out, assignment, tmp_path / "tasks.sh")
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
