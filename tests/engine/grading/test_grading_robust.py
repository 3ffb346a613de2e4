"""Grading survives what students put in strings and file names, and declares what checks
show and count: visibility defaults, checks kept for another assignment, output caps.

Runs on the toy assignment (tests/fixtures/toy_assignment).
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from gradekit.config import load_assignment
from gradekit.errors import UserError
from gradekit.grading.grade import grade_submission, known_checks
from gradekit.grading.marks import MarkDefaults, read_mark
from gradekit.grading.results import OUTPUT_CAP, CheckResult, GradeResult, write_results
from tests.support.paths import ENGINE_FIXTURES
from tests.support.results_validation import validate

TOY = ENGINE_FIXTURES / "toy_assignment"


def copy_toy(tmp_path: Path) -> Path:
    target = tmp_path / "toy"
    shutil.copytree(TOY, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def add_check(copy: Path, source: str, name: str = "test_extra.py") -> None:
    (copy / "autograder" / name).write_text("import pytest\n\n\n" + source)


def by_number(result):
    return {check.number: check for check in result.checks}


# ------------------------------------------------------------------ strings made safe
@pytest.mark.confined
def test_a_lone_surrogate_in_an_exception_message_still_writes_results(tmp_path):
    folder = tmp_path / "submission"
    shutil.copytree(TOY / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__"))
    ops = folder / "toy" / "ops.py"
    ops.write_text(ops.read_text() + (
        "\n\ndef scale(x, factor):\n"
        "    print('half a pair: \\ud83d')\n"
        "    raise ValueError('bad byte \\udcff and half a pair \\ud83d end')\n"))
    results = tmp_path / "out" / "results.json"
    result = grade_submission(folder, load_assignment(TOY / "assignment" / "assignment.toml"),
                              results_path=results, seed=3)
    document = validate(json.loads(results.read_text(encoding="utf-8")))
    scale = next(t for t in document["tests"] if t["number"] == "1.1")
    assert scale["score"] == 0 and result.error is None
    assert "bad byte \\xff and half a pair \ufffd end" in scale["output"]
    assert document["score"] == 10  # scale costs 1.1 and 0.1; the rest is graded as usual
    result.table().encode("utf-8")  # the terminal table is safe too


@pytest.mark.confined
def test_a_file_name_that_is_not_utf8_still_writes_results(tmp_path):
    folder = tmp_path / "submission"
    shutil.copytree(TOY / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__"))
    odd = Path(os.fsdecode(bytes(folder) + b"/caf\xe9")) / "toy"
    odd.mkdir(parents=True)
    (odd / "stats.py").write_text("raise SystemExit('not this one')\n")
    results = tmp_path / "results.json"
    grade_submission(folder, load_assignment(TOY / "assignment" / "assignment.toml"),
                     results_path=results, seed=3)
    document = validate(json.loads(results.read_text(encoding="utf-8")))
    assert document["score"] == 13
    assert "ignored caf\\xe9/toy/stats.py" in document["output"]


@pytest.mark.confined
def test_a_zip_with_false_utf8_names_is_read(tmp_path):
    archive = tmp_path / "sub.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in sorted((TOY / "solutions").rglob("*.py")):
            handle.write(path, "hw/" + path.relative_to(TOY / "solutions").as_posix())
        handle.writestr("hw/r\u00e9sum\u00e9.txt", "x")  # flagged as UTF-8 by zipfile
    # the same length, so that every offset in the archive stays right
    data = archive.read_bytes().replace("r\u00e9sum\u00e9".encode(), b"r\xe9\xe9sum\xe9\xe9")
    archive.write_bytes(data)
    with pytest.raises(UnicodeDecodeError):
        zipfile.ZipFile(archive)
    results = tmp_path / "results.json"
    result = grade_submission(archive, load_assignment(TOY / "assignment" / "assignment.toml"),
                              results_path=results, seed=3)
    assert result.score == 13, result.table()
    validate(json.loads(results.read_text(encoding="utf-8")))


def test_outputs_and_the_whole_document_are_capped_with_a_note(tmp_path):
    long = "x" * (3 * OUTPUT_CAP)
    result = GradeResult(checks=[CheckResult(str(i), "check", 1, 0, False, long)
                                 for i in range(300)], staff_log=["log " * 10**5])
    path = tmp_path / "results.json"
    write_results(result, path)
    size = path.stat().st_size
    document = validate(json.loads(path.read_text(encoding="utf-8")))
    assert size <= 1 << 20
    assert "output of each test was cut" in document["output"]
    assert all("output cut here" in t["output"] for t in document["tests"])
    one = GradeResult(checks=[CheckResult("1", "check", 1, 0, False, long)]).to_json()
    assert len(one["tests"][0]["output"].encode()) <= OUTPUT_CAP
    kept = one["tests"][0]["output"].split("\n")[0]
    assert one["tests"][0]["output"].endswith(f": {3 * OUTPUT_CAP - len(kept)} more bytes)")
    assert "cut" not in one["output"]


def test_non_finite_and_odd_values_in_extra_data_are_written():
    result = GradeResult(checks=[], extra={"ratio": float("nan"), "where": Path("/tmp"),
                                           "names": {"a\udcff": ("b", 1)}})
    data = result.to_json()["extra_data"]
    json.dumps(data, allow_nan=False).encode("utf-8")
    assert data["ratio"] is None and data["names"] == {"a\\xff": ["b", 1]}


# ------------------------------------------------------------------ visibility and scope
def test_marks_take_visibility_from_the_defaults():
    defaults = MarkDefaults(hidden="after_due_date", public="visible")
    hidden = read_mark({"number": "1", "points": 2}, "Doc", "f", False, defaults)
    public = read_mark({"number": "2", "points": 2}, "Doc", "f", True, defaults)
    declared = read_mark({"number": "3", "points": 2, "visibility": "hidden"}, "Doc", "f",
                         False, defaults)
    assert (hidden.visibility, public.visibility, declared.visibility) == (
        "after_due_date", "visible", "hidden")
    assert read_mark({"number": "1", "points": 2}, "Doc", "f", False).visibility == \
        "after_published"


def test_assignment_visibility_table_is_read_and_checked(tmp_path):
    copy = copy_toy(tmp_path)
    toml = copy / "assignment" / "assignment.toml"
    text = toml.read_text()
    toml.write_text(text.replace("[grading]\n", '[grading]\nvisibility = { default = "visible" }\n'))
    assert load_assignment(toml).grading.visibility == {"default": "visible",
                                                        "public": "visible"}
    toml.write_text(text.replace("[grading]\n", '[grading]\nvisibility = { default = "soon" }\n'))
    with pytest.raises(UserError, match="grading.visibility.default must be one of"):
        load_assignment(toml)


@pytest.mark.confined
def test_checks_of_a_notebook_not_released_are_not_run(tmp_path):
    copy = copy_toy(tmp_path)
    add_check(copy, (
        "@pytest.mark.grade(number='3.1', points=5, notebook='LaterToy', files=['toy/ops.py'])\n"
        "def test_later(student):\n    \"\"\"Later check.\"\"\"\n    assert False, 'not yet'\n\n\n"
        "@pytest.mark.grade(number='3.2', points=1, notebook='Toy')\n"
        "def test_own(student):\n    \"\"\"Own check, unmarked visibility.\"\"\"\n"))
    toml = copy / "assignment" / "assignment.toml"
    (copy / "assignment" / "Toy.ipynb").write_text("{}")
    toml.write_text(toml.read_text().replace(
        "[grading]\n", '[release]\nsolution_root = "solutions"\nstudent_files = ["toy/*.py"]\n'
        'notebooks = ["assignment/Toy.ipynb"]\n\n'
        '[grading]\nvisibility = { default = "after_due_date" }\n'))
    assignment = load_assignment(toml)
    result = grade_submission(TOY / "solutions", assignment, seed=1)
    checks = by_number(result)
    own = checks["3.2"]
    assert "3.1" not in checks  # it would score nothing: not worth its time
    assert any("3.1" in line and "LaterToy" in line for line in result.staff_log)
    assert (own.max_score, own.score, own.visibility) == (1, 1, "after_due_date")
    assert result.max_score == 14 and result.score == 14
    listed = {c.number: c for c in known_checks(assignment, public_only=False)}
    assert "3.1" not in listed
    assert listed["3.2"].visibility == "after_due_date"
