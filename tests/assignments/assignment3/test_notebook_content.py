"""Static checks of assignment 3's notebook content, generic over the config's notebooks.

Every master notebook of ``[release] notebooks`` is held to contract 2 of
docs/ARCHITECTURE.md (ids, tags, no outputs, self-check cells naming sections of the
config), to its ``[[grading.notebooks]]`` table (re-run cells deterministic, figures
plotted) and to its zh-CN translation; COURSE_SPEC.md part A3.3 gives the settings and
printed labels of the cells checked by id (``SPEC`` below). One test runs the re-run
cells on the reference, in a subprocess, to confirm the expected values they hold;
executing whole notebooks is `gradekit release --check-notebooks`' job.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tokenize
from io import StringIO

import nbformat
import numpy as np
import pytest

from gradekit.config import load_assignment
from gradekit.markers import strip_magics
from gradekit.release.builder import student_readme
from tests.support.paths import REPO, course

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

A3 = course("assignment3")
ASSIGNMENT = load_assignment(A3.toml)
NOTEBOOKS = list(ASSIGNMENT.release.notebooks)
STEMS = [path.stem for path in NOTEBOOKS]
GRADING = {table.file: table for table in ASSIGNMENT.grading.notebooks}
ZH_CN = [v for v in ASSIGNMENT.release.variants if v.name == "zh-CN"][0]
A2_ZH_CN = REPO / "assignment" / "assignment2" / "i18n" / "zh-CN" / "BatchNormalization.toml"
COLAB = A3.folder / "colab_setup.py"

SPEC_TAGS = {"pdf-title", "pdf-ignore", "pdf-ignore-input", "pdf-inline"}
KNOWN_TAGS = SPEC_TAGS | {"solution", "solution-only"}
CJK = re.compile(r"[\u4e00-\u9fff]")

# COURSE_SPEC A3.3, per notebook and cell id: values assigned in the cell (name -> its
# values in source order), keyword arguments of calls (function -> one dict per call),
# printed labels, and whether the cell starts by seeding the random generators.
SPEC = {
    "RNN_Captioning": {
        "step-forward": {"values": {"N": [3], "D": [10], "H": [4]}, "prints": ["next_h error: "]},
        "step-backward": {"seed": True, "values": {"N": [4], "D": [5], "H": [6]},
                          "prints": ["dx error: ", "dprev_h error: ", "dWx error: ", "dWh error: ",
                                     "db error: "]},
        "rnn-forward": {"values": {"N": [2], "T": [3], "D": [4], "H": [5]}, "prints": ["h error: "]},
        "rnn-backward": {"seed": True, "values": {"N": [2], "D": [3], "T": [10], "H": [5]},
                         "prints": ["dx error: ", "dh0 error: ", "dWx error: ", "dWh error: ",
                                    "db error: "]},
        "embedding-forward": {"values": {"x": [[[0, 3, 1, 2], [2, 1, 0, 3]]], "V": [5], "D": [3]},
                              "prints": ["out error: "]},
        "embedding-backward": {"seed": True, "values": {"N": [50], "T": [3], "V": [5], "D": [6]},
                               "prints": ["dW error: "]},
        "temporal-affine": {"seed": True},
        "temporal-softmax": {"seed": True, "prints": ["dx error: "]},
        "captioning-loss": {
            "values": {"N": [10], "D": [20], "W": [30], "H": [40], "T": [13],
                       "word_to_idx": [{"<NULL>": 0, "cat": 2, "dog": 3}],
                       "expected_loss": [9.83235591003]},
            "calls": {"CaptioningRNN": [{"input_dim": "D", "wordvec_dim": "W", "hidden_dim": "H",
                                         "cell_type": "rnn", "dtype": "np.float64"}]},
            "prints": ["loss: ", "expected loss: ", "difference: "]},
        "captioning-gradcheck": {
            "seed": True,
            "values": {"batch_size": [2], "timesteps": [3], "input_dim": [4], "wordvec_dim": [5],
                       "hidden_dim": [6]},
            "calls": {"eval_numerical_gradient": [{"verbose": False, "h": 1e-6}]},
            "prints": ["%s relative error: %e"]},
        "overfit-train": {
            "seed": True,
            "calls": {"load_coco_data": [{"max_train": 50}],
                      "CaptioningRNN": [{"cell_type": "rnn", "hidden_dim": 512, "wordvec_dim": 256}],
                      "CaptioningSolver": [{"update_rule": "adam", "num_epochs": 50, "batch_size": 25,
                                            "optim_config": {"learning_rate": 5e-3},
                                            "lr_decay": 0.95, "print_every": 10}]},
            "prints": ["Final loss: "]},
    },
    # The extra credit (spec A3.3, "LSTM_Captioning.ipynb").
    "LSTM_Captioning": {
        "lstm-step-forward": {"values": {"N": [3], "D": [4], "H": [5]},
                              "prints": ["next_h error: ", "next_c error: "]},
        "lstm-step-backward": {"seed": True, "values": {"N": [4], "D": [5], "H": [6]},
                               "prints": ["dx error: ", "dh error: ", "dc error: ", "dWx error: ",
                                          "dWh error: ", "db error: "]},
        "lstm-forward": {"values": {"N": [2], "D": [5], "H": [4], "T": [3]}, "prints": ["h error: "]},
        "lstm-backward": {"seed": True, "values": {"N": [2], "D": [3], "T": [10], "H": [6]},
                          "prints": ["dx error: ", "dh0 error: ", "dWx error: ", "dWh error: ",
                                     "db error: "]},
        "lstm-captioning-loss": {
            "values": {"N": [10], "D": [20], "W": [30], "H": [40], "T": [13],
                       "word_to_idx": [{"<NULL>": 0, "cat": 2, "dog": 3}],
                       "expected_loss": [9.82445935443]},
            "calls": {"CaptioningRNN": [{"input_dim": "D", "wordvec_dim": "W", "hidden_dim": "H",
                                         "cell_type": "lstm", "dtype": "np.float64"}]},
            "prints": ["loss: ", "expected loss: ", "difference: "]},
        "overfit-train": {
            "seed": True,
            "calls": {"load_coco_data": [{"max_train": 50}],
                      "CaptioningRNN": [{"cell_type": "lstm", "hidden_dim": 512, "wordvec_dim": 256}],
                      "CaptioningSolver": [{"update_rule": "adam", "num_epochs": 50, "batch_size": 25,
                                            "optim_config": {"learning_rate": 5e-3},
                                            "lr_decay": 0.995, "print_every": 10}]},
            "prints": ["Final loss: "]},
    },
    "Transformer_Captioning": {
        "mha-test": {"seed": True, "eval": True,
                     "values": {"batch_size": [1], "sequence_length": [3], "embed_dim": [8]},
                     "calls": {"MultiHeadAttention": [{0: None, "num_heads": 2}]},
                     "prints": ["self_attn_output error: ", "masked_self_attn_output error: ",
                                "attn_output error: "]},
        "pe-test": {"seed": True, "eval": True,
                    "values": {"batch_size": [1], "sequence_length": [2], "embed_dim": [6]},
                    "prints": ["pe_output error: "]},
        "transformer-forward": {
            "seed": True, "eval": True,
            "values": {"N": [4], "D": [20], "W": [30], "T": [3],
                       "word_to_idx": [{"<NULL>": 0, "cat": 2, "dog": 3}]},
            "calls": {"CaptioningTransformer": [{"num_heads": 2, "num_layers": 2, "max_length": 30}]},
            "prints": ["scores error: "]},
        "overfit-train": {
            "seed": True,
            "calls": {"load_coco_data": [{"max_train": 50}],
                      "CaptioningTransformer": [{"wordvec_dim": 256, "num_heads": 2, "num_layers": 2,
                                                 "max_length": 30}],
                      "CaptioningSolverTransformer": [{"num_epochs": 100, "batch_size": 25,
                                                       "learning_rate": 0.001, "print_every": 10}]},
            "prints": ["Final loss: "]},
    },
}

# The bounds the markdown announces for each re-run cell's printed errors: every number
# printed on a line with this label must stay below the bound on the reference.
BOUNDS = {
    "RNN_Captioning": {"next_h error": 1e-8, "h error": 1e-6, "out error": 1e-7,
                       "dW error": 1e-10, "difference": 1e-10, "relative error": 1e-6,
                       "dx error": 1e-6, "dprev_h error": 1e-8, "dWx error": 1e-6,
                       "dWh error": 1e-6, "db error": 1e-6, "dh0 error": 1e-6,
                       "dw error": 1e-8},
    "LSTM_Captioning": {"next_h error": 1e-8, "next_c error": 1e-8, "h error": 1e-6,
                        "difference": 1e-10, "dx error": 1e-7, "dh error": 1e-7,
                        "dc error": 1e-7, "dWx error": 1e-7, "dWh error": 1e-5,
                        "db error": 1e-7, "dh0 error": 1e-7},
    "Transformer_Captioning": {"attn_output error": 1e-6, "pe_output error": 1e-6,
                               "scores error": 1e-6, "largest change": 1e-12},
}


# ----------------------------------------------------------------------------- helpers
def read(path):
    return nbformat.read(path, as_version=nbformat.NO_CONVERT)


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=STEMS)
def notebook(request):
    return request.param


@pytest.fixture(scope="module")
def nb(notebook):
    return read(notebook)


@pytest.fixture(scope="module")
def cells(nb):
    return {cell.get("id"): cell for cell in nb.cells}


@pytest.fixture(scope="module")
def grading(notebook):
    assert notebook.name in GRADING, f"no [[grading.notebooks]] table for {notebook.name}"
    return GRADING[notebook.name]


@pytest.fixture(scope="module")
def zh(notebook):
    with open(ZH_CN.translations / f"{notebook.stem}.toml", "rb") as f:
        return tomllib.load(f)


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def code_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def markdown_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "markdown"]


def parse(source: str) -> ast.Module:
    return ast.parse(strip_magics(source))


def comment_lines(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines() if line.strip().startswith("#")]


class Unknown(Exception):
    """An expression the small evaluator below does not handle."""


def evaluate(node: ast.AST, env: dict):
    """The value of a literal-like expression: constants, lists, tuples, dicts, unary
    minus, arithmetic, and names bound earlier in the cell."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -evaluate(node.operand, env)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Add)):
        left, right = evaluate(node.left, env), evaluate(node.right, env)
        return left * right if isinstance(node.op, ast.Mult) else left + right
    if isinstance(node, (ast.List, ast.Tuple)):
        values = [evaluate(e, env) for e in node.elts]
        return values if isinstance(node, ast.List) else tuple(values)
    if isinstance(node, ast.Dict):
        return {evaluate(k, env): evaluate(v, env) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.Name) and node.id in env:
        return env[node.id]
    if isinstance(node, ast.Call) and ast.unparse(node.func) in ("np.asarray", "np.array"):
        return evaluate(node.args[0], env)
    raise Unknown(ast.unparse(node))


