"""The LSTM extra credit is optional: a hand-in without LSTM_Captioning.ipynb is told so
in one calm line at intake, and the notebook's parts (13.x) score 0 with that line, not
with "Missing" or "not in your submission"."""

from __future__ import annotations

import shutil

from gradekit.config import load_assignment
from gradekit.grading.intake import take_in
from gradekit.grading.notebook import score_notebook
from tests.support.paths import course

A3 = course("assignment3")
ASSIGNMENT = load_assignment(A3.toml)
GRADING = ASSIGNMENT.grading
LSTM = "LSTM_Captioning.ipynb"
CALM = f"{LSTM}: not handed in (optional)"


def test_only_the_lstm_notebook_is_optional():
    assert GRADING.optional == (LSTM,)
    assert LSTM in GRADING.submit
    # The code files the LSTM checks grade are the vanilla RNN's too: required.
    assert all(not name.endswith(".py") for name in GRADING.optional)


def test_a_hand_in_without_the_lstm_notebook_is_not_missing_anything(tmp_path):
    folder = tmp_path / "hand-in"
    shutil.copytree(A3.template, folder, ignore=shutil.ignore_patterns(LSTM))
    intake = take_in(folder, GRADING.submit, tmp_path / "taken", optional=GRADING.optional)
    assert intake.missing == [] and intake.not_handed_in == [LSTM]
    assert CALM in intake.summary().splitlines()
    assert "Missing" not in intake.summary()


def test_the_lstm_notebook_parts_score_zero_calmly_when_it_is_left_out(tmp_path):
    notebook = next(n for n in GRADING.notebooks if n.file == LSTM)
    present = set(GRADING.submit) - {LSTM}
    report = score_notebook(notebook, A3.toml, tmp_path, None, present, GRADING.submit,
                            optional=GRADING.optional)
    assert [check.number for check in report.checks] == [p.number for p in notebook.parts]
    for check in report.checks:
        assert check.score == 0 and check.output == CALM
    assert report.output == ""
    # The other notebooks' parts do not need the LSTM notebook.
    assert all(LSTM not in part.files for n in GRADING.notebooks for part in n.parts)
