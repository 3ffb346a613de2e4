"""The ``scoring`` fixture: a check learns which other checks this grade scores, so that a
bug both see is charged once, in its owner (the owner scores) or here (it does not).

The plugin runs on check files written to tmp_path, without a sandbox (these checks never
call student code).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gradekit.grading.fixtures import Scoring
from gradekit.grading.marks import MarkDefaults
from gradekit.grading.plugin import GradingPlugin

CHECKS = '''\
import os

import pytest

from gradekit.grading.checks import CheckFailed


@pytest.mark.grade(number="1.1", points=2)
def test_asks(scoring):
    """Reports what scoring says"""
    answers = {n: scoring.scores(n) for n in ("1.2", "2.1", "2.2", "9.9")}
    raise CheckFailed(repr(sorted(n for n, yes in answers.items() if yes)))


@pytest.mark.grade(number="1.2", points=3)
def test_owner_here():
    """An owner in the same notebook"""


@pytest.mark.grade(number="2.1", points=4, notebook="Later")
def test_owner_of_another_notebook():
    """An owner in a notebook the release may leave out"""
    open(os.environ.get("SCORING_TEST_RAN", os.devnull), "a").close()


@pytest.mark.grade(number="2.2", points=0)
def test_worth_nothing():
    """A self-check worth nothing"""
'''


LATER_ONLY = '''\
import os

import pytest

open(os.environ.get("SCORING_TEST_IMPORTED", os.devnull), "a").close()


@pytest.mark.grade(number="3.1", points=2, notebook="Later")
def test_later_only():
    """A file whose checks all belong to the notebook the release may leave out"""
'''


def _grade(tmp_path: Path, notebooks, select=None) -> GradingPlugin:
    folder = tmp_path / "checks"
    folder.mkdir(exist_ok=True)
    (folder / "test_checks.py").write_text(CHECKS)
    (folder / "test_later_only.py").write_text(LATER_ONLY)
    for name in [n for n, m in sys.modules.items()  # an earlier test's copies
                 if str(getattr(m, "__file__", "")).endswith(("test_checks.py",
                                                              "test_later_only.py"))]:
        del sys.modules[name]
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    plugin = GradingPlugin(sandbox=None, seed=1, present=set(), submit=(), public_dirs=[],
                           reference_root=None, select=select,
                           defaults=MarkDefaults(notebooks=notebooks))
    pytest.main([str(folder), "-c", str(tmp_path / "pytest.ini"), "--rootdir", str(folder),
                 "--import-mode=importlib", "-p", "no:cacheprovider", "-p",
                 "no:terminal"], plugins=[plugin])
    return plugin


def _answer(tmp_path: Path, notebooks, select=None) -> str:
    plugin = _grade(tmp_path, notebooks, select)
    return next(r for r in plugin.results if r.number == "1.1").output


def test_a_check_of_a_released_notebook_with_points_scores(tmp_path):
    assert _answer(tmp_path, None) == "['1.2', '2.1']"
    assert _answer(tmp_path, frozenset({"Main", "Later"})) == "['1.2', '2.1']"


def test_a_check_of_a_notebook_left_out_does_not_score(tmp_path):
    assert _answer(tmp_path, frozenset({"Main"})) == "['1.2']"


def test_a_check_of_a_notebook_left_out_is_neither_run_nor_listed(tmp_path, monkeypatch):
    """It scores nothing, so a grade spends nothing on it; the staff log names it."""
    monkeypatch.setenv("SCORING_TEST_RAN", str(tmp_path / "ran"))
    monkeypatch.setenv("SCORING_TEST_IMPORTED", str(tmp_path / "imported"))
    plugin = _grade(tmp_path, frozenset({"Main"}))
    assert {r.number for r in plugin.results} == {"1.1", "1.2", "2.2"}
    assert not (tmp_path / "ran").exists()
    assert not (tmp_path / "imported").exists(), "a file of such checks alone is not imported"
    assert any("2.1" in line and "3.1" in line and "Later" in line for line in plugin.staff_log)
    released = _grade(tmp_path, frozenset({"Main", "Later"}))
    assert {"2.1", "3.1"} <= {r.number for r in released.results}
    assert (tmp_path / "ran").exists() and (tmp_path / "imported").exists()


def test_a_file_that_fails_to_import_lists_only_the_checks_a_grade_runs(tmp_path):
    """Its checks score 0 with an internal error, but those of a notebook left out are
    only named in the staff log, as when the file imports."""
    folder = tmp_path / "checks"
    folder.mkdir()
    (folder / "test_broken.py").write_text(
        "import pytest\nraise RuntimeError('broken on import')\n\n\n"
        "@pytest.mark.grade(number='4.1', points=2, notebook='Main')\n"
        "def test_main():\n    pass\n\n\n"
        "@pytest.mark.grade(number='4.2', points=2, notebook='Later')\n"
        "def test_later():\n    pass\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    plugin = GradingPlugin(sandbox=None, seed=1, present=set(), submit=(), public_dirs=[],
                           reference_root=None,
                           defaults=MarkDefaults(notebooks=frozenset({"Main"})))
    pytest.main([str(folder), "-c", str(tmp_path / "pytest.ini"), "--rootdir", str(folder),
                 "--import-mode=importlib", "-p", "no:cacheprovider", "-p", "no:terminal",
                 "--continue-on-collection-errors"], plugins=[plugin])
    assert {r.number: r.score for r in plugin.results} == {"4.1": 0}
    assert any("4.2" in line and "Later" in line for line in plugin.staff_log)


def test_the_answer_is_the_whole_grades_when_only_a_part_runs(tmp_path):
    """`gradekit check --section` runs some checks: the others still count as scored."""
    assert _answer(tmp_path, None, select=lambda number: number == "1.1") == "['1.2', '2.1']"


def test_scoring_alone():
    scoring = Scoring({"3.1": 2.0, "3.2": 0.0})
    assert scoring.scores("3.1") and not scoring.scores("3.2")
    assert not scoring.scores("4.4") and "3.2" in scoring and "4.4" not in scoring
