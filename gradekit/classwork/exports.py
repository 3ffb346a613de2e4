"""Gradebook CSVs from a class's results: ``grades.csv``, ``canvas.csv``, ``checks.csv``.

- ``grades.csv``: one row per student (a group's members share their submission's
  score), then one column per check in check-number order.
- ``canvas.csv``: Canvas's gradebook import layout: ``Student, ID, SIS User ID,
  SIS Login ID, Section, <assignment column>``, the ``Points Possible`` row second. Given
  Canvas's own gradebook export (:mod:`gradekit.classwork.canvas`), its rows are Canvas's
  students with their Canvas ``ID`` and the column is the existing assignment's (title and
  ``(assignment id)``), so an import fills it; every student matched on neither side is
  warned about. Without it, Canvas IDs are unknown (rows match by SIS ids only) and the
  title alone makes a new column on import: one warning says so.
- ``checks.csv``: one row per student and check: score, status and the bug it names.

Students are ordered by name, then id; a student with no results gets empty scores.
Every text cell that a spreadsheet would read as a formula (``= + - @``, tab, CR) is
prefixed with ``'``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Iterable

from gradekit.classwork.classresults import (
    CheckInfo, check_catalog, checks_of, fmt_score, grade_failed, named_bug, number_key, total,
)
from gradekit.classwork.canvas import CanvasGradebook, match_students
from gradekit.classwork.roster import Roster, Student

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
GRADES_CSV, CANVAS_CSV, CHECKS_CSV = "grades.csv", "canvas.csv", "checks.csv"


def write_exports(out_dir: Path, results: dict[str, dict[str, Any]], roster: Roster,
                  assignment_title: str, gradebook: CanvasGradebook | None = None,
                  warnings: list[str] | None = None) -> list[Path]:
    """Write the three CSVs into ``out_dir``; return their paths. What staff must know
    about ``canvas.csv`` (unmatched students, unknown Canvas IDs) goes to ``warnings``."""
    out_dir = Path(out_dir)
    roster = roster.with_keys(list(results))
    catalog = check_catalog(results)
    notes: list[str] = []
    canvas = canvas_table(results, roster, catalog, assignment_title, gradebook, notes)
    if warnings is not None:
        warnings += notes
    tables = {
        GRADES_CSV: grades_table(results, roster, catalog),
        CANVAS_CSV: canvas,
        CHECKS_CSV: checks_table(results, roster),
    }
    paths = []
    for name, (header, rows) in tables.items():
        write_csv(out_dir / name, header, rows)
        paths.append(out_dir / name)
    return paths


def ordered(roster: Roster) -> list[Student]:
    return sorted(roster.students, key=lambda s: (s.name.casefold(), s.id, s.key))


def status_of(result: dict[str, Any] | None) -> str:
    if result is None:
        return "no results"
    if grade_failed(result):
        return "error"
    return "graded"


def grades_table(results: dict[str, dict[str, Any]], roster: Roster,
                 catalog: list[CheckInfo]) -> tuple[list[str], list[list[Any]]]:
    header = ["id", "name", "email", "sid", "section", "submission", "status", "score",
              "max_score"] + [f"{c.number} {c.name}" for c in catalog]
    max_score = fmt_score(sum(c.max_score for c in catalog))
    rows = []
    for student in ordered(roster):
        result = results.get(student.key)
        tests = checks_of(result) if result else {}
        row = [student.id, student.name, student.email, student.sid, student.section,
               student.key, status_of(result),
               fmt_score(total(result)) if result else "", max_score]
        row += [fmt_score(tests[c.number].get("score", 0)) if c.number in tests else ""
                for c in catalog]
        rows.append(row)
    return header, rows


def canvas_table(results: dict[str, dict[str, Any]], roster: Roster,
                 catalog: list[CheckInfo], title: str, gradebook: CanvasGradebook | None = None,
                 warnings: list[str] | None = None) -> tuple[list[str], list[list[Any]]]:
    warnings = warnings if warnings is not None else []
    column = title
    if gradebook is not None:
        column = gradebook.column_for(title) or title
        if column == title:
            known = ", ".join(sorted(gradebook.assignments)) or "none"
            warnings.append(f"canvas.csv: {gradebook.path.name} has no assignment column "
                            f"titled {title!r} (it has: {known}); importing makes a new "
                            "column (pass --title with the Canvas assignment's title)")
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column]
    rows: list[list[Any]] = [["    Points Possible", "", "", "", "",
                              fmt_score(sum(c.max_score for c in catalog))]]
    if gradebook is None:
        warnings.append("canvas.csv: no Canvas IDs (give Canvas's gradebook export with "
                        "--roster): Canvas matches its rows by SIS User ID and SIS Login ID "
                        "only, and makes a new assignment column on import")
        for student in ordered(roster):
            result = results.get(student.key)
            rows.append([student.name, "", student.sid, student.email, student.section,
                         fmt_score(total(result)) if result else ""])
        return header, rows
    matched, notes = match_students(gradebook, roster.students)
    warnings += notes
    for canvas in gradebook.students:
        student = matched.get(canvas.canvas_id)
        result = results.get(student.key) if student is not None else None
        rows.append([canvas.name, canvas.canvas_id, canvas.sis_user_id, canvas.sis_login_id,
                     canvas.section, fmt_score(total(result)) if result else ""])
    return header, rows


def checks_table(results: dict[str, dict[str, Any]],
                 roster: Roster) -> tuple[list[str], list[list[Any]]]:
    header = ["student", "name", "submission", "check", "check_name", "score",
              "max_score", "status", "bug"]
    rows = []
    for student in ordered(roster):
        result = results.get(student.key)
        if result is None:
            continue
        for number, test in sorted(checks_of(result).items(), key=lambda kv: number_key(kv[0])):
            rows.append([student.id, student.name, student.key, number,
                         test.get("name", ""), fmt_score(test.get("score", 0)),
                         fmt_score(test.get("max_score", 0)), test.get("status", ""),
                         named_bug(test, result)])
    return header, rows


def safe_cell(value: Any) -> Any:
    """``value``, with text that a spreadsheet would run as a formula made inert."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(path: Path, header: list[str], rows: Iterable[list[Any]]) -> None:
    """UTF-8 CSV, CRLF line ends (RFC 4180), no byte-order mark (Canvas reads the header
    as it is)."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([safe_cell(cell) for cell in header])
        for row in rows:
            writer.writerow([safe_cell(cell) for cell in row])
