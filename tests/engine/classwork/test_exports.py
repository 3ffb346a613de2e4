"""Gradebook CSVs, read back and checked value by value against the results."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import jsonschema
import pytest

from tests.support.paths import REPO
from tests.support.class_results import CHECKS, synthetic_class
from gradekit.classwork.classresults import named_bug, checks_of
from gradekit.classwork.canvas import CanvasGradebook, read_gradebook
from gradekit.classwork.exports import write_exports
from gradekit.errors import UserError
from gradekit.classwork.roster import Roster, Student

SCHEMA = json.loads((REPO / "tests" / "support" / "results_schema.json").read_text())


def _read(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _roster(results: dict) -> Roster:
    keys = sorted(results)
    students = [Student(key=key, id=f"s{i:03d}", name=f"Student {i:03d}",
                        email=f"s{i}@example.edu", sid=f"{9000 + i}", section="A" if i % 2 else "B")
                for i, key in enumerate(keys[:-1])]
    # the last submission is a pair; one student graded nothing
    students += [Student(key=keys[-1], id="p1", name="Pair One", sid="1"),
                 Student(key=keys[-1], id="p2", name="Pair Two", sid="2"),
                 Student(key="submission_gone", id="x9", name="Absent Student", sid="99")]
    return Roster(students=students, source="metadata.yml")


def test_results_are_valid_gradescope_documents():
    for result in synthetic_class(30).values():
        jsonschema.validate(result, SCHEMA)


def test_grades_csv(tmp_path):
    results = synthetic_class(30, seed=1)
    results["stray"] = results.pop("submission_1000")  # graded, not on the roster
    roster = _roster({k: v for k, v in results.items() if k != "stray"})
    write_exports(tmp_path, results, roster, "Batch Normalization")
    rows = _read(tmp_path / "grades.csv")
    assert len(rows) == len(roster.students) + 1
    by_id = {row["id"]: row for row in rows}
    header = list(rows[0])
    check_columns = header[header.index("max_score") + 1:]
    # check-number order: 2.10 after 2.3, 10 last
    assert [c.split()[0] for c in check_columns] == ["1.1", "2.1", "2.2", "2.3", "2.10",
                                                    "3.1", "10"]
    for student in roster.students:
        row = by_id[student.id]
        result = results.get(student.key)
        if result is None:
            assert (row["status"], row["score"]) == ("no results", "")
            continue
        assert float(row["score"]) == result["score"]
        assert row["email"] == student.email and row["submission"] == student.key
        tests = checks_of(result)
        for column in check_columns:
            assert float(row[column]) == tests[column.split()[0]]["score"]
    assert by_id["p1"]["score"] == by_id["p2"]["score"] != ""
    assert by_id["stray"]["name"] == "stray"
    names = [row["name"] for row in rows]
    assert names == sorted(names, key=str.casefold)
    assert float(rows[0]["max_score"]) == sum(points for _, _, points, *_ in CHECKS)


def test_canvas_csv(tmp_path):
    results = synthetic_class(12, seed=2)
    roster = _roster(results)
    write_exports(tmp_path, results, roster, "Batch Normalization")
    with (tmp_path / "canvas.csv").open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                        "Batch Normalization"]
    assert table[1][0].strip() == "Points Possible"
    assert float(table[1][5]) == sum(points for _, _, points, *_ in CHECKS)
    body = {row[2]: row for row in table[2:]}
    assert len(body) == len(roster.students)
    for student in roster.students:
        row = body[student.sid]
        assert (row[0], row[3], row[4]) == (student.name, student.email, student.section)
        result = results.get(student.key)
        if result is None:
            assert row[5] == ""
        else:
            assert float(row[5]) == result["score"]


def test_canvas_csv_without_canvas_ids_says_so(tmp_path):
    warnings: list[str] = []
    results = synthetic_class(3, seed=2)
    write_exports(tmp_path, results, _roster(results), "BN", warnings=warnings)
    assert len(warnings) == 1 and "no Canvas IDs" in warnings[0] and "--roster" in warnings[0]


def _gradebook(path: Path, students: list[Student], extra: list[str]) -> CanvasGradebook:
    """Canvas's export: its fixed columns, two assignments, the read-only rows, then one
    row per student given (Canvas IDs 501, 502, ...) and the ``extra`` names nobody graded."""
    rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
             "Assignment 1 (9001)", "Batch Normalization (9002)", "Current Score"],
            ["    Points Possible", "", "", "", "", "100", "100", "(read only)"]]
    for index, student in enumerate(students):
        login = student.email if index % 2 else ""  # half match by sid, half by login only
        sid = "" if index % 2 else student.sid
        rows.append([student.name, str(501 + index), sid, login, "A", "", "", ""])
    rows += [[name, str(800 + i), "", "", "B", "", "", ""] for i, name in enumerate(extra)]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return read_gradebook(path)


def test_canvas_csv_fills_the_existing_column_of_canvas_students(tmp_path):
    """With Canvas's gradebook export, canvas.csv lists Canvas's students with their Canvas
    IDs under the assignment's existing column, and names everyone left unmatched."""
    results = synthetic_class(8, seed=4)
    roster = _roster(results)
    on_canvas = [s for s in roster.students if s.name != "Pair Two"]
    gradebook = _gradebook(tmp_path / "export.csv", on_canvas, ["Late Joiner"])
    warnings: list[str] = []
    write_exports(tmp_path, results, roster, "batch normalization", gradebook, warnings)
    with (tmp_path / "canvas.csv").open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0][5] == "Batch Normalization (9002)"
    body = {row[1]: row for row in table[2:]}
    assert set(body) == {str(501 + i) for i in range(len(on_canvas))} | {"800"}
    for index, student in enumerate(on_canvas):
        result = results.get(student.key)
        score = body[str(501 + index)][5]
        assert score == ("" if result is None else f"{result['score']:g}"), student.name
    assert body["800"][5] == ""
    assert sorted(w.split(" ", 2)[1] for w in warnings) == ["Late", "Pair"], warnings
    warnings.clear()
    write_exports(tmp_path, results, roster, "Assignment 3", gradebook, warnings)
    assert any("no assignment column titled 'Assignment 3'" in w for w in warnings)


