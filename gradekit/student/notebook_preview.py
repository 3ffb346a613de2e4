"""What the grader's notebook parts would charge, said to the student before they hand in.

The release puts a pristine copy of each notebook in the student folder
(:data:`gradekit.config.RELEASED_NOTEBOOKS`) and the notebook parts that need no re-run
(:data:`gradekit.config.PREVIEWED_KINDS`) in the folder's config. This module
compares the student's notebook with that copy the way the grader does
(:mod:`gradekit.grading.notebook.findings`), standard library only, and turns every part
that would not earn its points into lines for ``gradekit collect``. The ``consistent`` part
re-runs cells with the student's code; it is the grader's alone.
"""

from __future__ import annotations

from pathlib import Path

from gradekit.config import NotebookGrading
from gradekit.grading.notebook import findings as find
from gradekit.grading.notebook.matching import match_cells
from gradekit.grading.notebook.reading import NotebookUnreadable, read_notebook_file

SHOWN = 4
"""Findings named per part; the rest are counted."""
_ANSWER_CHARS = 20_000
_STORED_CHARS = 256 << 10


def preview(config: NotebookGrading, notebook: Path) -> list[str]:
    """One line per part of ``config`` that ``notebook`` would lose points on, each with its
    findings; empty when every previewed part would be earned (or cannot be previewed)."""
    try:
        return _preview(config, notebook)
    except Exception:  # noqa: BLE001 - a preview must never cost the student the zip
        return []


def _preview(config: NotebookGrading, notebook: Path) -> list[str]:
    try:
        released = read_notebook_file(config.released, 256)
        submitted = read_notebook_file(notebook, config.max_mb)
    except (NotebookUnreadable, OSError):
        return []
    matching = match_cells(released.cells, submitted.cells)
    outcomes = find.judged_without_rerun(released, submitted, matching, config.answer_tag,
                                         config.placeholders, tuple(config.figures),
                                         _ANSWER_CHARS, config.outputs, _STORED_CHARS)[0]
    lines = []
    for part in config.parts:
        outcome = outcomes.get(part.kind)
        if outcome is None or outcome.earned >= 1 or not part.points:
            continue
        lines.append(f"{config.file}: part {part.number} ({part.kind}, {part.points:g} points) "
                     f"would lose points: {outcome.summary}")
        messages = [f.message for f in outcome.findings if not f.staff_only]
        lines += [f"    {message}" for message in messages[:SHOWN]]
        if len(messages) > SHOWN:
            lines.append(f"    ... and {len(messages) - SHOWN} more")
    return lines
