"""Gradebook CSVs from a class's results: ``grades.csv``, ``canvas.csv``, ``checks.csv``.

- ``grades.csv``: one row per student (a group's members share their submission's
  score), then one column per check in check-number order.
- ``canvas.csv``: Canvas's gradebook import layout: ``Student, ID, SIS User ID,
  SIS Login ID, Section, <assignment title>``, the ``Points Possible`` row second.
  Canvas's own user ``ID`` is not known here and is left empty; Canvas matches rows by
  ``SIS User ID`` (the student's sid) or ``SIS Login ID`` (their email). A title
  without Canvas's ``(assignment id)`` suffix makes a new assignment column on import.
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
from gradekit.classwork.roster import Roster, Student

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
GRADES_CSV, CANVAS_CSV, CHECKS_CSV = "grades.csv", "canvas.csv", "checks.csv"


def write_exports(out_dir: Path, results: dict[str, dict[str, Any]], roster: Roster,
                  assignment_title: str) -> list[Path]:
    """Write the three CSVs into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    roster = roster.with_keys(list(results))
    catalog = check_catalog(results)
    tables = {
        GRADES_CSV: grades_table(results, roster, catalog),
        CANVAS_CSV: canvas_table(results, roster, catalog, assignment_title),
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
                 catalog: list[CheckInfo], title: str) -> tuple[list[str], list[list[Any]]]:
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", title]
    rows: list[list[Any]] = [["    Points Possible", "", "", "", "",
                              fmt_score(sum(c.max_score for c in catalog))]]
    for student in ordered(roster):
        result = results.get(student.key)
        rows.append([student.name, "", student.sid, student.email, student.section,
                     fmt_score(total(result)) if result else ""])
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