def test_a_csv_that_is_not_canvas_export_is_refused_naming_it(tmp_path):
    path = tmp_path / "grades.csv"
    path.write_text("name,score\nA,1\n")
    with pytest.raises(UserError, match=r"grades\.csv:1: not a Canvas gradebook export"):
        read_gradebook(path)


def test_checks_csv_names_bugs(tmp_path):
    results = synthetic_class(30, seed=3)
    roster = _roster(results)
    write_exports(tmp_path, results, roster, "BN")
    rows = _read(tmp_path / "checks.csv")
    people_per_key = {k: len(roster.of(k)) for k in results}
    assert len(rows) == sum(len(r["tests"]) * people_per_key[k] for k, r in results.items())
    named = 0
    for row in rows:
        test = checks_of(results[row["submission"]])[row["check"]]
        assert float(row["score"]) == test["score"]
        assert row["status"] == test["status"]
        assert row["bug"] == named_bug(test)
        if "This looks like: " in test["output"]:
            assert row["bug"] and row["bug"] in test["output"] and not row["bug"].endswith(".")
            named += 1
    assert named > 10


def test_named_bug_sources():
    failed = {"number": "2.1", "status": "failed",
              "output": "mean off. This looks like: eps added outside np.sqrt(var).\nmore"}
    assert named_bug(failed) == "eps added outside np.sqrt(var)"
    assert named_bug({**failed, "bug": "from the field"}) == "from the field"
    assert named_bug(failed, {"extra_data": {"bugs": {"2.1": "from extra"}}}) == "from extra"
    assert named_bug({**failed, "status": "passed"}) == ""
    assert named_bug({"number": "1", "status": "failed", "output": "wrong"}) == ""


def test_formula_cells_are_inert(tmp_path):
    results = synthetic_class(3, seed=4)
    key = sorted(results)[0]
    for result in results.values():
        result["tests"][0]["name"] = "=cmd|' /C calc'!A0"
    roster = Roster(students=[Student(key=key, id="@id", name="=HYPERLINK(\"http://x\")",
                                      email="+1@example.edu", section="-A")])
    write_exports(tmp_path, results, roster, "-title")
    grades = _read(tmp_path / "grades.csv")
    row = next(r for r in grades if r["submission"] == key)
    assert row["name"] == "'=HYPERLINK(\"http://x\")"
    assert (row["id"], row["email"], row["section"]) == ("'@id", "'+1@example.edu", "'-A")
    assert "1.1 =cmd|' /C calc'!A0" in row  # starts with a digit: left as it is
    with (tmp_path / "canvas.csv").open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0][5] == "'-title"
    for path in tmp_path.glob("*.csv"):
        for cells in csv.reader(path.open(encoding="utf-8", newline="")):
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells), path


def test_output_is_deterministic(tmp_path):
    results = synthetic_class(20, seed=5)
    roster = _roster(results)
    (tmp_path / "a").mkdir()
    write_exports(tmp_path / "a", results, roster, "BN")
    shuffled = list(results.items())
    random.Random(9).shuffle(shuffled)
    students = list(roster.students)
    random.Random(9).shuffle(students)
    (tmp_path / "b").mkdir()
    write_exports(tmp_path / "b", dict(shuffled), Roster(students=students, source="x"), "BN")
    for name in ("grades.csv", "canvas.csv", "checks.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
