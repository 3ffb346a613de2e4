"""The result model: results.json (schema-checked), the table and the exit code."""

from __future__ import annotations

import json
import os

import jsonschema
import pytest

from gradekit.grading.results import CheckResult, GradeResult, write_results
from tests.support.results_validation import validate


def sample() -> GradeResult:
    return GradeResult(checks=[
        CheckResult("1.10", "Tenth", 2, 2, True, "", "hidden"),
        CheckResult("1.9", "Ninth", 3, 1.5, False, "rows sum to one\nvalues differ", "visible"),
        CheckResult("1.2", "Second", 1, 0, False, "needs a.py, which is not in your submission",
                    "after_due_date"),
    ], seed=1234, output="Missing: a.py", execution_time=0.5)


def test_results_json_is_valid_and_complete():
    document = validate(sample().to_json())
    assert document["score"] == 3.5
    assert [t["number"] for t in document["tests"]] == ["1.2", "1.9", "1.10"]
    ninth = document["tests"][1]
    assert ninth == {"name": "Ninth", "number": "1.9", "score": 1.5, "max_score": 3,
                     "status": "failed", "output": "rows sum to one\nvalues differ",
                     "visibility": "visible"}
    assert document["extra_data"]["seed"] == 1234
    assert document["stdout_visibility"] == "hidden"


def test_schema_rejects_broken_documents():
    document = sample().to_json()
    for broken in ({**document, "score": "3"},
                   {**document, "tests": [{**document["tests"][0], "status": "ok"}]},
                   {k: v for k, v in document.items() if k != "tests"}):
        with pytest.raises(jsonschema.ValidationError):
            validate(broken)


def test_exit_codes():
    assert sample().exit_code() == 1
    passing = GradeResult(checks=[CheckResult("1", "One", 1, 1, True)])
    assert passing.exit_code() == 0 and passing.all_passed
    failed = GradeResult(checks=[CheckResult("1", "One", 1, 1, True)], error="boom")
    assert failed.exit_code() == 2 and failed.score == 0


def test_error_result_is_valid_and_says_why():
    result = GradeResult(checks=[CheckResult("1", "One", 2, output="not run")], seed=7,
                         error="the checks could not be run")
    document = validate(result.to_json())
    assert document["score"] == 0
    assert document["output"].startswith("The autograder could not grade this submission: "
                                         "the checks could not be run")


def test_table_lists_checks_totals_and_failure_messages():
    table = sample().table()
    lines = table.splitlines()
    assert lines[:2] == ["Missing: a.py", ""]  # what decides comes first
    assert lines[2].split() == ["1.2", "Second", "0/1", "FAILED"]
    assert lines[4].split() == ["1.10", "Tenth", "2/2", "ok"]
    assert lines[5].split() == ["total", "3.5/6"]
    assert "1.9 Ninth:\n    rows sum to one\n    values differ" in table
    assert table.count("Missing: a.py") == 1


def test_a_broken_module_leads_once_and_a_repeated_message_is_shown_once():
    error = ("cs231n.layers.{} raised SyntaxError: invalid syntax (layers.py, line 9)\n"
             '  File "cs231n/layers.py", line 9\n    def f(:')
    checks = [CheckResult(f"1.{i}", f"Check {i}", 1, output=error.format(f"f{i}"))
              for i in range(1, 37)]
    checks.append(CheckResult("2.1", "Other", 1, output="values differ"))
    result = GradeResult(checks=checks, output="Found 1 of 2 expected files.\nMissing: b.py")
    table = result.table()
    lines = table.splitlines()
    assert lines[:4] == ["Missing: b.py", "Found 1 of 2 expected files.",
                         "Your code does not import: SyntaxError: invalid syntax (layers.py, "
                         "line 9)", ""]
    assert table.count("invalid syntax") == 2  # the lead, and the first check's message
    assert "    ... and 35 more with the same message (1.2, 1.3," in table
    assert "2.1 Other:\n    values differ" in table
    document = validate(result.to_json())
    assert document["output"].startswith("Your code does not import: SyntaxError")


def test_write_is_atomic_and_replaces_a_planted_file(tmp_path):
    target = tmp_path / "results.json"
    target.write_text('{"score": 100}')
    write_results(sample(), target)
    assert json.loads(target.read_text())["score"] == 3.5
    assert os.listdir(tmp_path) == ["results.json"]
    assert oct(target.stat().st_mode & 0o777) == "0o644"


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "results.json"
    target.write_text("old")

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", explode)
    with pytest.raises(OSError):
        write_results(sample(), target)
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["results.json"]


def test_a_table_of_differences_goes_to_gradescope_as_markdown() -> None:
    """Feedback listing the largest differences becomes a Markdown table (Gradescope
    renders ``output_format: md``); its words stay; other feedback stays plain text."""
    import numpy as np

    from gradekit.checklib.differences import largest_differences

    listing = largest_differences(np.array([[1.0, 2.0], [3.0, 4.5]]), np.ones((2, 2)))
    text = f"dx is wrong: x_hat * gamma <b>\n{listing}\n  hint: look at dx_hat"
    test = CheckResult("2.1", "dx", 3, 0, False, text).to_json()
    assert test["output_format"] == "md"
    lines = test["output"].splitlines()
    assert lines[0] == r"dx is wrong: x\_hat \* gamma \<b\>  "
    table = lines[lines.index("| index | yours | expected |"):]
    assert table[2] == r"| \(1, 1\) | 4.5 | 1 |" and len(table) >= 5
    assert "```" in test["output"] and "    hint: look at dx_hat" not in test["output"]
    assert "  hint: look at dx_hat" in test["output"]
    plain = CheckResult("2.2", "dx", 3, 0, False, "x_hat is wrong").to_json()
    assert "output_format" not in plain and plain["output"] == "x_hat is wrong"


def test_staff_tools_read_markdown_feedback_as_the_plain_text_it_came_from() -> None:
    from gradekit.classwork.classresults import failure_kind, plain_output

    text = "dx_hat is wrong (check 2.1): [1, 2]\n  largest differences of 4 entries " \
           "(index: yours / expected):\n    (0, 1): 2 / 1\nThis looks like: eps ignored."
    test = CheckResult("2.1", "dx", 3, 0, False, text).to_json()
    assert test["output_format"] == "md"
    assert plain_output(test).splitlines()[0] == text.splitlines()[0]
    assert failure_kind(test) == "eps ignored"
