"""Gradebook CSVs, read back and checked value by value against the results."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import jsonschema

from tests.support.paths import REPO
from tests.support.class_results import CHECKS, synthetic_class
from gradekit.classwork.classresults import named_bug, checks_of
from gradekit.classwork.exports import write_exports
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