def assignments(source: str) -> dict[str, list]:
    """Every literal-like value assigned to each name at the top of the cell, in order."""
    env: dict = {}
    values: dict[str, list] = {}
    for stmt in parse(source).body:
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
            continue
        target = stmt.targets[0]
        try:
            value = evaluate(stmt.value, env)
        except Unknown:
            continue
        if isinstance(target, ast.Name):
            pairs = [(target.id, value)]
        elif isinstance(target, ast.Tuple) and isinstance(value, (tuple, list)) \
                and len(value) == len(target.elts):
            pairs = [(e.id, v) for e, v in zip(target.elts, value) if isinstance(e, ast.Name)]
        else:
            continue
        for name, v in pairs:
            env[name] = v
            values.setdefault(name, []).append(v)
    return values


def calls(source: str, func: str) -> list[dict]:
    """Arguments of every call to ``func`` in the cell: keywords by name, positional ones
    by index; a literal-like value is evaluated, anything else kept as its source."""
    found = []
    for node in ast.walk(parse(source)):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == func:
            args = {i: _value(a) for i, a in enumerate(node.args)}
            args.update({k.arg: _value(k.value) for k in node.keywords})
            found.append(args)
    return found


def _value(node):
    try:
        return evaluate(node, {})
    except Unknown:
        return ast.unparse(node)


