"""Shared for every test: the ``slow`` and ``confined`` marks, and one line of why a test
is skipped when this machine cannot confine a grader's worker.

Paths are in :mod:`tests.support.paths`. The layout of ``tests/`` mirrors the project:
``engine/<flow>/`` tests the engine flow by flow on small fixtures of its own,
``assignments/<name>/`` tests one assignment of the course (its reference, its notebooks,
its checks against the mutants and the student-style corpus).
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from tests.support.paths import REPO


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes more than a few seconds (deselect with "
                                       "-m 'not slow')")
    config.addinivalue_line("markers", "confined: grades the repository's own hidden checks, "
                                       "which needs a worker confinement this machine has")


def confinement_problem() -> str:
    """Why hidden grading of the repository's checks cannot run here ('' when it can).

    It runs under bubblewrap; without it, only a root grader whose checkout other users
    cannot read (the sandbox accounts must not reach the checks and the reference)."""
    from gradekit.sandbox.launch import bwrap_problem

    problem = bwrap_problem()
    if not problem:
        return ""
    if os.geteuid() == 0 and not _others_can_enter(REPO):
        return ""
    why = ("a non-root grader needs it" if os.geteuid() != 0 else
           "as root without it, the checkout must not be readable by other users")
    return (f"needs bubblewrap: {problem}; {why} (install it: "
            "bash scripts/install-system-packages.sh as root)")


def _others_can_enter(path) -> bool:
    return all(folder.stat().st_mode & stat.S_IXOTH for folder in [path, *path.parents])


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
