"""What a grade leaves beside ``results.json`` for staff: the feedback text and the files.

One layout for every way a class is graded (``gradekit grade-class``, its cluster tasks,
or ``gradekit grade --results R --feedback F --keep-files D`` run by any scheduler):
``OUT/<key>/results.json``, ``OUT/<key>/feedback.txt`` (the table a student would see)
and ``OUT/<key>/submission/`` (the submitted files intake took, for the similarity).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from gradekit.config import Assignment
from gradekit.errors import UserError
from gradekit.grading.results import GradeResult

RESULTS_NAME = "results.json"
FEEDBACK_NAME = "feedback.txt"
SUBMISSION_DIR = "submission"


def write_feedback(result: GradeResult, path: Path) -> None:
    """Write the result's table (and notes) to ``path``, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".feedback-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(result.table() + "\n")
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def keep_submitted(submission: Path, assignment: Assignment, destination: Path) -> list[str]:
    """Copy the files intake takes from ``submission`` into ``destination`` (emptied
    first); the expected paths found. A submission intake cannot read keeps nothing."""
    from gradekit.grading.intake import take_in

    if assignment.grading is None:
        return []
    destination = Path(destination)
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    try:
        intake = take_in(Path(submission), assignment.grading.submit, destination)
    except (UserError, OSError):
        return []
    return sorted(intake.found)
