"""A Canvas gradebook export: who is in the course on Canvas, and the assignment's column.

Canvas's "Export Entire Gradebook" CSV starts ``Student, ID, SIS User ID, SIS Login ID,
Section`` (some courses add ``Integration ID`` or ``Root Account``), then one column per
assignment titled ``<title> (<assignment id>)``, then totals. A second row (and sometimes a
third) starting ``Points Possible`` or holding read-only markers is not a student.

Importing a CSV into Canvas fills an existing assignment only when the column keeps its
``(<assignment id>)`` suffix and each row its Canvas ``ID``; this module finds both, and
matches each Canvas student to a graded student by SIS User ID (the sid), then SIS Login
ID (email or the submission's name), then full name when only one student has it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from gradekit.classwork.roster import Student
from gradekit.errors import UserError

FIXED_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MAX_BYTES = 64 * 1024 * 1024
_ASSIGNMENT_ID = re.compile(r"^(?P<title>.*\S)\s*\((?P<id>\d+)\)$")


@dataclass(frozen=True)
class CanvasStudent:
    """One student row of the gradebook."""

    name: str
    canvas_id: str
    sis_user_id: str
    sis_login_id: str
    section: str


@dataclass
class CanvasGradebook:
    """The students of a Canvas export and its assignment columns (title -> header)."""

    path: Path
    students: list[CanvasStudent] = field(default_factory=list)
    assignments: dict[str, str] = field(default_factory=dict)

    def column_for(self, title: str) -> str | None:
        """The header of the assignment column titled ``title`` (any case), or None."""
        wanted = title.strip().casefold()
        found = [header for name, header in self.assignments.items()
                 if name.casefold() == wanted]
        return found[0] if len(found) == 1 else None


def is_canvas_gradebook(path: Path) -> bool:
    """Whether ``path`` is a CSV file (the form of Canvas's export)."""
    return path.suffix.lower() == ".csv" and path.is_file()


def read_gradebook(path: Path) -> CanvasGradebook:
    """Read a Canvas gradebook export; :class:`UserError` naming the file when it is not one."""
    if path.stat().st_size > MAX_BYTES:
        raise UserError(f"{path}: larger than {MAX_BYTES // 2**20} MB; not a gradebook export")
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(cell.strip() for cell in rows[0][:2]) != FIXED_COLUMNS[:2]:
        raise UserError(f"{path}:1: not a Canvas gradebook export (its first columns must be "
                        "Student, ID); export it from Canvas's Grades page")
    header = [cell.strip() for cell in rows[0]]
    index = {name: header.index(name) for name in FIXED_COLUMNS if name in header}
    gradebook = CanvasGradebook(path)
    for column in header:
        match = _ASSIGNMENT_ID.match(column)
        if match:
            gradebook.assignments.setdefault(match["title"], column)
    for row in rows[1:]:
        cells = {name: row[i].strip() if i < len(row) else "" for name, i in index.items()}
        if not cells.get("ID", "").isdigit():  # Points Possible and read-only rows
            continue
        gradebook.students.append(CanvasStudent(
            cells.get("Student", ""), cells["ID"], cells.get("SIS User ID", ""),
            cells.get("SIS Login ID", ""), cells.get("Section", "")))
    return gradebook


def match_students(gradebook: CanvasGradebook,
                   students: list[Student]) -> tuple[dict[str, Student], list[str]]:
    """Canvas ID -> graded student, and a warning for each student of either side left
    unmatched (a Canvas student with no hand-in is named too: their cell stays empty)."""
    by_sid = {s.sid.casefold(): s for s in students if s.sid}
    by_login = {**{s.key.casefold(): s for s in students},
                **{s.email.casefold(): s for s in students if s.email}}
    names: dict[str, list[Student]] = {}
    for student in students:
        names.setdefault(student.name.casefold(), []).append(student)
    matched: dict[str, Student] = {}
    for canvas in gradebook.students:
        student = (by_sid.get(canvas.sis_user_id.casefold()) if canvas.sis_user_id else None) \
            or (by_login.get(canvas.sis_login_id.casefold()) if canvas.sis_login_id else None)
        if student is None and len(names.get(canvas.name.casefold(), [])) == 1:
            student = names[canvas.name.casefold()][0]
        if student is not None:
            matched[canvas.canvas_id] = student
    used = {id(student) for student in matched.values()}
    warnings = [f"canvas.csv: {c.name or c.canvas_id} (Canvas ID {c.canvas_id}) matches no "
                "graded student; their cell is left empty"
                for c in gradebook.students if c.canvas_id not in matched]
    warnings += [f"canvas.csv: {s.name} ({s.key}) is not in the Canvas gradebook "
                 f"{gradebook.path.name}; their score is not in canvas.csv"
                 for s in students if id(s) not in used]
    return matched, warnings

