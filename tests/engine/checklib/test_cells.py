"""Student code in notebook cells: found by id, else by content; run in the worker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gradekit.checklib import CellQuery, CellRunner, CheckFailed, find_cell, pick_cell
from gradekit.grading.notebook.reading import parse_notebook
from gradekit.sandbox.controller import Sandbox, StudentException

QUERY = CellQuery(id="conv-fn", what="the function conv", defines=("conv",),
                  section="Part II")


def notebook(cells: list[tuple[str, str | None, str]]) -> bytes:
    """A format-4.5 notebook of ``(kind, id, source)``; a None id leaves the key out."""
    raw = []
    for kind, ident, source in cells:
        cell = {"cell_type": kind, "metadata": {}, "source": source}
        if ident is not None:
            cell["id"] = ident
        if kind == "code":
            cell.update(outputs=[], execution_count=None)
        raw.append(cell)
    minor = 5 if all(ident is not None for _, ident, _ in cells) else 4
    return json.dumps({"cells": raw, "metadata": {}, "nbformat": 4,
                       "nbformat_minor": minor}).encode()


def cells_of(data: bytes):
    return parse_notebook(data).cells


def test_by_id_when_the_cell_fits():
    cells = cells_of(notebook([("markdown", "h", "## Part II"),
                               ("code", "conv-fn", "def conv(x):\n    return x"),
                               ("code", "other", "def conv(x):\n    return -x")]))
    assert pick_cell(cells, QUERY).id == "conv-fn"


def test_by_content_without_ids_the_last_definition_wins():
    cells = cells_of(notebook([("markdown", None, "## Part I"),
                               ("code", None, "def conv(x):\n    return 0"),
                               ("markdown", None, "## Part II: barebones"),
                               ("code", None, "%time 1\ndef conv(x):\n    return x"),
                               ("code", None, "def conv(x):\n    return 2 * x")]))
    chosen = pick_cell(cells, QUERY)
    assert chosen.index == 4  # in Part II, last; Part I's cell is in another section


def test_an_id_cell_rewritten_from_scratch_is_still_taken():
    cells = cells_of(notebook([("markdown", "h", "## Part II"),
                               ("code", "conv-fn", "conv = lambda x: x")]))
    # `conv = lambda` binds conv: it fits; a cell that no longer defines it is kept by id
    assert pick_cell(cells, QUERY).id == "conv-fn"
    cells = cells_of(notebook([("markdown", "h", "## Part II"),
                               ("code", "conv-fn", "pass")]))
    assert pick_cell(cells, QUERY).id == "conv-fn"


def test_contains_is_whitespace_insensitive_and_missing_cells_fail_clearly(tmp_path):
    query = CellQuery(id="x", what="the Part IV model", contains=("train(model,  optimizer)",))
    path = tmp_path / "N.ipynb"
    path.write_bytes(notebook([("code", "a", "model = 1\ntrain(model, optimizer)")]))
    assert find_cell(path, query).id == "a"
    path.write_bytes(notebook([("code", "a", "model = 1")]))
    with pytest.raises(CheckFailed, match="no code cell for the Part IV model"):
        find_cell(path, query)
    path.write_bytes(b"{not json")
    with pytest.raises(CheckFailed, match="N.ipynb is not valid JSON"):
        find_cell(path, query)


def test_the_runner_keeps_one_namespace_and_reports_student_errors(tmp_path):
    path = tmp_path / "N.ipynb"
    path.write_bytes(notebook([("markdown", "h", "## Part II"),
                               ("code", "conv-fn", "%matplotlib inline\n"
                                                   "def conv(x):\n    return scale * x\n"
                                                   "print('defined')")]))
    cell = find_cell(path, QUERY)
    with Sandbox(tmp_path) as student:
        runner = CellRunner(student, setup="scale = 3")
        assert runner.run_cell(cell) == "defined\n"
        runner.run("out = conv(2.5)")
        assert runner.get("out") == 7.5
        assert runner.get("missing") is None
        runner.set("scale", 0)
        runner.run("out = conv(2.5)")
        assert runner.get("out") == 0
        with pytest.raises(StudentException, match="ZeroDivisionError"):
            runner.run("1 / scale")


@pytest.mark.confined
def test_a_cells_frames_show_in_the_students_traceback_with_their_line(tmp_path):
    """The innermost frame in the student's own code is named with its line, whether the
    cell itself raises or a function it defined raises when check code calls it later."""
    path = tmp_path / "N.ipynb"
    path.write_bytes(notebook([("markdown", "h", "## Part II"),
                               ("code", "conv-fn", "def conv(x):\n    y = 2 * x\n"
                                                   "    return y / 0\n")]))
    cell = find_cell(path, QUERY)
    broken = find_cell(path, CellQuery(id="conv-fn", what="the cell", defines=("conv",)))
    with Sandbox(tmp_path) as student:
        runner = CellRunner(student)
        runner.run_cell(cell, notebook="N.ipynb")
        with pytest.raises(StudentException) as raised:
            runner.run("conv(1.5)", "<check>")
        where = raised.value.traceback
        assert any("N.ipynb, " in line and "line 3, in conv" in line for line in where), where
        assert where[-1].strip() == "return y / 0", where
        with pytest.raises(StudentException) as raised:
            runner.run(broken.source + "conv(2)\n", "N.ipynb, again", student_file=True)
        assert any('"N.ipynb, again", line 3, in conv' in line
                   for line in raised.value.traceback), raised.value.traceback
        # Check-owned code keeps its frames out of the student's traceback.
        assert not any("<check>" in line for line in raised.value.traceback)
