"""Static checks of the assignment's notebook content (nothing is executed).

Every master notebook of the config's [release] notebooks against contract 2 of
docs/ARCHITECTURE.md (format, ids, tags, inline questions and model answers, student
regions, quick mode) with its zh-CN translation (one <notebook>.toml each in the
variant's folder) and the cells [[grading.notebooks]] names; then, one notebook at a
time, what COURSE_SPEC.md A2.3 (and ASSIGNMENT_SPEC.md section 3 for
BatchNormalization.ipynb) fixes: settings, expected values, pictures. Also the Colab
first cell and the hints students read in the docstrings and TODO banners of
solutions/cs231n/layers.py. Executing the notebooks is `make notebook-check`'s job.
"""

from __future__ import annotations

import ast
import re
import tokenize
from io import StringIO
from pathlib import Path

import nbformat
import numpy as np
import pytest

from gradekit.config import load_assignment
from tests.support.paths import A2, REPO

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ASSIGNMENT = A2.folder
CONFIG = load_assignment(A2.toml)
MASTERS = list(CONFIG.release.notebooks)
NOTEBOOK = ASSIGNMENT / "BatchNormalization.ipynb"
ZH_CN_DIR = ASSIGNMENT / "i18n" / "zh-CN"
ZH_CN = ZH_CN_DIR / "BatchNormalization.toml"
LAYERS = A2.solutions / "cs231n" / "layers.py"
COLAB = ASSIGNMENT / "colab_setup.py"
GRAPH = ASSIGNMENT / "batchnorm_graph.png"

SPEC_TAGS = {"pdf-title", "pdf-ignore", "pdf-ignore-input", "pdf-inline"}
KNOWN_TAGS = SPEC_TAGS | {"solution", "solution-only"}
CJK = re.compile(r"[\u4e00-\u9fff]")


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def nb():
    return nbformat.read(NOTEBOOK, as_version=nbformat.NO_CONVERT)


@pytest.fixture(scope="module")
def cells(nb):
    return {cell.get("id"): cell for cell in nb.cells}


