"""The notebook part kind ``outputs``: the form of what a slow cell printed, read from its
stored output and never re-run (no sandbox is needed, none is started)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gradekit.config import NotebookGrading, NotebookPart, StoredOutput, load_assignment
from gradekit.errors import UserError
from gradekit.grading.notebook import findings as find
from gradekit.grading.notebook import score_notebook
from gradekit.grading.notebook.matching import match_cells
from gradekit.grading.notebook.reading import parse_notebook

CV = StoredOutput(cell="cv", pattern=r"k = (\d+), accuracy = ([-+.\deE]+)",
                  keys=("1", "3", "5"), count=2, low=0.0, high=1.0)


def cv_lines(table: dict[int, list[float]]) -> str:
    return "".join(f"k = {k}, accuracy = {a:f}\n" for k in table for a in table[k])


GOOD = {1: [0.25, 0.5], 3: [0.3, 0.4], 5: [0.35, 0.45]}


def notebook(cv_text: str | None, *, cv_id: str = "cv", count: int | None = 2) -> dict:
    """A notebook of a title, a setup cell and the cross-validation cell (stored output
    ``cv_text``; None: never run)."""
    cells = [
        {"cell_type": "markdown", "id": "title", "metadata": {}, "source": "# Title"},
        {"cell_type": "code", "id": "setup", "metadata": {}, "execution_count": 1,
         "outputs": [], "source": "import numpy as np"},
        {"cell_type": "markdown", "id": "cv-md", "metadata": {}, "source": "## Cross-validation"},
        {"cell_type": "code", "id": cv_id, "metadata": {},
         "execution_count": count if cv_text is not None else None,
         "outputs": [] if cv_text is None else
         [{"output_type": "stream", "name": "stdout", "text": cv_text}],
         "source": "k_to_accuracies = {}\nfor k in sorted(k_to_accuracies):\n    print(k)"},
    ]
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}


def outcome(submitted: dict, rules=(CV,)) -> find.Outcome:
    released = parse_notebook(json.dumps(notebook(None)).encode())
    mine = parse_notebook(json.dumps(submitted).encode())
    return find.stored_outputs(released, mine, match_cells(released.cells, mine.cells),
                               rules, 1 << 16)


def test_the_expected_form_earns_the_part():
    result = outcome(notebook(cv_lines(GOOD)))
    assert result.earned == 1 and not result.findings
    assert "has the expected form" in result.summary


@pytest.mark.parametrize("table,message", [
    ({1: [0.25, 0.5], 3: [0.3, 0.4], 5: [0.35]}, "printed 1 lines like 'k = 5, accuracy = 0.350000', not 2"),
    ({1: [0.25, 0.5], 3: [0.3, 0.4]}, "printed no line for 5"),
    ({1: [0.25, 0.5], 3: [0.3, 0.4], 5: [0.3, 0.4], 7: [0.1, 0.2]},
     "printed 'k = 7, accuracy = 0.100000', which is not expected"),
    ({1: [0.25, 0.5], 3: [0.3, 40.0], 5: [0.3, 0.4]},
     "printed 'k = 3, accuracy = 40.000000': the number should be between 0 and 1"),
])
def test_each_departure_is_named(table, message):
    result = outcome(notebook(cv_lines(table)))
    assert result.earned == 0
    (finding,) = result.findings
    assert message in finding.message and finding.cell == "cv" and not finding.staff_only
    assert "Cross-validation" in finding.message, "the message says which cell"


def test_a_cell_never_run_or_deleted_fails():
    assert "printed no line of the expected form" in outcome(notebook(None)).findings[0].message
    assert outcome(notebook("hello\n")).earned == 0
    gone = notebook(None)
    del gone["cells"][3]
    assert outcome(gone).findings[0].problem == "deleted"


def test_lines_of_other_forms_and_trailing_space_do_not_count():
    text = "Working...\n" + cv_lines(GOOD).replace("\n", "  \n") + "done: k = 1, accuracy = 7\n"
    assert outcome(notebook(text)).earned == 1


def test_rules_without_keys_count_all_matching_lines():
    best = StoredOutput(cell="cv", pattern=r"best: (\S+)", count=0, low=0, high=1)
    assert outcome(notebook("best: 0.5\n"), (best,)).earned == 1
    assert outcome(notebook("best: 0.5\nbest: 0.4\n"), (best,)).earned == 1
    exactly_one = StoredOutput(cell="cv", pattern=r"best: ([\d.]+)", count=1)
    result = outcome(notebook("best: 0.5\nbest: 0.4\n"), (exactly_one,))
    assert result.earned == 0 and "printed 2 lines like 'best: 0.5', not 1" in result.findings[0].message
    for bad in ("nan", "inf", "-1.5"):
        assert outcome(notebook(f"best: {bad}\n"), (best,)).earned == 0, bad


def test_the_part_earns_the_share_of_rules_met():
    other = StoredOutput(cell="setup", pattern="ready")
    assert outcome(notebook(cv_lines(GOOD)), (CV, other)).earned == 0.5


def test_score_notebook_reports_the_part_without_a_sandbox(tmp_path):
    released = tmp_path / "released.ipynb"
    released.write_text(json.dumps(notebook(None)))
    (tmp_path / "n.ipynb").write_text(json.dumps(notebook(cv_lines({1: [0.1]}))))
    config = NotebookGrading(file="n.ipynb", released=released, outputs=(CV,),
                             parts=(NotebookPart(kind="outputs", number="9.1", points=2),))
    report = score_notebook(config, tmp_path / "assignment.toml", tmp_path, None,
                            {"n.ipynb"}, ("n.ipynb",))
    (check,) = report.checks
    assert check.number == "9.1" and check.score == 0 and check.max_score == 2
    assert "printed no line for 3" in check.output
    assert check.name.startswith("Notebook: the stored results")


def test_a_rule_on_a_cell_missing_from_the_release_is_a_config_error(tmp_path):
    released = tmp_path / "released.ipynb"
    released.write_text(json.dumps(notebook(None)))
    config = NotebookGrading(file="n.ipynb", released=released,
                             outputs=(StoredOutput(cell="nope", pattern="x"),),
                             parts=(NotebookPart(kind="outputs", number="9.1", points=2),))
    with pytest.raises(UserError, match=r"\.outputs: released.ipynb has no code cell with id 'nope'"):
        score_notebook(config, tmp_path / "assignment.toml", tmp_path, None, set(), ("n.ipynb",))


@pytest.mark.parametrize("table,message", [
    ('outputs = [{cell = "c", pattern = "("}]', r"outputs\[0\]\.pattern: bad regular expression"),
    ('outputs = [{cell = "c", pattern = "x", keys = ["1"]}]', r"outputs\[0\]\.keys: the pattern has no group"),
    ('outputs = [{cell = "c", pattern = "(x)", low = 2, high = 1}]', r"outputs\[0\]\.high must be >= low"),
    ('outputs = [{cell = "c", pattern = "(x)", count = -1}]', r"outputs\[0\]\.count must be >= 0"),
    ('outputs = []', r"a part of kind 'outputs' needs rules"),
])
def test_config_errors_name_the_key(tmp_path, table, message):
    text = ('[assignment]\nname = "x"\n[grading]\nsubmit = ["n.ipynb"]\npublic_checks = "p"\n'
            '[[grading.notebooks]]\nfile = "n.ipynb"\n' + table + "\n"
            'parts = [{kind = "outputs", number = "9", points = 1}]\n')
    (tmp_path / "assignment.toml").write_text(text)
    with pytest.raises(UserError, match=message):
        load_assignment(tmp_path / "assignment.toml")


def test_config_reads_the_rules(tmp_path):
    (tmp_path / "assignment.toml").write_text(
        '[assignment]\nname = "x"\n[grading]\nsubmit = ["n.ipynb"]\npublic_checks = "p"\n'
        '[[grading.notebooks]]\nfile = "n.ipynb"\n'
        "outputs = [{cell = \"cv\", pattern = 'k = (\\d+), accuracy = (\\S+)', keys = [\"1\"], "
        "count = 5, low = 0, high = 1}]\n"
        'parts = [{kind = "outputs", number = "9", points = 1}]\n')
    (rule,) = load_assignment(tmp_path / "assignment.toml").grading.notebooks[0].outputs
    assert rule == StoredOutput(cell="cv", pattern=r"k = (\d+), accuracy = (\S+)", keys=("1",),
                                count=5, low=0.0, high=1.0)