def inline_questions(nb) -> dict[int, int]:
    """Question number -> index of its cell."""
    found = {}
    for i, cell in enumerate(nb.cells):
        first = cell.source.splitlines()[0] if cell.source else ""
        match = re.fullmatch(r"#+\s*Inline Question (\d+)\s*", first)
        if cell.cell_type == "markdown" and match:
            found[int(match.group(1))] = i
    return found


def self_check_sections(nb) -> list[str]:
    found = []
    for cell in code_cells(nb):
        found += re.findall(r"-m gradekit check --section ([\w-]+)", cell.source)
    return found


def is_plot(cell) -> bool:
    return "plt.show()" in cell.source


# ----------------------------------------------------------------------------- structure
def test_config_lists_each_notebook_once_with_a_scoring_table():
    assert len(NOTEBOOKS) == len(set(NOTEBOOKS)) == 3
    assert [path.name for path in NOTEBOOKS] == [table.file for table in ASSIGNMENT.grading.notebooks]
    for path in NOTEBOOKS:
        assert path.name in ASSIGNMENT.grading.submit


def test_notebook_validates_as_nbformat_4_5(nb):
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) >= (4, 5)
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_every_cell_has_a_unique_short_id(nb):
    ids = [cell.get("id") for cell in nb.cells]
    assert all(ids), "a cell has no id"
    assert len(ids) == len(set(ids)), "duplicate cell ids"
    for cell_id in ids:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", cell_id), f"id {cell_id!r} is not short and stable"


