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
import tempfile
from pathlib import Path

import pytest

from tests.support.paths import TOY


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes more than a few seconds (deselect with "
                                       "-m 'not slow')")
    config.addinivalue_line("markers", "confined: grades the repository's own hidden checks, "
                                       "which needs a worker confinement this machine has")
    _start_session_tmp(config)


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


SESSION_TMP_PREFIX = "gradekit-tests-"
"""The temporary folder of one test session: every temporary folder the tests, the grades
they run and the processes those start make (``$TMPDIR``) is inside it, and it goes at the
end of the session. It is in place from the start, before collection: importing check
helpers already writes (an unprivileged grader keeps derived files in its sandbox folder,
under the temporary folder). A controller a test kills on purpose (SIGKILL) cannot remove
its private folder; another test session running at the same time keeps its own."""

_SESSION_TMP = pytest.StashKey[tuple[Path, "str | None", "str | None"]]()


def _start_session_tmp(config: pytest.Config) -> None:
    session = Path(tempfile.mkdtemp(prefix=SESSION_TMP_PREFIX))
    session.chmod(0o711)  # sandbox accounts pass through to the folders grades give them
    config.stash[_SESSION_TMP] = (session, os.environ.get("TMPDIR"), tempfile.tempdir)
    os.environ["TMPDIR"], tempfile.tempdir = str(session), None


def pytest_unconfigure(config: pytest.Config) -> None:
    session, saved_env, saved_tempdir = config.stash[_SESSION_TMP]
    if saved_env is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = saved_env
    tempfile.tempdir = saved_tempdir
    shutil.rmtree(session, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def nothing_left_in_tmp(pytestconfig: pytest.Config) -> Path:
    """The session's temporary folder (see :data:`SESSION_TMP_PREFIX`)."""
    return pytestconfig.stash[_SESSION_TMP][0]
