"""What a grade leaves beside ``results.json`` for staff: the feedback text and the files.

One layout for every way a class is graded (``gradekit grade-class``, its cluster tasks,
or ``gradekit grade --results R --feedback F --keep-files D`` run by any scheduler):
``OUT/<key>/results.json``, ``OUT/<key>/feedback.txt`` (the table a student would see)
and ``OUT/<key>/submission/`` (the submitted files intake took, for the similarity).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from gradekit.config import Assignment
from gradekit.errors import UserError
from gradekit.grading.results import GradeResult
from gradekit.zips import write_atomically

RESULTS_NAME = "results.json"
FEEDBACK_NAME = "feedback.txt"
SUBMISSION_DIR = "submission"


def write_feedback(result: GradeResult, path: Path) -> None:
    """Write the result's table (and notes) to ``path``, atomically."""
    write_atomically(Path(path), result.table() + "\n")


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