@pytest.fixture(scope="module")
def zh():
    with open(ZH_CN, "rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="module", params=MASTERS, ids=lambda path: path.stem)
def master(request) -> Path:
    """Each master notebook of [release] notebooks, in turn."""
    return request.param


@pytest.fixture(scope="module")
def any_nb(master):
    return nbformat.read(master, as_version=nbformat.NO_CONVERT)


@pytest.fixture(scope="module")
def any_zh_path(master) -> Path:
    return ZH_CN_DIR / f"{master.stem}.toml"


@pytest.fixture(scope="module")
def any_zh(any_zh_path):
    with open(any_zh_path, "rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="module")
def colab_source():
    return COLAB.read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- helpers
def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def python_source(source: str) -> str:
    """Cell source with IPython magics and shell escapes replaced by `pass`."""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            line = line[: len(line) - len(stripped)] + "pass"
        lines.append(line)
    return "\n".join(lines)


def parse(cell_or_source) -> ast.Module:
    source = cell_or_source if isinstance(cell_or_source, str) else cell_or_source.source
    return ast.parse(python_source(source))


def code_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def markdown_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "markdown"]


def comment_lines(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines() if line.strip().startswith("#")]


class Unknown(Exception):
    """An expression the small evaluator below does not handle."""


def evaluate(node: ast.AST, env: dict):
    """Value of a settings expression: literals, arithmetic, lists, names bound
    earlier in the cell, np.logspace/np.asarray, and quick(full, small) -> full
    (the assignment's setting, which is what students run)."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = evaluate(node.operand, env)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        ops = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
               ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
               ast.Pow: lambda a, b: a ** b}
        if type(node.op) in ops:
            return ops[type(node.op)](evaluate(node.left, env), evaluate(node.right, env))
    if isinstance(node, (ast.List, ast.Tuple)):
        values = [evaluate(e, env) for e in node.elts]
        return values if isinstance(node, ast.List) else tuple(values)
    if isinstance(node, ast.Dict):
        return {evaluate(k, env): evaluate(v, env) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.Name):
        if node.id in env:
            return env[node.id]
        raise Unknown(node.id)
    if isinstance(node, ast.Attribute):
        return ast.unparse(node)
    if isinstance(node, ast.Call):
        name = ast.unparse(node.func)
        args = [evaluate(a, env) for a in node.args]
        kwargs = {k.arg: evaluate(k.value, env) for k in node.keywords}
        if name == "quick" and len(args) == 2:
            return args[0]
        if name == "np.logspace":
            return np.logspace(*args, **kwargs)
        if name in ("np.asarray", "np.array"):
            return np.asarray(*args).tolist()
    raise Unknown(ast.unparse(node))


def statements_in_order(tree: ast.AST) -> list[ast.stmt]:
    found = [n for n in ast.walk(tree) if isinstance(n, ast.stmt)]
    return sorted(found, key=lambda n: (n.lineno, n.col_offset))


def assignments(cell) -> dict[str, list]:
    """Every value assigned to each name in the cell, in source order."""
    env: dict = {}
    values: dict[str, list] = {}
    for stmt in statements_in_order(parse(cell)):
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
            continue
        target = stmt.targets[0]
        try:
            value = evaluate(stmt.value, env)
        except Unknown:
            continue
        if isinstance(target, ast.Name):
            pairs = [(target.id, value)]
        elif isinstance(target, ast.Tuple) and all(isinstance(e, ast.Name) for e in target.elts):
            if not isinstance(value, (tuple, list)) or len(value) != len(target.elts):
                continue
            pairs = [(e.id, v) for e, v in zip(target.elts, value)]
        else:
            continue
        for name, v in pairs:
            env[name] = v
            values.setdefault(name, []).append(v)
    return values


def calls(cell, func: str) -> list[dict]:
    """Keyword arguments (and positional ones, under their index) of every call to
    `func` (a name or dotted name) in the cell; names bound in the cell are resolved."""
    env = {name: vals[-1] for name, vals in assignments(cell).items()}
    found = []
    for node in ast.walk(parse(cell)):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == func:
            args = {}
            for i, a in enumerate(node.args):
                args[i] = _try(a, env)
            for k in node.keywords:
                args[k.arg] = _try(k.value, env)
            found.append(args)
    return found


def _try(node, env):
    try:
        return evaluate(node, env)
    except Unknown:
        return ast.unparse(node)


def first_statement(cell) -> str:
    return ast.unparse(statements_in_order(parse(cell))[0])


def inline_questions(nb) -> dict[int, int]:
    """Question number -> index of its cell."""
    found = {}
    for i, cell in enumerate(nb.cells):
        match = re.match(r"#+\s*Inline Question (\d+)\s*$", cell.source.splitlines()[0]
                         if cell.source else "")
        if cell.cell_type == "markdown" and match:
            found[int(match.group(1))] = i
    return found


def index_of(nb, predicate) -> int:
    matches = [i for i, cell in enumerate(nb.cells) if predicate(cell)]
    assert len(matches) == 1, f"expected exactly one matching cell, found {len(matches)}"
    return matches[0]


# ----------------------------------------------------------------------------- every notebook
def test_zh_cn_variant_translates_from_the_folder():
    (variant,) = [v for v in CONFIG.release.variants if v.name == "zh-CN"]
    assert Path(variant.translations).resolve() == ZH_CN_DIR.resolve()
    files = {path.stem for path in ZH_CN_DIR.glob("*.toml")}
    assert files == {path.stem for path in MASTERS}, "one <notebook>.toml per master notebook"


def test_notebook_validates_as_nbformat_4_5(any_nb):
    nbformat.validate(any_nb)
    assert (any_nb.nbformat, any_nb.nbformat_minor) >= (4, 5)
    assert any_nb.metadata["kernelspec"]["name"] == "python3"


def test_every_cell_has_a_unique_short_id(any_nb):
    ids = [cell.get("id") for cell in any_nb.cells]
    assert all(ids), "a cell has no id"
    assert len(ids) == len(set(ids)), "duplicate cell ids"
    for cell_id in ids:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", cell_id), f"id {cell_id!r} is not short and stable"


def test_committed_notebook_has_no_outputs(any_nb):
    for cell in code_cells(any_nb):
        assert cell.outputs == [], f"cell {cell.id} has outputs"
        assert cell.execution_count is None, f"cell {cell.id} has an execution count"


def test_code_cells_parse_and_student_code_sits_in_regions(any_nb, master):
    from gradekit.markers import find_regions

    for cell in code_cells(any_nb):
        parse(cell)
        assert "solution" not in tags(cell), f"code cell {cell.id} tagged solution"
        regions = find_regions(cell.source, master.name, cell.id)
        if "TODO" in cell.source:
            assert regions, f"cell {cell.id} has a TODO but no region for the student's code"


def test_no_trailing_comments_in_code_cells(any_nb):
    # Translations replace whole comment lines; a comment after code cannot be translated.
    for cell in code_cells(any_nb):
        source = python_source(cell.source)
        for tok in tokenize.generate_tokens(StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                line = source.splitlines()[tok.start[0] - 1]
                assert line.strip().startswith("#"), f"cell {cell.id}: trailing comment {line!r}"


def test_only_known_tags_are_used(any_nb):
    for cell in any_nb.cells:
        unknown = tags(cell) - KNOWN_TAGS
        assert not unknown, f"cell {cell.id}: unknown tags {unknown}"


def test_title_setup_and_data_cells_are_tagged(any_nb, master):
    first = any_nb.cells[0]
    assert first.cell_type == "markdown" and "pdf-title" in tags(first)
    assert first.source.startswith("# "), "the title cell opens with the notebook's title"
    setup = any_nb.cells[index_of(any_nb, lambda c: c.id == "setup")]
    assert setup.cell_type == "code" and "pdf-ignore" in tags(setup)
    numpy_helpers = [c for c in code_cells(any_nb) if "def rel_error" in c.source]
    assert numpy_helpers in ([], [setup]), "rel_error is defined in the setup cell"
    load = [c for c in code_cells(any_nb) if "get_CIFAR10_data()" in c.source]
    for cell in load:
        assert "pdf-ignore" in tags(cell)
        assert any_nb.cells.index(setup) < any_nb.cells.index(cell)


def plotting_cells(nb) -> dict:
    """Code cells that draw: they show a figure, or call a helper defined in such a cell."""
    drawing = {c.id: c for c in code_cells(nb) if "plt.show()" in c.source}
    helpers = {n.name for c in drawing.values() for n in parse(c).body if isinstance(n, ast.FunctionDef)}
    for cell in code_cells(nb):
        called = {ast.unparse(n.func) for n in ast.walk(parse(cell)) if isinstance(n, ast.Call)}
        if called & helpers:
            drawing[cell.id] = cell
    return drawing


def test_plot_cells_are_tagged_pdf_ignore_input(any_nb):
    plots = plotting_cells(any_nb)
    for cell in code_cells(any_nb):
        assert ("pdf-ignore-input" in tags(cell)) == (cell.id in plots), \
            f"cell {cell.id}: pdf-ignore-input exactly on the cells that draw"


def quick_variable(setup_source: str) -> str:
    (name,) = re.findall(r"os\.environ\.get\('(\w+)'", setup_source)
    return name


def test_setup_cell_defines_the_helpers(any_nb, capsys, monkeypatch):
    setup = any_nb.cells[index_of(any_nb, lambda c: c.id == "setup")]
    if "def rel_error" not in setup.source:
        pytest.skip("not a numpy notebook (no rel_error, autoreload or quick())")
    for magic in ("%load_ext autoreload", "%autoreload 2", "%matplotlib inline"):
        assert magic in setup.source.splitlines(), f"setup cell lacks {magic}"
    variable = quick_variable(setup.source)
    assert CONFIG.release.notebook_check.env.get(variable) == "1", \
        f"make notebook-check sets {variable}=1 ([release.notebook_check] env)"

    tree = parse(setup)
    quick_flag = [n for n in tree.body if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "QUICK"]
    defs = quick_flag + [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    program = compile(ast.Module(body=defs, type_ignores=[]), "setup", "exec")

    def run_setup():
        namespace = {"np": np, "os": __import__("os")}
        exec(program, namespace)
        return namespace

    monkeypatch.setenv(variable, "1")
    assert run_setup()["quick"](10, 2) == 2, f"{variable}=1 selects the small setting"
    monkeypatch.delenv(variable)
    namespace = run_setup()
    assert namespace["quick"](10, 2) == 10, f"without {variable} the assignment's settings are used"
    rel_error = namespace["rel_error"]
    x, y = np.array([1.0, -2.0, 0.0]), np.array([1.0, -2.2, 0.0])
    assert rel_error(x, y) == pytest.approx(0.2 / 4.2)
    assert rel_error(np.array([1e-9]), np.array([0.0])) == pytest.approx(1e-9 / 1e-8)
    if "print_mean_std" in namespace:
        namespace["print_mean_std"](np.array([[1.0, 2.0], [3.0, 6.0]]), axis=0)
        printed = capsys.readouterr().out
        assert "means:" in printed and "[2. 4.]" in printed
        assert "stds:" in printed and "[1. 2.]" in printed


def test_quick_mode_only_shrinks_experiments(any_nb):
    for cell in code_cells(any_nb):
        for node in ast.walk(parse(cell)):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "quick":
                full, small = (evaluate(a, {}) for a in node.args)
                assert 0 < small < full, f"cell {cell.id}: quick({full}, {small})"


def test_inline_questions_have_model_answers(any_nb):
    questions = inline_questions(any_nb)
    assert sorted(questions) == list(range(1, len(questions) + 1))
    assert [questions[n] for n in sorted(questions)] == sorted(questions.values())
    for number, index in questions.items():
        question, answer = any_nb.cells[index], any_nb.cells[index + 1]
        assert tags(question) == {"pdf-inline"}, f"question {number}: tags {tags(question)}"
        assert answer.cell_type == "markdown", f"question {number}: no markdown answer cell"
        assert tags(answer) == {"pdf-inline", "solution"}, f"answer {number}: tags {tags(answer)}"
        assert answer.source.startswith("**Model answer:**") and len(answer.source) > 300
    for i, cell in enumerate(any_nb.cells):
        if "solution" in tags(cell):
            assert i > 0 and "pdf-inline" in tags(any_nb.cells[i - 1]), f"solution cell {cell.id} follows no question"


def test_self_check_cells_follow_the_parts(any_nb):
    checks = [c for c in code_cells(any_nb) if "gradekit check" in c.source]
    assert checks, "each part ends with its self-check cell"
    for cell in checks:
        (line,) = [l for l in cell.source.splitlines() if not l.startswith("#")]
        assert re.fullmatch(r'!"\{sys\.executable\}" -m gradekit check --section [a-z0-9-]+', line), line
        section = line.rsplit(" ", 1)[-1]
        assert cell.id == "self-check-" + section
        assert section in {s.name for s in CONFIG.grading.sections}, f"cell {cell.id}: no section {section}"


def test_grading_notebook_tables_name_cells_of_the_masters():
    masters = {path.name: nbformat.read(path, as_version=nbformat.NO_CONVERT) for path in MASTERS}
    for table in CONFIG.grading.notebooks:
        nb = masters[table.file]
        ids = {cell.id: cell for cell in nb.cells}
        for cell_id in [*table.setup, *(rerun.cell for rerun in table.rerun), *table.figures]:
            assert cell_id in ids and ids[cell_id].cell_type == "code", f"{table.file}: no code cell {cell_id}"
        plots = plotting_cells(nb)
        for cell_id in table.figures:
            assert cell_id in plots, f"{table.file}: figure cell {cell_id} draws nothing"
        for rerun in table.rerun:
            assert "quick(" not in ids[rerun.cell].source, f"{table.file}: re-run cell {rerun.cell} trains"
        answered = [part for part in table.parts if part.kind == "answered"]
        answers = [cell for cell in nb.cells if "solution" in tags(cell)]
        assert bool(answered) == bool(answers), f"{table.file}: an answered part iff answer cells"


# ----------------------------------------------------------------------------- BatchNormalization.ipynb
def test_spec_tags_sit_on_the_right_cells(nb):
    first = nb.cells[0]
    assert first.cell_type == "markdown" and "pdf-title" in tags(first)
    assert first.source.startswith("# Batch Normalization")
    assert "arxiv.org/abs/1502.03167" in first.source, "title cell cites Ioffe & Szegedy 2015"

    setup = nb.cells[index_of(nb, lambda c: c.cell_type == "code" and "def rel_error" in c.source)]
    assert "pdf-ignore" in tags(setup)
    load = nb.cells[index_of(nb, lambda c: c.cell_type == "code" and "get_CIFAR10_data()" in c.source)]
    assert "pdf-ignore" in tags(load)
    assert nb.cells.index(setup) < nb.cells.index(load)

    plots = [c for c in code_cells(nb) if "plt.show()" in c.source or "plot_runs(" in c.source]
    assert len(plots) == 4, "plot cells: deep net, weight scale, BN batch size, LN batch size"
    for cell in plots:
        assert "pdf-ignore-input" in tags(cell), f"plot cell {cell.id} needs pdf-ignore-input"
    for cell in code_cells(nb):
        if "pdf-ignore-input" in tags(cell):
            assert cell in plots, f"cell {cell.id} is tagged pdf-ignore-input but does not plot"


# ----------------------------------------------------------------------------- inline questions
def test_four_inline_questions_with_model_answers(nb):
    questions = inline_questions(nb)
    assert sorted(questions) == [1, 2, 3, 4]
    assert [questions[n] for n in (1, 2, 3, 4)] == sorted(questions.values())
    for number, index in questions.items():
        question, answer = nb.cells[index], nb.cells[index + 1]
        assert tags(question) == {"pdf-inline"}, f"question {number}: tags {tags(question)}"
        assert answer.cell_type == "markdown", f"question {number}: no markdown answer cell"
        assert tags(answer) == {"pdf-inline", "solution"}, f"answer {number}: tags {tags(answer)}"
        assert answer.source.startswith("**Model answer:**") and len(answer.source) > 300
    solutions = [i for i, cell in enumerate(nb.cells) if "solution" in tags(cell)]
    assert solutions == [questions[n] + 1 for n in (1, 2, 3, 4)], "a solution cell without a question"


def test_inline_questions_follow_their_experiments(nb):
    questions = inline_questions(nb)

    def code_index(text):
        return index_of(nb, lambda c: c.cell_type == "code" and text in c.source)

    assert code_index("np.logspace(") < questions[1] < code_index("def run_batch_size_experiment")
    assert code_index("run_batch_size_experiment('batchnorm')") < questions[2]
    layernorm_intro = index_of(nb, lambda c: c.cell_type == "markdown"
                               and c.source.startswith("## Layer normalization\n"))
    assert questions[2] < layernorm_intro < questions[3] < code_index("layernorm_forward(a,")
    assert code_index("run_batch_size_experiment('layernorm')") < questions[4]
    assert "arxiv.org/abs/1607.06450" in nb.cells[layernorm_intro].source, "cites Ba et al. 2016"


def test_question_3_and_4_choices_and_keys(nb):
    questions = inline_questions(nb)
    q3, a3 = nb.cells[questions[3]].source, nb.cells[questions[3] + 1].source
    for choice in ("row of pixels", "all of its RGB values sum to 1", "mean image", "threshold"):
        assert choice in q3
    key = a3.splitlines()[0]
    assert re.search(r"\b3\b[^.]*batch normalization", key) and re.search(r"\b2\b[^.]*layer normalization", key)

    q4, a4 = nb.cells[questions[4]].source, nb.cells[questions[4] + 1].source
    for choice in ("very deep", "small feature dimension", "strong regularization"):
        assert choice in q4
    key = a4.splitlines()[0]
    assert re.search(r"Situation 2\b", key) and re.search(r"\b3\b[^.;]*argued", key)
    assert re.search(r"\b1\b[^.;]*not a problem", key)


# ----------------------------------------------------------------------------- settings
def test_batchnorm_forward_checks_use_the_spec_draws(cells):
    train = cells["bn-forward-train"]
    assert first_statement(train) == "np.random.seed(231)"
    values = assignments(train)
    assert values["N"] == [200] and values["D1"] == [50] and values["D2"] == [60] and values["D3"] == [3]
    draws = [ast.unparse(n) for n in ast.walk(parse(train))
             if isinstance(n, ast.Call) and ast.unparse(n.func) == "np.random.randn"]
    assert draws == ["np.random.randn(N, D1)", "np.random.randn(D1, D2)", "np.random.randn(D2, D3)"]
    assert "a = np.maximum(0, X.dot(W1)).dot(W2)" in train.source
    assert values["gamma"][-1] == [1.0, 2.0, 3.0] and values["beta"][-1] == [11.0, 12.0, 13.0]
    assert "print_mean_std(a_norm, axis=0)" in train.source

    test = cells["bn-forward-test"]
    assert first_statement(test) == "np.random.seed(231)"
    assert "for t in range(50):" in test.source
    assert "bn_param['mode'] = 'test'" in test.source
    assert test.source.index("W2 = np.random.randn") < test.source.index("for t in range(50)")


def test_gradient_checks_use_the_spec_sizes(cells):
    for cell_id, forward in (("bn-backward-check", "batchnorm_forward"),
                             ("ln-backward-check", "layernorm_forward")):
        cell = cells[cell_id]
        assert first_statement(cell) == "np.random.seed(231)"
        values = assignments(cell)
        assert values["N"] == [4] and values["D"] == [5]
        assert "x = 5 * np.random.randn(N, D) + 12" in cell.source
        assert len(calls(cell, "eval_numerical_gradient_array")) == 3
        assert f"{forward}(x, gamma, beta" in cell.source

    alt = cells["bn-backward-alt-compare"]
    assert first_statement(alt) == "np.random.seed(231)"
    assert assignments(alt)["N"] == [100] and assignments(alt)["D"] == [500]
    assert "batchnorm_backward_alt(dout, cache)" in alt.source and "speedup" in alt.source

    net = cells["fc-bn-gradcheck"]
    assert first_statement(net) == "np.random.seed(231)"
    values = assignments(net)
    assert [values[k] for k in ("N", "D", "H1", "H2", "C")] == [[2], [15], [20], [30], [10]]
    assert "for reg in [0, 3.14]:" in net.source
    (model,) = calls(net, "FullyConnectedNet")
    assert model["weight_scale"] == 5e-2 and model["dtype"] == "np.float64"
    assert model["normalization"] == "batchnorm" and model[0] == [20, 30]

    ln = cells["ln-forward-check"]
    assert first_statement(ln) == "np.random.seed(231)"
    values = assignments(ln)
    assert values["N"] == [4]
    assert values["gamma"][-1] == [3.0, 3.0, 3.0] and values["beta"][-1] == [5.0, 5.0, 5.0]
    assert "print_mean_std(a_norm, axis=1)" in ln.source


def test_deep_network_experiment_settings(cells):
    cell = cells["deep-net-train"]
    assert first_statement(cell) == "np.random.seed(231)"
    values = assignments(cell)
    assert values["hidden_dims"] == [[100] * 5]
    assert values["num_train"] == [1000]
    assert values["weight_scale"] == [2e-2]
    models = calls(cell, "FullyConnectedNet")
    assert sorted(str(m["normalization"]) for m in models) == ["None", "batchnorm"]
    solvers = calls(cell, "Solver")
    assert len(solvers) == 2
    for kw in solvers:
        assert kw["num_epochs"] == 10 and kw["batch_size"] == 50 and kw["print_every"] == 20
        assert kw["update_rule"] == "adam" and kw["optim_config"] == {"learning_rate": 1e-3}


def test_weight_scale_experiment_settings(cells):
    cell = cells["weight-scale-train"]
    assert first_statement(cell) == "np.random.seed(231)"
    values = assignments(cell)
    assert values["hidden_dims"] == [[50] * 7]
    (scales,) = values["weight_scales"]
    assert len(scales) == 20 and np.allclose(scales, np.logspace(-4, 0, 20)), "np.logspace(-4, 0, 20)"
    solvers = calls(cell, "Solver")
    assert len(solvers) == 2
    for kw in solvers:
        assert kw["num_epochs"] == 10 and kw["batch_size"] == 50
        assert kw["update_rule"] == "adam" and kw["optim_config"] == {"learning_rate": 1e-3}
    assert sorted(str(m["normalization"]) for m in calls(cell, "FullyConnectedNet")) == ["None", "batchnorm"]


def test_batch_size_experiment_settings(cells):
    cell = cells["batch-size-train"]
    (function,) = [n for n in parse(cell).body if isinstance(n, ast.FunctionDef)]
    assert ast.unparse(function.body[0]) == "np.random.seed(231)"
    values = assignments(cell)
    assert values["hidden_dims"] == [[100] * 5]
    assert values["weight_scale"] == [2e-2]
    assert values["batch_sizes"] == [[5, 10, 50]]
    assert values["learning_rate"] == [10 ** (-3.5)]
    assert values["num_epochs"] == [10]
    baseline, normalized = calls(cell, "Solver")
    assert baseline["batch_size"] == "batch_sizes[0]", "baseline trains with the smallest batch"
    assert normalized["batch_size"] == "batch_size"
    for kw in (baseline, normalized):
        assert kw["optim_config"] == {"learning_rate": 10 ** (-3.5)} and kw["update_rule"] == "adam"
    assert [str(m["normalization"]) for m in calls(cell, "FullyConnectedNet")] == ["None", "normalization"]
    assert "run_batch_size_experiment('batchnorm')" in cell.source
    assert "run_batch_size_experiment('layernorm')" in cells["ln-batch-size-train"].source


# ----------------------------------------------------------------------------- derivation picture
def test_derivation_prompt_and_graph_picture(nb):
    (prompt,) = [c for c in markdown_cells(nb) if "batchnorm_graph.png" in c.source]
    for formula in (r"\sigma = \sqrt{v + \epsilon}", r"y_i = \frac{x_i - \mu}{\sigma}",
                    r"\mu = \frac{1}{N}\sum", r"v = \frac{1}{N}\sum"):
        assert formula in prompt.source, f"derivation prompt lacks {formula}"
    assert "batchnorm_backward_alt" in prompt.source
    data = GRAPH.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) < 60_000, f"batchnorm_graph.png is {len(data)} bytes"


# ----------------------------------------------------------------------------- zh-CN
def test_zh_cn_has_only_contract_keys(any_zh):
    assert set(any_zh) <= {"answer_placeholder", "cells", "comments", "strings"}
    placeholder = any_zh["answer_placeholder"]
    assert CJK.search(placeholder) and not re.search(r"[A-Za-z]", placeholder), \
        f"the answer placeholder is not all Chinese: {placeholder!r}"
    for cell_id, entry in any_zh["cells"].items():
        assert set(entry) == {"source"}, f"cells.{cell_id}: keys {set(entry)}"


def test_zh_cn_files_share_the_answer_placeholder():
    placeholders = set()
    for path in ZH_CN_DIR.glob("*.toml"):
        with open(path, "rb") as f:
            placeholders.add(tomllib.load(f).get("answer_placeholder"))
    assert len(placeholders) == 1, f"one answer placeholder for the language: {placeholders}"


def test_zh_cn_header_names_only_files_that_exist(any_zh_path, master):
    header = []
    for line in any_zh_path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    named = re.findall(r"[\w./-]+\.(?:py|md|toml|ipynb)\b", "\n".join(header))
    assert master.relative_to(REPO).as_posix() in named, "the header says which notebook this translates"
    for name in named:
        assert (REPO / name).is_file(), f"the header of {any_zh_path.name} names {name}, which does not exist"


def test_zh_cn_inline_questions_use_one_term(any_nb, any_zh, any_zh_path):
    for number, index in inline_questions(any_nb).items():
        chinese = any_zh["cells"][any_nb.cells[index].id]["source"]
        assert chinese.splitlines()[0] == f"## 随堂问题 {number}", chinese.splitlines()[0]
    assert "课堂问题" not in any_zh_path.read_text(encoding="utf-8")


def figure_texts(cell) -> list[str]:
    """The string literals of a plotting cell that end up as text in a figure: titles,
    labels, legends (a capital letter or a space; not keys like 'loss_history' or '-o')."""
    tree = parse(cell)
    keys = {id(n.slice) for n in ast.walk(tree) if isinstance(n, ast.Subscript)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in keys:
            if re.search(r"[A-Z ]", node.value):
                found.append(node.value)
    return found


def test_zh_cn_translates_the_figure_text_of_the_plotting_cells(any_nb, any_zh):
    strings = any_zh.get("strings", {})
    plots = {cell.id: cell for cell in code_cells(any_nb) if "pdf-ignore-input" in tags(cell)}
    # Only plotting cells: code whose output the checks read keeps its English strings.
    assert set(strings) <= set(plots), f"strings for non-plotting cells: {set(strings) - set(plots)}"
    for cell_id, cell in plots.items():
        texts = set(figure_texts(cell))
        table = strings.get(cell_id, {})
        assert not texts - set(table), f"strings.{cell_id}: untranslated {sorted(texts - set(table))}"
        assert not set(table) - texts, f"strings.{cell_id}: stale {sorted(set(table) - texts)}"
        for english, chinese in table.items():
            assert CJK.search(chinese), f"strings.{cell_id}: {english!r} -> {chinese!r}"
            assert re.findall(r"%\w", english) == re.findall(r"%\w", chinese), \
                f"strings.{cell_id}: {english!r} -> {chinese!r} changes a format field"


def test_zh_cn_translates_every_markdown_cell(any_nb, any_zh):
    markdown_ids = {cell.id for cell in markdown_cells(any_nb)}
    translated = set(any_zh["cells"])
    assert not markdown_ids - translated, f"untranslated cells: {sorted(markdown_ids - translated)}"
    assert not translated - markdown_ids, f"stale translations: {sorted(translated - markdown_ids)}"


def test_zh_cn_keeps_math_code_and_structure(any_nb, any_zh):
    def spans(text, pattern):
        return sorted(re.findall(pattern, text))

    for cell in markdown_cells(any_nb):
        english, chinese = cell.source, any_zh["cells"][cell.id]["source"]
        assert CJK.search(chinese), f"cells.{cell.id} is not in Chinese"
        assert spans(english, r"`[^`]+`") == spans(chinese, r"`[^`]+`"), f"cells.{cell.id}: code spans differ"
        assert spans(english, r"\$\$.+?\$\$|\$[^$]+\$") == spans(chinese, r"\$\$.+?\$\$|\$[^$]+\$"), \
            f"cells.{cell.id}: math differs"
        assert spans(english, r"https?://\S+") == spans(chinese, r"https?://\S+"), f"cells.{cell.id}: links differ"
        assert spans(english, r"\]\(([^)]+)\)") == spans(chinese, r"\]\(([^)]+)\)"), f"cells.{cell.id}: images differ"
        headings = [line.split(" ")[0] for line in english.splitlines() if line.startswith("#")]
        assert headings == [line.split(" ")[0] for line in chinese.splitlines() if line.startswith("#")]


def test_zh_cn_model_answers_keep_the_keys(nb, zh):
    questions = inline_questions(nb)
    a3 = zh["cells"][nb.cells[questions[3] + 1].id]["source"].splitlines()[0]
    assert re.search(r"3\s*类似于批归一化", a3) and re.search(r"2\s*类似于层归一化", a3)
    a4 = zh["cells"][nb.cells[questions[4] + 1].id]["source"].splitlines()[0]
    assert re.search(r"情况 2", a4) and re.search(r"情况 1 不是问题", a4)


def test_zh_cn_translates_every_comment_line(any_nb, any_zh):
    from gradekit.markers import is_marker

    used = {line for cell in code_cells(any_nb) for line in comment_lines(cell.source)
            if not is_marker(line)}
    translated = set(any_zh["comments"])
    assert not used - translated, f"untranslated comments: {sorted(used - translated)}"
    assert not translated - used, f"stale comment translations: {sorted(translated - used)}"
    for english, chinese in any_zh["comments"].items():
        assert chinese.startswith("# ") and CJK.search(chinese), f"comment {english!r} -> {chinese!r}"


# ----------------------------------------------------------------------------- Colab
def test_colab_cell_mounts_drive_and_sets_up_the_folder(colab_source):
    tree = parse(colab_source)
    lines = [line.strip() for line in colab_source.splitlines()]
    assert "from google.colab import drive" in lines
    assert "drive.mount('/content/drive')" in lines
    assert "FOLDERNAME = None" in lines, "students edit FOLDERNAME"
    assert any(isinstance(n, ast.Assert) and ast.unparse(n.test) == "FOLDERNAME is not None"
               for n in ast.walk(tree)), "an assert stops an unedited FOLDERNAME"
    assert any(isinstance(n, ast.Call) and ast.unparse(n.func) == "sys.path.append"
               for n in ast.walk(tree)), "the assignment folder goes on sys.path"
    assert any(line.startswith("%cd ") for line in lines)
    download = [line for line in lines if line.startswith("!") and "cs231n/datasets/get_datasets.sh" in line]
    assert download, "CIFAR-10 is fetched with cs231n/datasets/get_datasets.sh"
    guard = [n for n in ast.walk(tree) if isinstance(n, ast.If) and "cifar-10-batches-py" in ast.unparse(n.test)]
    assert guard, "the download runs only when the data is absent"


def test_colab_example_folder_is_the_assignment_folder(colab_source):
    name = load_assignment(ASSIGNMENT / "assignment.toml").name
    examples = re.findall(r"'([\w./ -]+)'", "\n".join(
        line for line in colab_source.splitlines() if line.lstrip().startswith("#")))
    assert examples, "the first cell gives an example FOLDERNAME"
    for example in examples:
        assert example.rsplit("/", 1)[-1] == name, \
            f"example {example!r}: the student zips unpack to a folder named {name}"


# ----------------------------------------------------------------------------- prose
def test_intro_presents_internal_covariate_shift_as_a_hypothesis(cells, zh):
    intro = cells["title"].source
    assert "internal covariate shift" in intro.lower()
    assert "hypothesis" in intro and "Santurkar" in intro
    assert "arxiv.org/abs/1805.11604" in intro, "cites Santurkar et al. 2018"
    assert "假设" in zh["cells"]["title"]["source"]


def test_staged_backward_text_has_the_sum_over_branches_rule(cells, zh):
    text = cells["bn-backward-md"].source
    assert "Sum over branches" in text and "sum of the gradients" in text
    assert "梯度之和" in zh["cells"]["bn-backward-md"]["source"]


def test_bias_errors_before_a_norm_layer_are_explained(cells, zh):
    text = cells["fc-bn-md"].source
    assert "1e-8 or less for the biases" not in text
    assert "`b1` and `b2`" in text and "exactly zero" in text and "rounding noise" in text
    assert "舍入噪声" in zh["cells"]["fc-bn-md"]["source"]


def test_batch_size_text_counts_the_updates(cells, zh):
    num_train = assignments(cells["deep-net-train"])["num_train"][-1]
    small, large = (assignments(cells["batch-size-train"])["batch_sizes"][-1][i] for i in (0, -1))
    text = cells["batch-size-md"].source
    assert f"{num_train} training images" in text
    assert f"{num_train // small} updates with batch size {small}" in text
    assert f"only {num_train // large} with batch size {large}" in text
    ratio = {10: "ten"}[large // small]
    assert f"{ratio} times as many updates" in text
    chinese = zh["cells"]["batch-size-md"]["source"]
    assert f"{num_train // small} 次更新" in chinese and "十倍" in chinese


def test_layer_norm_intro_gets_recurrent_networks_right(cells, zh):
    text = cells["ln-md"].source
    assert "no natural batch" not in text
    assert "Recurrent networks" in text and "every time step" in text
    assert "时间步" in zh["cells"]["ln-md"]["source"]


# ----------------------------------------------------------------------------- layers.py hints
def student_function_text(name: str) -> str:
    """What students see of a function of layers.py: its docstring and TODO banner."""
    from gradekit.release.markers import strip_python

    student = strip_python(LAYERS.read_text(encoding="utf-8"), LAYERS)
    (function,) = [n for n in ast.parse(student).body
                   if isinstance(n, ast.FunctionDef) and n.name == name]
    return "\n".join(student.splitlines()[function.lineno - 1:function.end_lineno])


def test_alt_backward_docstring_leaves_the_derivation_to_students():
    text = student_function_text("batchnorm_backward_alt")
    text = text.replace("dx, dgamma, dbeta = None, None, None", "")
    assert not re.search(r"\bdx\s*=", text), "the closed form for dx is the exercise"
    assert "sum_i" not in text and "xhat *" not in text
    for shape in ("dx: shape (N, D)", "dgamma: shape (D,)", "dbeta: shape (D,)"):
        assert shape in text
    assert "gamma * dout" in text, "the notebook's hint: dL/dxhat = gamma * dout"


def test_layernorm_backward_hint_names_the_transpose_and_dout_times_gamma():
    text = student_function_text("layernorm_backward")
    assert "dout * gamma" in text and "dxhat.T" in text and "xhat.T" in text
    assert "(D, N)" in text and "transpose the result back" in text


# ----------------------------------------------------------------------------- FullyConnectedNets, Dropout, ConvolutionalNetworks
def master_cells(stem: str) -> dict:
    notebook = nbformat.read(ASSIGNMENT / f"{stem}.ipynb", as_version=nbformat.NO_CONVERT)
    return {cell.id: cell for cell in notebook.cells}


def array_literal(cell, name: str) -> np.ndarray:
    (value,) = assignments(cell)[name]
    return np.asarray(value)


def region_and_before(cell) -> tuple[dict, str]:
    """What the cell assigns before its student region, and the region's text."""
    from gradekit.markers import find_regions

    lines = cell.source.splitlines()
    (region,) = find_regions(cell.source, "notebook", cell.id)
    start = next(i for i, line in enumerate(lines) if "START OF YOUR CODE" in line)
    before = {name: values[-1] for name, values in assignments("\n".join(lines[:start])).items()}
    return before, "\n".join(lines[start + 1:next(i for i, line in enumerate(lines) if "END OF YOUR CODE" in line)])


def test_fc_net_gradient_check_uses_the_spec_net_and_states_the_losses():
    cells = master_cells("FullyConnectedNets")
    cell = cells["fc-net-gradcheck"]
    assert first_statement(cell) == "np.random.seed(231)"
    values = assignments(cell)
    assert [values[k] for k in ("N", "D", "H1", "H2", "C")] == [[2], [15], [20], [30], [10]]
    assert "for reg in [0, 3.14]:" in cell.source
    (model,) = calls(cell, "FullyConnectedNet")
    assert model["weight_scale"] == 5e-2 and model["dtype"] == "np.float64" and model[0] == [20, 30]
    for label in ("'Running check with reg = '", "'Initial loss: '", "'%s relative error: %.2e'"):
        assert label in cell.source
    text = cells["fc-net-md"].source
    assert "**2.3004790897684924**" in text and "**7.052114776533016**" in text


@pytest.mark.parametrize("cell_id, arrays", [
    ("sgd-momentum-check", {"expected_next_w": (0.1406, 1.4096), "expected_velocity": (0.5406, 0.8096)}),
    ("rmsprop-check", {"expected_next_w": (-0.39223849, 0.59576619), "expected_cache": (0.5976, 0.8926)}),
    ("adam-check", {"expected_next_w": (-0.40094747, 0.59801459), "expected_v": (0.69966, 0.49966),
                    "expected_m": (0.48, 0.85)}),
])
def test_update_rule_tests_expect_the_spec_values(cell_id, arrays):
    cell = master_cells("FullyConnectedNets")[cell_id]
    for name, (first, last) in arrays.items():
        expected = array_literal(cell, name)
        assert expected.shape == (4, 5)
        assert expected[0, 0] == pytest.approx(first, abs=5e-9) and expected[-1, -1] == pytest.approx(last, abs=5e-9)


def test_update_rule_tests_agree_with_the_reference():
    from tests.assignments.assignment2.reference_helpers import ref

    optim = ref("optim")
    cells = master_cells("FullyConnectedNets")
    N, D = 4, 5
    w = np.linspace(-0.4, 0.6, num=N * D).reshape(N, D)
    dw = np.linspace(-0.6, 0.4, num=N * D).reshape(N, D)
    grid = lambda a, b: np.linspace(a, b, num=N * D).reshape(N, D)  # noqa: E731
    runs = {
        "sgd-momentum-check": (optim.sgd_momentum, {"learning_rate": 1e-3, "velocity": grid(0.6, 0.9)},
                               {"expected_next_w": None, "expected_velocity": "velocity"}),
        "rmsprop-check": (optim.rmsprop, {"learning_rate": 1e-2, "cache": grid(0.6, 0.9)},
                          {"expected_next_w": None, "expected_cache": "cache"}),
        "adam-check": (optim.adam, {"learning_rate": 1e-2, "m": grid(0.6, 0.9), "v": grid(0.7, 0.5), "t": 5},
                       {"expected_next_w": None, "expected_v": "v", "expected_m": "m"}),
    }
    for cell_id, (rule, config, expected) in runs.items():
        (literal,) = [n.value for n in parse(cells[cell_id]).body
                      if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "config"]
        assert [k.value for k in literal.keys] == list(config), cell_id
        assert ast.unparse(literal.values[0]) == repr(config["learning_rate"]), cell_id
        next_w, config = rule(w, dw, dict(config))
        for name, key in expected.items():
            value = next_w if key is None else config[key]
            assert np.abs(array_literal(cells[cell_id], name) - value).max() <= 5.1e-9, (cell_id, name)


def test_overfitting_cells_leave_the_two_settings_to_students():
    cells = master_cells("FullyConnectedNets")
    for cell_id, hidden, starting in (("overfit-three", [100, 100], (1e-2, 1e-4)),
                                      ("overfit-five", [100] * 4, (1e-5, 2e-3))):
        cell = cells[cell_id]
        before, region = region_and_before(cell)
        assert (before["weight_scale"], before["learning_rate"]) == starting, "the kit's starting values"
        assert set(assignments(region)) == {"weight_scale", "learning_rate"}
        (model,) = calls(cell, "FullyConnectedNet")
        assert model[0] == hidden and "weight_scale=weight_scale" in cell.source
        (solver,) = calls(cell, "Solver")
        assert solver["num_epochs"] == 20 and solver["batch_size"] == 25 and solver["update_rule"] == "sgd"
        assert "optim_config={'learning_rate': learning_rate}" in cell.source
    assert assignments(cells["overfit-three"])["num_train"] == [50]


def test_update_rule_experiments_use_the_spec_settings():
    cells = master_cells("FullyConnectedNets")
    momentum, adaptive = cells["sgd-vs-momentum-train"], cells["adam-rmsprop-train"]
    assert assignments(momentum)["num_train"] == [4000]
    assert "for update_rule in ['sgd', 'sgd_momentum']:" in momentum.source
    assert assignments(adaptive)["learning_rates"] == [{"adam": 1e-3, "rmsprop": 1e-4}]
    for cell in (momentum, adaptive):
        (model,) = calls(cell, "FullyConnectedNet")
        assert model[0] == [100] * 5 and model["weight_scale"] == 5e-2
        (solver,) = calls(cell, "Solver")
        assert solver["num_epochs"] == 5 and solver["batch_size"] == 100
    assert calls(momentum, "Solver")[0]["optim_config"] == {"learning_rate": 5e-3}


def test_best_model_cell_is_the_students_and_the_test_cell_prints_the_spec_labels():
    cells = master_cells("FullyConnectedNets")
    cell = cells["best-model-train"]
    before, region = region_and_before(cell)
    assert before == {"best_model": None}
    assert "best_model = " in region
    test = cells["test-model"].source
    assert "'Validation set accuracy: '" in test and "'Test set accuracy: '" in test
    assert "50%" in cells["best-model-md"].source


def test_dropout_cells_use_the_spec_settings_and_state_the_numbers():
    cells = master_cells("Dropout")
    forward = cells["dropout-forward-check"]
    assert first_statement(forward) == "np.random.seed(231)"
    assert "x = np.random.randn(500, 500) + 10" in forward.source
    assert "for p in [0.25, 0.4, 0.7]:" in forward.source
    for label in ("Running tests with p = ", "Mean of input: ", "Mean of train-time output: ",
                  "Mean of test-time output: ", "Fraction of train-time output set to zero: ",
                  "Fraction of test-time output set to zero: "):
        assert f"'{label}'" in forward.source
    text = cells["dropout-forward-md"].source
    assert "**10.000207878477502**" in text and "10.014, 9.978 and 9.988" in text

    backward = cells["dropout-backward-check"]
    assert assignments(backward)["dropout_param"] == [{"mode": "train", "p": 0.2, "seed": 123}]
    assert "'dx relative error: '" in backward.source

    net = cells["fc-dropout-gradcheck"]
    assert "for dropout_keep_ratio in [1, 0.75, 0.5]:" in net.source
    (model,) = calls(net, "FullyConnectedNet")
    assert model["seed"] == 123 and model["weight_scale"] == 5e-2 and model["dtype"] == "np.float64"
    text = cells["fc-dropout-md"].source
    for loss in ("2.3004790897684924", "2.302371489704412", "2.3042759220785896"):
        assert loss in text

    train = cells["regularization-train"]
    assert first_statement(train) == "np.random.seed(231)"
    assert assignments(train)["num_train"] == [500] and assignments(train)["dropout_choices"] == [[1, 0.25]]
    (model,) = calls(train, "FullyConnectedNet")
    assert model[0] == [500]
    (solver,) = calls(train, "Solver")
    assert solver["num_epochs"] == 25 and solver["batch_size"] == 100 and solver["print_every"] == 100
    assert solver["update_rule"] == "adam" and solver["optim_config"] == {"learning_rate": 5e-4}
    assert "'%.2f dropout_keep_ratio'" in cells["regularization-plot"].source


def test_conv_and_pool_forward_tests_expect_what_the_reference_computes():
    from tests.assignments.assignment2.reference_helpers import ref

    layers = ref("layers")
    cells = master_cells("ConvolutionalNetworks")
    x_shape, w_shape = (2, 3, 4, 4), (3, 3, 4, 4)
    x = np.linspace(-0.1, 0.5, num=np.prod(x_shape)).reshape(x_shape)
    w = np.linspace(-0.2, 0.3, num=np.prod(w_shape)).reshape(w_shape)
    b = np.linspace(-0.1, 0.2, num=3)
    conv = cells["conv-forward-check"]
    assert assignments(conv)["conv_param"] == [{"stride": 2, "pad": 1}]
    out = layers.conv_forward_naive(x, w, b, {"stride": 2, "pad": 1})[0]
    assert np.abs(array_literal(conv, "correct_out") - out).max() <= 5.1e-9

    pool = cells["pool-forward-check"]
    x = np.linspace(-0.3, 0.4, num=np.prod(x_shape)).reshape(x_shape)
    pool_param = {"pool_width": 2, "pool_height": 2, "stride": 2}
    assert assignments(pool)["pool_param"] == [pool_param]
    out = layers.max_pool_forward_naive(x, pool_param)[0]
    assert np.abs(array_literal(pool, "correct_out") - out).max() <= 5.1e-9


def test_convnet_cells_use_the_spec_settings():
    cells = master_cells("ConvolutionalNetworks")
    (grad_model,) = calls(cells["convnet-gradcheck"], "ThreeLayerConvNet")
    assert (grad_model["num_filters"], grad_model["filter_size"], grad_model["hidden_dim"]) == (3, 3, 7)
    assert grad_model["dtype"] == "np.float64" and "h=1e-6" in cells["convnet-gradcheck"].source
    assert "'%s max relative error: %e'" in cells["convnet-gradcheck"].source

    overfit = cells["convnet-overfit"]
    assert assignments(overfit)["num_train"] == [100]
    assert calls(overfit, "ThreeLayerConvNet") == [{"weight_scale": 1e-2}]
    (solver,) = calls(overfit, "Solver")
    assert (solver["num_epochs"], solver["batch_size"], solver["print_every"]) == (15, 50, 1)
    assert solver["update_rule"] == "adam" and solver["optim_config"] == {"learning_rate": 1e-3}

    train = cells["convnet-train"]
    assert assignments(train)["num_train"] == [49000], "one epoch on the whole training set"
    assert calls(train, "ThreeLayerConvNet") == [{"weight_scale": 0.001, "hidden_dim": 500, "reg": 0.001}]
    (solver,) = calls(train, "Solver")
    assert (solver["num_epochs"], solver["batch_size"], solver["print_every"]) == (1, 50, 20)
    for label in ("Full data training accuracy: ", "Full data validation accuracy: "):
        assert f"'{label}'" in train.source
    assert "more than 40% accuracy on the training set" in cells["convnet-train-md"].source

    gn = cells["spatial-gn-forward"]
    assert [assignments(gn)[k] for k in ("N", "C", "H", "W", "G")] == [[2], [6], [4], [5], [2]]
    assert "arxiv.org/abs/1803.08494" in cells["spatial-gn-md"].source, "cites Wu & He 2018"
    assert "nothing to compile" in cells["fast-layers-md"].source, "no Cython build cell"


def test_notebook_pictures_are_ours_small_and_shipped():
    images = A2.solutions / "cs231n" / "notebook_images"
    sizes = {}
    for name in ("kitten.jpg", "puppy.jpg"):
        data = (images / name).read_bytes()
        assert data.startswith(b"\xff\xd8\xff"), f"{name} is a JPEG"
        assert len(data) < 40_000, f"{name} is {len(data)} bytes"
        from PIL import Image

        with Image.open(images / name) as picture:
            sizes[name] = picture.size
    width, height = sizes["kitten.jpg"]
    assert width > height, "the notebook crops the kitten to its middle square"
    assert (ASSIGNMENT / "tools" / "draw_notebook_images.py").is_file()
    assert "cs231n/notebook_images/*.jpg" in CONFIG.release.student_files

    picture = (ASSIGNMENT / "normalization.png").read_bytes()
    assert picture.startswith(b"\x89PNG\r\n\x1a\n") and len(picture) < 60_000
    assert CONFIG.release.extra_files.get("assignment/assignment2/normalization.png") == "normalization.png"
    assert "](normalization.png)" in master_cells("ConvolutionalNetworks")["spatial-gn-md"].source
