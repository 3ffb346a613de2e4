"""Shared for every test: the ``slow`` and ``confined`` marks, and one line of why a test
is skipped when this machine cannot confine a grader's worker.

Paths are in :mod:`tests.support.paths`. The layout of ``tests/`` mirrors the project:
``engine/<flow>/`` tests the engine flow by flow on small fixtures of its own,
``assignments/<name>/`` tests one assignment of the course (its reference, its notebooks,
its checks against the mutants and the student-style corpus).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from tests.support.paths import TOY


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes more than a few seconds (deselect with "
                                       "-m 'not slow')")
    config.addinivalue_line("markers", "confined: grades the repository's own hidden checks, "
                                       "which needs a worker confinement this machine has")


def confinement_problem() -> str:
    """Why hidden grading of the repository's own checks cannot run here ('' when it can):
    the engine's own rule (:func:`gradekit.grading.grade.refuse_unconfined`), asked about
    the toy fixture, whose checks and reference sit in this checkout like every
    assignment's."""
    from gradekit.config import load_assignment
    from gradekit.errors import UserError
    from gradekit.grading.grade import refuse_unconfined

    try:
        refuse_unconfined(load_assignment(TOY / "assignment" / "assignment.toml").grading)
    except UserError as error:
        return f"needs a confined sandbox: {error}"
    return ""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    confined = [item for item in items if item.get_closest_marker("confined")]
    problem = confinement_problem() if confined else ""
    if problem:
        skip = pytest.mark.skip(reason=problem)
        for item in confined:
            item.add_marker(skip)


LEFT_BY_TESTS = ("gradekit-", "gk-iso-", "autograder-")
"""Prefixes of the temporary folders tests and the grades they run make. A controller a
test kills on purpose (SIGKILL) cannot remove its private folder, and some fixtures hand
the sandbox user folders outside tmp_path: what this session made is removed at its end."""


def _ours() -> set[Path]:
    root = Path(tempfile.gettempdir())
    return {path for path in root.iterdir() if path.name.startswith(LEFT_BY_TESTS)}


@pytest.fixture(scope="session", autouse=True)
def nothing_left_in_tmp():
    before = _ours()
    yield
    for path in sorted(_ours() - before):
        shutil.rmtree(path, ignore_errors=True)
