"""What a release says about packages and paths beyond the student's files: stand-ins on
the notebook check's path, the worker's packages in the student's config, and the solved
master notebooks the proof hands in as the reference's."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from gradekit.config import load_assignment
from gradekit.errors import UserError
from gradekit.release.builder import Release, notebook_check_env, student_config
from gradekit.release.proof import solved_notebooks
from tests.support.paths import ENGINE_FIXTURES

FIXTURE = ENGINE_FIXTURES / "release"


def fixture_copy(where: Path, replace: tuple[str, str] | None = None) -> Path:
    shutil.copytree(FIXTURE, where)
    config = where / "assignment" / "assignment.toml"
    if replace:
        text = config.read_text(encoding="utf-8")
        assert replace[0] in text
        config.write_text(text.replace(*replace), encoding="utf-8")
    return config


def test_python_path_goes_first_and_absolute(tmp_path, monkeypatch):
    config = fixture_copy(tmp_path / "a", ('timeout_per_cell = 60\n',
                                           'timeout_per_cell = 60\npython_path = ["stand"]\n'))
    (tmp_path / "a" / "stand").mkdir()
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    check = load_assignment(config).release.notebook_check
    env = notebook_check_env(check)
    assert env["VECOPS_MODE"] == "fixture"
    assert env["PYTHONPATH"].split(os.pathsep) == [str((tmp_path / "a" / "stand").resolve()),
                                                   "/elsewhere"]


def test_a_missing_python_path_folder_is_named(tmp_path):
    config = fixture_copy(tmp_path / "a", ('timeout_per_cell = 60\n',
                                           'timeout_per_cell = 60\npython_path = ["gone"]\n'))
    with pytest.raises(UserError, match="python_path: gone does not exist"):
        load_assignment(config, check_paths=True)


def test_the_student_config_carries_the_worker_packages(tmp_path):
    plain = load_assignment(fixture_copy(tmp_path / "a"))
    assert "[grading.sandbox]" not in student_config(plain)
    config = fixture_copy(tmp_path / "b", ('support_root = "skeleton"\n',
                                           'support_root = "skeleton"\nextras = ["x"]\n\n'
                                           '[grading.sandbox]\npackages = ["torch"]\n'))
    assignment = load_assignment(config)
    assert assignment.grading.extras == ("x",)
    text = student_config(assignment)
    assert '[grading.sandbox]\npackages = ["torch"]' in text



def test_the_student_config_carries_the_optional_files(tmp_path):
    """``gradekit collect`` in the student folder must know what may be left out."""
    plain = load_assignment(fixture_copy(tmp_path / "a"))
    assert "optional" not in student_config(plain)
    config = fixture_copy(tmp_path / "b", ('submit = ["Norms.ipynb", "vecops/norms.py"]\n',
                                           'submit = ["Norms.ipynb", "vecops/norms.py"]\n'
                                           'optional = ["Norms.ipynb"]\n'))
    text = student_config(load_assignment(config))
    assert 'optional = ["Norms.ipynb"]\n' in text
    student = tmp_path / "student" / "assignment.toml"
    student.parent.mkdir()
    student.write_text(text, encoding="utf-8")
    (tmp_path / "student" / "public_checks").mkdir()
    assert load_assignment(student).grading.optional == ("Norms.ipynb",)

def test_the_proof_hands_in_the_solved_master_notebooks(tmp_path):
    release = Release(load_assignment(fixture_copy(tmp_path / "a")))
    solved = solved_notebooks(release)
    assert list(solved) == ["Norms.ipynb"]  # in [grading] submit
    master = tmp_path / "a" / "assignment" / "Norms.ipynb"
    assert solved["Norms.ipynb"].data == master.read_bytes()