def test_committed_notebook_has_no_outputs(nb):
    for cell in code_cells(nb):
        assert cell.outputs == [], f"cell {cell.id} has outputs"
        assert cell.execution_count is None, f"cell {cell.id} has an execution count"


def test_code_cells_parse_and_hold_no_student_code(nb):
    for cell in code_cells(nb):
        parse(cell.source)
        assert "START OF YOUR CODE" not in cell.source, f"cell {cell.id}: students write no notebook code"
        assert "TODO" not in cell.source, f"cell {cell.id} has a TODO"
        assert "solution" not in tags(cell), f"code cell {cell.id} tagged solution"


def test_no_trailing_comments_in_code_cells(nb):
    # Translations replace whole comment lines; a comment after code cannot be translated.
    for cell in code_cells(nb):
        source = strip_magics(cell.source)
        for tok in tokenize.generate_tokens(StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                line = source.splitlines()[tok.start[0] - 1]
                assert line.strip().startswith("#"), f"cell {cell.id}: trailing comment {line!r}"


def test_only_known_tags_are_used(nb):
    for cell in nb.cells:
        unknown = tags(cell) - KNOWN_TAGS
        assert not unknown, f"cell {cell.id}: unknown tags {unknown}"


def test_title_setup_and_data_cells(nb, cells):
    first = nb.cells[0]
    assert first.cell_type == "markdown" and "pdf-title" in tags(first)
    assert re.match(r"# Image Captioning with \w", first.source)
    assert [c.id for c in nb.cells if "pdf-title" in tags(c)] == [first.id]

    setup = cells["setup"]
    assert "pdf-ignore" in tags(setup) and "def rel_error(x, y):" in setup.source
    for magic in ("%load_ext autoreload", "%autoreload 2", "%matplotlib inline"):
        assert magic in setup.source.splitlines(), f"setup cell lacks {magic}"
    assert "from cs231n.image_utils import image_from_url" in setup.source

    load = cells["load-data"]
    assert "pdf-ignore" in tags(load)
    assert calls(load.source, "load_coco_data") == [{"pca_features": True}]
    assert nb.cells.index(setup) < nb.cells.index(load)


def test_no_cell_rebinds_the_data_dict(nb):
    # The training and sampling cells read data['word_to_idx'] and data['idx_to_word']:
    # a check cell that names its own tensor `data` would break them.
    for cell in code_cells(nb):
        if cell.id == "load-data":
            continue
        for node in ast.walk(parse(cell.source)):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                assert node.id != "data", f"cell {cell.id} assigns to data"


def test_plot_cells_are_the_figures_and_hide_their_input(nb, grading):
    figures = [c.id for c in code_cells(nb) if "pdf-ignore-input" in tags(c)]
    assert figures == list(grading.figures), "the figures part scores exactly the plot cells"
    for cell_id in figures:
        cell = [c for c in nb.cells if c.id == cell_id][0]
        assert is_plot(cell), f"figure cell {cell_id} does not plot"
        assert "loss_history" in cell.source, f"figure cell {cell_id}: the training loss"


def test_self_checks_name_the_config_sections_once_each():
    sections = [section.name for section in ASSIGNMENT.grading.sections]
    named = [name for path in NOTEBOOKS for name in self_check_sections(read(path))]
    assert sorted(named) == sorted(sections), \
        f"self-check cells name {named}, the config has {sorted(sections)}"
    assert len(named) == len(set(named))


def test_self_check_cells_follow_the_pattern(nb):
    for cell in code_cells(nb):
        if "gradekit check" in cell.source:
            assert cell.id.startswith("self-check-")
            lines = cell.source.splitlines()
            assert lines[0] == "# Before you go on: this part's public checks, run on your code."
            assert re.fullmatch(r'!"\{sys.executable\}" -m gradekit check --section [\w-]+', lines[1])


def test_each_inline_question_has_a_model_answer(nb):
    questions = inline_questions(nb)
    assert sorted(questions) == list(range(1, len(questions) + 1)) and questions
    for number, index in questions.items():
        question, answer = nb.cells[index], nb.cells[index + 1]
        assert tags(question) == {"pdf-inline"}, f"question {number}: tags {tags(question)}"
        assert answer.cell_type == "markdown" and tags(answer) == {"pdf-inline", "solution"}
        assert answer.source.startswith("**Model answer:**")
        assert len(answer.source) > 400, f"the model answer to question {number} is a sketch"
    tagged = [c for c in nb.cells if "pdf-inline" in tags(c)]
    assert len(tagged) == 2 * len(questions), "pdf-inline cells are questions and answers only"


# ----------------------------------------------------------------------------- spec settings
def spec_cells(stem):
    return sorted(SPEC[stem].items())


def test_spec_cells_exist_with_their_settings(notebook, cells):
    for cell_id, spec in spec_cells(notebook.stem):
        assert cell_id in cells, f"cell {cell_id} is missing"
        source = cells[cell_id].source
        statements = parse(source).body
        if spec.get("seed"):
            seeds = [ast.unparse(s) for s in statements[:2]]
            assert "np.random.seed(231)" in seeds or "torch.manual_seed(231)" in seeds, \
                f"{cell_id} starts with {seeds}"
        values = assignments(source)
        for name, expected in spec.get("values", {}).items():
            assert values.get(name) == expected, f"{cell_id}: {name} = {values.get(name)}"
        for func, expected_calls in spec.get("calls", {}).items():
            found = calls(source, func)
            assert len(found) == len(expected_calls), f"{cell_id}: {len(found)} calls of {func}"
            for got, expected in zip(found, expected_calls):
                for key, value in expected.items():
                    assert key in got and (value is None or got[key] == value), \
                        f"{cell_id}: {func}(... {key}={got.get(key)!r} ...)"
        for label in spec.get("prints", []):
            assert f"'{label}'" in source, f"{cell_id} does not print {label!r}"
        if spec.get("eval"):
            assert re.search(r"\w+\.eval\(\)", source), f"{cell_id} checks in evaluation mode"


def test_training_cells_seed_both_generators_for_the_transformer(cells, notebook):
    if notebook.stem != "Transformer_Captioning":
        pytest.skip("PyTorch notebook only")
    for cell_id in ("mha-test", "pe-test", "transformer-forward", "overfit-train"):
        assert "torch.manual_seed(231)" in cells[cell_id].source


def test_expected_loss_and_spec_arrays_are_written_out(cells, notebook):
    if notebook.stem == "RNN_Captioning":
        source = cells["step-forward"].source
        assert "-0.58172089" in source and "0.99854353" in source
        assert "expected_loss = 9.83235591003" in cells["captioning-loss"].source
    if notebook.stem == "LSTM_Captioning":
        assert "expected_loss = 9.82445935443" in cells["lstm-captioning-loss"].source
        assert "0.5" in cells["overfit-md"].source and "0.1" not in cells["overfit-md"].source


def test_text_warns_that_training_mode_numbers_do_not_reproduce(cells, notebook):
    if notebook.stem != "Transformer_Captioning":
        pytest.skip("PyTorch notebook only")
    text = cells["mha-md"].source
    assert "PyTorch 2.13" in text and "evaluation mode" in text and "`attn.eval()`" in text
    assert "0.03" in cells["overfit-md"].source and "0.1" not in cells["overfit-md"].source


# ----------------------------------------------------------------------------- scoring table
def test_rerun_cells_are_deterministic_and_need_no_data(nb, cells, grading):
    for rule in grading.rerun:
        assert rule.cell in cells, f"re-run cell {rule.cell} is not in the notebook"
        cell = cells[rule.cell]
        assert cell.cell_type == "code" and not is_plot(cell)
        source = cell.source
        for forbidden in ("load_coco_data", "small_data", ".train(", "time.", "image_from_url",
                          "show_image", "data["):
            assert forbidden not in source, f"re-run cell {rule.cell} uses {forbidden}"
        assert "seed(231)" in source or "linspace" in source, f"{rule.cell} is not seeded"
        assert "print(" in source
    assert list(grading.setup) == ["setup"] and "matplotlib" in grading.skip_imports
    order = [c.id for c in nb.cells]
    rerun = [rule.cell for rule in grading.rerun]
    assert rerun == sorted(rerun, key=order.index), "re-run cells in notebook order"


# Deterministic cells left out of the re-run: their gradient checks make thousands of calls
# into the student's code, each a round trip to the worker (the cells run in the
# controller); the code checks grade the same gradients (assignment.toml says which).
NOT_RERUN = {"temporal-softmax", "lstm-step-backward", "lstm-backward"}


def test_every_deterministic_check_cell_is_rerun(notebook, grading):
    # Every cell of SPEC that prints an error or a difference and needs no data, but the
    # costly gradient checks of NOT_RERUN.
    checked = {cell_id for cell_id, spec in spec_cells(notebook.stem) if cell_id != "overfit-train"}
    rerun = {rule.cell for rule in grading.rerun}
    assert checked - NOT_RERUN <= rerun
    assert not rerun & NOT_RERUN


def test_scoring_parts_are_numbered_by_notebook(notebook, grading):
    prefix = {"RNN_Captioning": "11.", "Transformer_Captioning": "12.",
              "LSTM_Captioning": "13."}[notebook.stem]
    kinds = [part.kind for part in grading.parts]
    assert sorted(kinds) == sorted(["complete", "answered", "untampered", "consistent", "figures"])
    assert all(part.number.startswith(prefix) for part in grading.parts)
    assert sum(part.points for part in grading.parts) == 10
    consistent = [part for part in grading.parts if part.kind == "consistent"][0]
    for name in consistent.files:
        assert name in ASSIGNMENT.grading.submit and name.endswith(".py")


def run_rerun_cells(notebook, grading) -> dict[str, str]:
    """The setup and deterministic cells (re-run ones and NOT_RERUN) of a notebook on the
    reference (solutions/assignment3), magics out, no matplotlib; cell id -> what it
    printed."""
    setup = [(cell_id, strip_magics(c.source)) for c in read(notebook).cells
             for cell_id in grading.setup if c.id == cell_id]
    wanted = {rule.cell for rule in grading.rerun} | NOT_RERUN
    rerun = [(c.id, strip_magics(c.source)) for c in read(notebook).cells if c.id in wanted]
    program = (
        "import contextlib, io, json, sys\n"
        "import matplotlib\n"
        "matplotlib.use('Agg')\n"
        "cells = json.loads(sys.stdin.read())\n"
        "namespace = {'__name__': '__main__'}\n"
        "printed = {}\n"
        "for cell_id, source in cells:\n"
        "    out = io.StringIO()\n"
        "    with contextlib.redirect_stdout(out):\n"
        "        exec(compile(source, cell_id, 'exec'), namespace)\n"
        "    printed[cell_id] = out.getvalue()\n"
        "print(json.dumps(printed))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(A3.solutions), "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-c", program], input=json.dumps(setup + rerun),
                          capture_output=True, text=True, env=env, cwd=A3.solutions, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_rerun_cells_meet_their_announced_bounds_on_the_reference(notebook, grading):
    if notebook.stem == "Transformer_Captioning":
        pytest.importorskip("torch")
    pytest.importorskip("matplotlib")
    printed = run_rerun_cells(notebook, grading)
    bounds = BOUNDS[notebook.stem]
    for cell_id, text in printed.items():
        lines = text.splitlines()
        assert lines or cell_id in grading.setup, f"{cell_id} printed nothing"
        for line in lines:
            label = [key for key in bounds if key in line]
            if not label:
                continue
            value = float(line.rsplit(" ", 1)[-1])
            limit = bounds[max(label, key=len)]
            assert abs(value) <= limit, f"{cell_id}: {line!r} above {limit}"
    if notebook.stem == "RNN_Captioning":
        loss = [line for line in printed["captioning-loss"].splitlines() if line.startswith("loss:")]
        assert abs(float(loss[0].split()[-1]) - 9.83235591003) < 1e-10
        sanity = [float(x) for x in printed["temporal-softmax"].splitlines()[:3]]
        assert 2.2 < sanity[0] < 2.4 and 22 < sanity[1] < 24 and 2.2 < sanity[2] < 2.4
    if notebook.stem == "LSTM_Captioning":
        loss = [line for line in printed["lstm-captioning-loss"].splitlines()
                if line.startswith("loss:")]
        assert abs(float(loss[0].split()[-1]) - 9.82445935443) < 1e-10


# ----------------------------------------------------------------------------- images offline
def test_show_image_draws_a_placeholder_without_the_network(cells):
    # The image cells pass image_from_url's result on: None (offline, a vanished image,
    # the stand-in's placeholder URLs) must become a picture, never reach imshow.
    tree = parse(cells["setup"].source)
    (function,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "show_image"]
    shown, fetched = [], []

    class FakePlot:
        def imshow(self, image):
            shown.append(image)

        def __getattr__(self, name):
            return lambda *args, **kwargs: None

    for url, result in (("standin://coco/train2014/000000000001.jpg", None),
                        ("http://farm1.staticflickr.com/gone.jpg", None),
                        ("http://farm1.staticflickr.com/there.jpg", np.zeros((5, 5, 3), np.uint8))):
        namespace = {"np": np, "plt": FakePlot(),
                     "image_from_url": lambda u, result=result: fetched.append(u) or result}
        exec(compile(ast.Module(body=[function], type_ignores=[]), "setup", "exec"), namespace)
        namespace["show_image"](url, "a caption")
    assert fetched == ["http://farm1.staticflickr.com/gone.jpg", "http://farm1.staticflickr.com/there.jpg"]
    assert len(shown) == 3 and all(isinstance(image, np.ndarray) and image.ndim == 3 for image in shown)


# ----------------------------------------------------------------------------- zh-CN
def test_zh_cn_has_only_contract_keys_and_assignment2s_placeholder(zh):
    assert set(zh) <= {"answer_placeholder", "cells", "comments", "strings"}
    with open(A2_ZH_CN, "rb") as f:
        assert zh["answer_placeholder"] == tomllib.load(f)["answer_placeholder"]
    for cell_id, entry in zh["cells"].items():
        assert set(entry) == {"source"}, f"cells.{cell_id}: keys {set(entry)}"


def test_zh_cn_header_names_its_notebook(notebook):
    path = ZH_CN.translations / f"{notebook.stem}.toml"
    header = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    named = re.findall(r"[\w./-]+\.(?:py|md|toml|ipynb)\b", "\n".join(header))
    assert str(notebook.relative_to(REPO)) in named
    for name in named:
        assert (REPO / name).is_file(), f"the header of {path.name} names {name}, which does not exist"


def test_zh_cn_translates_every_markdown_cell(nb, zh):
    markdown_ids = {cell.id for cell in markdown_cells(nb)}
    translated = set(zh["cells"])
    assert not markdown_ids - translated, f"untranslated cells: {sorted(markdown_ids - translated)}"
    assert not translated - markdown_ids, f"stale translations: {sorted(translated - markdown_ids)}"


def test_zh_cn_keeps_math_code_links_and_headings(nb, zh):
    def spans(text, pattern):
        return sorted(re.findall(pattern, text, flags=re.S))

    for cell in markdown_cells(nb):
        english, chinese = cell.source, zh["cells"][cell.id]["source"]
        assert CJK.search(chinese), f"cells.{cell.id} is not in Chinese"
        assert spans(english, r"`[^`]+`") == spans(chinese, r"`[^`]+`"), f"cells.{cell.id}: code spans differ"
        assert spans(english, r"\$\$.+?\$\$|\$[^$]+\$") == spans(chinese, r"\$\$.+?\$\$|\$[^$]+\$"), \
            f"cells.{cell.id}: math differs"
        assert spans(english, r"https?://[^\s)]+") == spans(chinese, r"https?://[^\s)]+"), \
            f"cells.{cell.id}: links differ"
        headings = [line.split(" ")[0] for line in english.splitlines() if line.startswith("#")]
        assert headings == [line.split(" ")[0] for line in chinese.splitlines() if line.startswith("#")]


def test_zh_cn_inline_questions_use_one_term(nb, zh, notebook):
    for number, index in inline_questions(nb).items():
        question = zh["cells"][nb.cells[index].id]["source"]
        assert question.splitlines()[0] == f"## 随堂问题 {number}", question.splitlines()[0]
        answer = zh["cells"][nb.cells[index + 1].id]["source"]
        assert answer.startswith("**参考答案：**")
    assert "课堂问题" not in (ZH_CN.translations / f"{notebook.stem}.toml").read_text(encoding="utf-8")


def test_zh_cn_translates_every_comment_line(nb, zh):
    used = {line for cell in code_cells(nb) for line in comment_lines(cell.source)}
    translated = set(zh["comments"])
    assert not used - translated, f"untranslated comments: {sorted(used - translated)}"
    assert not translated - used, f"stale comment translations: {sorted(translated - used)}"
    for english, chinese in zh["comments"].items():
        assert chinese.startswith("# ") and CJK.search(chinese), f"comment {english!r} -> {chinese!r}"


def test_zh_cn_translates_figure_text_of_the_scored_figures_only(nb, zh, grading):
    # Strings count in the untampered digest except in `figures` cells: translating a
    # string anywhere else would make every zh-CN hand-in look tampered with.
    strings = zh.get("strings", {})
    assert set(strings) <= set(grading.figures), f"strings outside figure cells: {set(strings)}"
    for cell_id in grading.figures:
        cell = [c for c in nb.cells if c.id == cell_id][0]
        literals = {n.value for n in ast.walk(parse(cell.source))
                    if isinstance(n, ast.Constant) and isinstance(n.value, str) and re.search(r"[A-Z ]", n.value)}
        table = strings.get(cell_id, {})
        assert literals == set(table), f"strings.{cell_id}: {sorted(literals ^ set(table))}"
        for english, chinese in table.items():
            assert CJK.search(chinese), f"strings.{cell_id}: {english!r} -> {chinese!r}"


# ----------------------------------------------------------------------------- Colab, readmes
def test_colab_cell_mounts_drive_and_fetches_coco_once():
    source = COLAB.read_text(encoding="utf-8")
    tree = parse(source)
    lines = [line.strip() for line in source.splitlines()]
    assert "from google.colab import drive" in lines and "drive.mount('/content/drive')" in lines
    assert "FOLDERNAME = None" in lines
    assert any(isinstance(n, ast.Assert) and ast.unparse(n.test) == "FOLDERNAME is not None"
               for n in ast.walk(tree))
    assert any(isinstance(n, ast.Call) and ast.unparse(n.func) == "sys.path.append" for n in ast.walk(tree))
    assert any(line.startswith("%cd ") for line in lines)
    assert [line for line in lines if line.startswith("!") and "cs231n/datasets/get_datasets.sh" in line]
    guard = [n for n in ast.walk(tree) if isinstance(n, ast.If) and "'coco_captioning'" in ast.unparse(n.test)]
    assert guard, "the download runs only when the COCO data is absent"
    examples = re.findall(r"'([\w./ -]+)'", "\n".join(l for l in lines if l.startswith("#")))
    assert examples and all(e.rsplit("/", 1)[-1] == ASSIGNMENT.name for e in examples)


@pytest.mark.parametrize("variant", ASSIGNMENT.release.variants, ids=lambda v: v.name)
def test_readmes_fill_in_and_say_how_to_get_the_data(variant):
    text = student_readme(ASSIGNMENT, variant)
    assert "{" not in text.replace("{{", "").replace("}}", ""), "an unfilled placeholder"
    for notebook in NOTEBOOKS:
        assert notebook.name in text
    assert "CS231N_DATASET=synthetic" in text, "how to use the stand-in"
    assert "torch" in text.lower()
    if variant.name != "colab":
        assert "get_datasets.sh" in text and "h5py" in text
        assert "download.pytorch.org/whl/cpu" in text, "the CPU build of PyTorch"
    if variant.name == "zh-CN":
        assert CJK.search(text)
