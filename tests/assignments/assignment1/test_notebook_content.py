"""Static checks of assignment 1's master notebooks (nothing is executed).

Generic over the notebooks assignment/assignment1/assignment.toml lists that exist (the
`nb` fixture is parametrised by their stems): the structure of contract 2 of
docs/ARCHITECTURE.md (ids, tags, markers, inline questions with model answers, the
self-check cells), the zh-CN translation of each (i18n/zh-CN/<stem>.toml), the
[[grading.notebooks]] table of each, the Colab first cell and the READMEs. Below them, the
interface of each notebook against COURSE_SPEC.md section A1.3: printed labels, settings
and answer keys. A notebook added to the config gets the generic tests at once; its own
expectations go into SELF_CHECKS and a section of its own at the end.
Executing the notebooks is `gradekit release --check-notebooks`'s job.
"""

from __future__ import annotations

import ast
import re
import tokenize
from io import StringIO
from pathlib import Path

import nbformat
import pytest

from gradekit.config import load_assignment
from gradekit.grading.notebook.findings import output_problem
from gradekit.markers import END, START, find_regions
from gradekit.release.translate import needs_translation
from tests.support.paths import A2, REPO, course

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

A1 = course("assignment1")
ASSIGNMENT = A1.folder
CONFIG = load_assignment(A1.toml)
ZH_CN = ASSIGNMENT / "i18n" / "zh-CN"
COLAB = ASSIGNMENT / "colab_setup.py"
STEMS = [path.stem for path in CONFIG.release.notebooks if path.is_file()]

SPEC_TAGS = {"pdf-title", "pdf-ignore", "pdf-ignore-input", "pdf-inline", "code"}
KNOWN_TAGS = SPEC_TAGS | {"solution", "solution-only"}
CJK = re.compile(r"[\u4e00-\u9fff]")
SELF_CHECK = re.compile(r'!"\{sys\.executable\}" -m gradekit check --section ([a-z0-9-]+)')
# The sections of docs A1_PLAN (the plan the notebooks and checks share); once the config
# declares [grading.sections], the self-check cells must name sections declared there.
PLAN_SECTIONS = {"knn-distances", "knn-predict", "svm-loss", "linear-classifier",
                 "softmax-loss", "two-layer-layers", "two-layer-net"}
# The self-check cells of each notebook, in order (a notebook not listed has none to check).
SELF_CHECKS = {
    "knn": ["knn-predict", "knn-distances"],
    "svm": ["svm-loss", "linear-classifier"],
    "softmax": ["softmax-loss"],
    "two_layer_net": ["two-layer-layers", "two-layer-net"],
    "features": [],
}


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module", params=STEMS)
def stem(request):
    return request.param


@pytest.fixture(scope="module")
def nb(stem):
    return nbformat.read(ASSIGNMENT / f"{stem}.ipynb", as_version=nbformat.NO_CONVERT)


@pytest.fixture(scope="module")
def zh(stem):
    with open(ZH_CN / f"{stem}.toml", "rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="module")
def grading(stem):
    (table,) = [n for n in CONFIG.grading.notebooks if n.file == f"{stem}.ipynb"]
    return table


def load(stem: str):
    return nbformat.read(ASSIGNMENT / f"{stem}.ipynb", as_version=nbformat.NO_CONVERT)


def cells_of(stem: str) -> dict:
    return {cell.id: cell for cell in load(stem).cells}


def only(stem: str):
    """Skip a notebook-specific test while that notebook is not written yet."""
    if stem not in STEMS:
        pytest.skip(f"{stem}.ipynb is not in the repository yet")
    return cells_of(stem)


# ----------------------------------------------------------------------------- helpers
def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


MAGIC = re.compile(r"(\s*)(?:%{1,2}[A-Za-z_]|!).*")


def python_source(source: str) -> str:
    """Cell source with IPython magics (``%name``) and shell escapes (``!``) replaced by
    `pass`; a continuation line that starts with the operator ``%`` stays."""
    return "\n".join(MAGIC.sub(r"\1pass", line) if MAGIC.fullmatch(line) else line
                     for line in source.splitlines())


def parse(cell_or_source) -> ast.Module:
    source = cell_or_source if isinstance(cell_or_source, str) else cell_or_source.source
    return ast.parse(python_source(source))


def code_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def markdown_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "markdown"]


FIGURE_TEXT_CALLS = ("title", "set_title", "suptitle", "xlabel", "set_xlabel", "ylabel",
                     "set_ylabel", "text", "legend")


def figure_texts(cell) -> set[str]:
    """String literals written into a figure as words (a capital letter or a space; not
    'k' or 'val'): arguments of title/label/legend calls, and `label=` keywords."""
    found = set()
    for node in ast.walk(parse(cell)):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func).rsplit(".", 1)[-1]
        values = list(node.args) if name in FIGURE_TEXT_CALLS else []
        values += [k.value for k in node.keywords if k.arg == "label"]
        for value in values:
            found |= {n.value for n in ast.walk(value)
                      if isinstance(n, ast.Constant) and isinstance(n.value, str)
                      and re.search(r"[A-Z ]", n.value.strip())}
    return found


def string_literals(cell) -> set[str]:
    return {node.value for node in ast.walk(parse(cell))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def assigned(cell, name: str) -> list:
    """The literal values assigned to `name` at the top level of the cell, in order."""
    values = []
    for node in parse(cell).body:
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == [name]:
            try:
                values.append(ast.literal_eval(node.value))
            except ValueError:
                values.append(ast.unparse(node.value))
    return values


def calls(cell, func: str) -> list[dict]:
    """Arguments of every call of `func` in the cell: keywords by name, positional ones by
    index, as literals where they are literals, else as source text."""
    found = []
    for node in ast.walk(parse(cell)):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == func:
            args = {}
            for key, value in [*enumerate(node.args), *((k.arg, k.value) for k in node.keywords)]:
                try:
                    args[key] = ast.literal_eval(value)
                except ValueError:
                    args[key] = ast.unparse(value)
            found.append(args)
    return found


def inline_questions(nb) -> dict[int, int]:
    """Question number -> index of its cell."""
    found = {}
    for i, cell in enumerate(nb.cells):
        first = cell.source.splitlines()[0] if cell.source else ""
        match = re.match(r"#+\s*Inline Question (\d+)\s*$", first)
        if cell.cell_type == "markdown" and match:
            found[int(match.group(1))] = i
    return found


def answer(nb, number: int) -> str:
    return nb.cells[inline_questions(nb)[number] + 1].source


def region_text(cell) -> list[str]:
    """The code of each student region of the cell (between the marker lines)."""
    lines = cell.source.split("\n")
    return ["\n".join(lines[r.start:r.end - 1]) for r in find_regions(cell.source, "nb", cell.id)]


# ----------------------------------------------------------------------------- structure
def test_the_config_lists_the_notebooks_written_so_far():
    assert {"knn", "svm", "softmax"} <= set(STEMS)
    for stem in STEMS:
        assert f"{stem}.ipynb" in CONFIG.grading.submit


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


def test_code_cells_parse_and_markers_are_sound(nb):
    for cell in code_cells(nb):
        parse(cell)
        regions = find_regions(cell.source, "nb", cell.id)
        if "code" in tags(cell):
            assert regions, f"cell {cell.id} is tagged code but has no student region"
        for text in region_text(cell):
            assert text.strip(), f"cell {cell.id}: an empty region (the reference goes there)"
        if regions:
            assert "TODO" in cell.source, f"cell {cell.id}: a region without a TODO telling what to do"
        else:
            assert "TODO" not in cell.source, f"cell {cell.id} has a TODO but no region"
        assert "solution" not in tags(cell), f"code cell {cell.id} tagged solution"


def test_student_cells_still_run_once_their_regions_are_emptied(nb):
    # The student copy replaces each region by `pass`: the rest of the cell must still
    # be valid Python, and the names it sets before the regions must exist (best_k = 1).
    from gradekit.release.markers import strip_regions

    for cell in code_cells(nb):
        if find_regions(cell.source, "nb", cell.id):
            parse(strip_regions(cell.source, "nb", cell.id))


def test_no_trailing_comments_in_code_cells(nb):
    # Translations replace whole comment lines; a comment after code cannot be translated.
    for cell in code_cells(nb):
        source = python_source(cell.source)
        for tok in tokenize.generate_tokens(StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                line = source.splitlines()[tok.start[0] - 1]
                assert line.strip().startswith("#"), f"cell {cell.id}: trailing comment {line!r}"


def test_only_known_tags_are_used(nb):
    for cell in nb.cells:
        unknown = tags(cell) - KNOWN_TAGS
        assert not unknown, f"cell {cell.id}: unknown tags {unknown}"


def test_title_and_setup_cells(nb):
    first = nb.cells[0]
    assert first.cell_type == "markdown" and tags(first) == {"pdf-title"}
    assert first.source.startswith("# ")
    setups = [c for c in code_cells(nb) if "%autoreload 2" in c.source.splitlines()]
    assert len(setups) == 1, "one setup cell turns on autoreload"
    setup = setups[0]
    assert code_cells(nb)[0] is setup, "the setup cell is the first code cell"
    assert "pdf-ignore" in tags(setup)
    for line in ("%load_ext autoreload", "%matplotlib inline"):
        assert line in setup.source.splitlines(), f"setup cell lacks {line}"
    if any("gradekit check --section" in cell.source for cell in code_cells(nb)):
        assert "import sys" in setup.source.splitlines(), "the self-check cells need sys"


def plotting_names(nb) -> set[str]:
    """Functions the notebook defines that show a plot."""
    return {node.name for cell in code_cells(nb) for node in ast.walk(parse(cell))
            if isinstance(node, ast.FunctionDef) and "plt.show()" in ast.unparse(node)}


def test_figure_cells_show_a_plot(nb, grading):
    cells = {cell.id: cell for cell in nb.cells}
    helpers = plotting_names(nb)
    for cell_id in grading.figures:
        called = {ast.unparse(n.func) for n in ast.walk(parse(cells[cell_id]))
                  if isinstance(n, ast.Call)}
        assert "plt.show()" in cells[cell_id].source or called & helpers, \
            f"figure cell {cell_id} does not show a plot"


def test_inline_questions_have_model_answers(nb):
    questions = inline_questions(nb)
    assert questions, "every notebook of assignment 1 asks inline questions"
    assert sorted(questions) == list(range(1, len(questions) + 1))
    assert [questions[n] for n in sorted(questions)] == sorted(questions.values())
    for number, index in questions.items():
        question, reply = nb.cells[index], nb.cells[index + 1]
        assert tags(question) == {"pdf-inline"}, f"question {number}: tags {tags(question)}"
        assert reply.cell_type == "markdown", f"question {number}: no markdown answer cell"
        assert tags(reply) == {"pdf-inline", "solution"}, f"answer {number}: tags {tags(reply)}"
        assert reply.source.startswith("**Model answer:**") and len(reply.source) > 200
    solutions = [i for i, cell in enumerate(nb.cells) if "solution" in tags(cell)]
    assert solutions == [questions[n] + 1 for n in sorted(questions)], "a solution cell without a question"


def test_self_check_cells_name_known_sections(nb, stem):
    declared = {section.name for section in CONFIG.grading.sections}
    known = declared or PLAN_SECTIONS
    found = []
    for cell in code_cells(nb):
        if "gradekit check" in cell.source:
            lines = [line for line in cell.source.splitlines() if not line.startswith("#")]
            assert len(lines) == 1, f"cell {cell.id}: a self-check cell holds the one command"
            match = SELF_CHECK.fullmatch(lines[0])
            assert match, f"cell {cell.id}: {lines[0]!r}"
            assert cell.id == f"self-check-{match.group(1)}"
            assert match.group(1) in known, f"cell {cell.id}: unknown section {match.group(1)}"
            found.append(match.group(1))
    if stem in SELF_CHECKS:
        assert found == SELF_CHECKS[stem]


# ----------------------------------------------------------------------------- grading config
def test_grading_table_names_cells_of_the_notebook(nb, grading):
    code_ids = {cell.id for cell in code_cells(nb)}
    for cell_id in [*grading.setup, *(r.cell for r in grading.rerun), *grading.figures,
                    *(r.cell for r in grading.outputs)]:
        assert cell_id in code_ids, f"{grading.file}: no code cell {cell_id!r}"
    kinds = [part.kind for part in grading.parts]
    assert {"complete", "answered", "untampered"} <= set(kinds)
    if grading.figures:
        assert "figures" in kinds
    if grading.rerun:
        assert "consistent" in kinds
    assert 9 <= sum(part.points for part in grading.parts) <= 11, "about 10 points per notebook"


def test_part_numbers_follow_the_plan():
    prefixes = {"knn": "11.", "svm": "12.", "softmax": "13.", "two_layer_net": "14.", "features": "15."}
    numbers = []
    for table in CONFIG.grading.notebooks:
        stem = Path(table.file).stem
        for part in table.parts:
            assert part.number.startswith(prefixes[stem]), f"{table.file}: part {part.number}"
            numbers.append(part.number)
    assert len(numbers) == len(set(numbers))


# ----------------------------------------------------------------------------- zh-CN
def test_zh_cn_has_only_contract_keys_and_the_course_placeholder(zh):
    assert set(zh) <= {"answer_placeholder", "cells", "comments", "strings"}
    with open(A2.folder / "i18n" / "zh-CN" / "BatchNormalization.toml", "rb") as f:
        assert zh["answer_placeholder"] == tomllib.load(f)["answer_placeholder"]
    for cell_id, entry in zh["cells"].items():
        assert set(entry) == {"source"}, f"cells.{cell_id}: keys {set(entry)}"


def test_zh_cn_header_names_only_files_that_exist(stem):
    header = []
    for line in (ZH_CN / f"{stem}.toml").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    named = re.findall(r"[\w./-]+\.(?:py|md|toml|ipynb)\b", "\n".join(header))
    assert f"assignment/assignment1/{stem}.ipynb" in named, "the header says which notebook this translates"
    for name in named:
        assert (REPO / name).is_file(), f"the header names {name}, which does not exist"


def test_zh_cn_translates_every_markdown_cell(nb, zh):
    markdown_ids = {cell.id for cell in markdown_cells(nb)}
    translated = set(zh["cells"])
    assert not markdown_ids - translated, f"untranslated cells: {sorted(markdown_ids - translated)}"
    assert not translated - markdown_ids, f"stale translations: {sorted(translated - markdown_ids)}"


def test_zh_cn_keeps_math_code_and_structure(nb, zh):
    def spans(text, pattern):
        return sorted(re.findall(pattern, text))

    for cell in markdown_cells(nb):
        english, chinese = cell.source, zh["cells"][cell.id]["source"]
        assert CJK.search(chinese), f"cells.{cell.id} is not in Chinese"
        assert spans(english, r"`[^`]+`") == spans(chinese, r"`[^`]+`"), f"cells.{cell.id}: code spans differ"
        assert spans(english, r"\$\$.+?\$\$|\$[^$]+\$") == spans(chinese, r"\$\$.+?\$\$|\$[^$]+\$"), \
            f"cells.{cell.id}: math differs"
        assert spans(english, r"https?://\S+") == spans(chinese, r"https?://\S+"), f"cells.{cell.id}: links differ"
        headings = [line.split(" ")[0] for line in english.splitlines() if line.startswith("#")]
        assert headings == [line.split(" ")[0] for line in chinese.splitlines() if line.startswith("#")]
        numbered = [line.split(" ")[0] for line in english.splitlines() if re.match(r"\d+\. ", line)]
        assert numbered == [line.split(" ")[0] for line in chinese.splitlines() if re.match(r"\d+\. ", line)], \
            f"cells.{cell.id}: numbered lists differ"


def test_zh_cn_inline_questions_and_answers(nb, zh):
    for number, index in inline_questions(nb).items():
        question = zh["cells"][nb.cells[index].id]["source"]
        assert question.splitlines()[0] == f"## 随堂问题 {number}", question.splitlines()[0]
        reply = zh["cells"][nb.cells[index + 1].id]["source"]
        assert reply.startswith("**参考答案：**"), reply[:40]


def test_zh_cn_translates_every_comment_line(nb, zh):
    used = {line.strip() for cell in code_cells(nb) for line in cell.source.splitlines()
            if needs_translation(line)}
    translated = set(zh["comments"])
    assert not used - translated, f"untranslated comments: {sorted(used - translated)}"
    assert not translated - used, f"stale comment translations: {sorted(translated - used)}"
    for english, chinese in zh["comments"].items():
        assert chinese.startswith("# ") and CJK.search(chinese), f"comment {english!r} -> {chinese!r}"


def test_zh_cn_strings_are_figure_literals(nb, zh, grading):
    # Only figure cells: their strings do not count for `untampered`, and nothing printed
    # or checked is translated.
    cells = {cell.id: cell for cell in code_cells(nb)}
    for cell_id, table in zh.get("strings", {}).items():
        assert cell_id in grading.figures, f"strings.{cell_id}: not one of the figure cells"
        literals = string_literals(cells[cell_id])
        assert not set(table) - literals, f"strings.{cell_id}: stale {sorted(set(table) - literals)}"
        for english, chinese in table.items():
            assert CJK.search(chinese), f"strings.{cell_id}: {english!r} -> {chinese!r}"
    for cell_id in grading.figures:
        texts = figure_texts(cells[cell_id])
        missing = texts - set(zh.get("strings", {}).get(cell_id, {}))
        assert not missing, f"strings.{cell_id}: untranslated figure text {sorted(missing)}"


# ----------------------------------------------------------------------------- Colab and READMEs
def test_colab_cell_sets_up_the_drive_folder():
    source = COLAB.read_text(encoding="utf-8")
    lines = [line.strip() for line in source.splitlines()]
    assert "from google.colab import drive" in lines and "FOLDERNAME = None" in lines
    assert any(line.startswith("!") and "cs231n/datasets/get_datasets.sh" in line for line in lines)
    examples = re.findall(r"'([\w./ -]+)'", "\n".join(
        line for line in source.splitlines() if line.lstrip().startswith("#")))
    assert examples and all(e.rsplit("/", 1)[-1] == CONFIG.name for e in examples)


@pytest.mark.parametrize("variant", ["jupyter", "colab", "zh-CN"])
def test_readmes_name_the_dependencies_and_notebooks(variant):
    from gradekit.release.builder import student_readme

    (chosen,) = [v for v in CONFIG.release.variants if v.name == variant]
    text = student_readme(CONFIG, chosen)
    for stem in ("knn", "svm", "softmax", "two_layer_net", "features"):
        assert f"`{stem}.ipynb`" in text
    if variant != "colab":
        assert "pip install numpy scipy imageio matplotlib jupyter pytest" in text
    assert "gradekit check --section" in text
    assert bool(CJK.search(text)) == (variant == "zh-CN")


# ----------------------------------------------------------------------------- knn.ipynb
def test_knn_interface():
    cells = only("knn")
    assert assigned(cells["subsample"], "num_training") == [5000]
    assert assigned(cells["subsample"], "num_test") == [500]
    assert "print(X_train.shape, X_test.shape)" in cells["subsample"].source
    assert "load_CIFAR10(cifar10_dir)" in cells["load-data"].source
    for label in ("Training data shape: ", "Training labels shape: ", "Test data shape: ",
                  "Test labels shape: "):
        assert f"print('{label}'" in cells["load-data"].source
    for cell_id in ("predict-k1", "predict-k5", "best-k"):
        assert "'Got %d / %d correct => accuracy: %f'" in cells[cell_id].source
    assert calls(cells["predict-k1"], "classifier.predict_labels")[0]["k"] == 1
    assert calls(cells["predict-k5"], "classifier.predict_labels")[0]["k"] == 5
    for cell_id, label in (("one-loop", "One loop"), ("no-loops", "No loop")):
        source = cells[cell_id].source
        assert f"'{label} difference was: %f'" in source and "difference < 0.001" in source
        assert "'Good! The distance matrices are the same'" in source
    for version in ("Two loop", "One loop", "No loop"):
        assert f"'{version} version took %f seconds'" in cells["timing"].source


def test_knn_cross_validation_cell():
    cells = only("knn")
    cv = cells["cross-validation"]
    assert tags(cv) == {"code"} and tags(cells["best-k"]) == {"code"}
    assert assigned(cv, "num_folds") == [5]
    assert assigned(cv, "k_choices") == [[1, 3, 5, 8, 10, 12, 15, 20, 50, 100]]
    assert len(region_text(cv)) == 2, "one region for the folds, one for the accuracies"
    assert "np.array_split" in region_text(cv)[0]
    assert "print('k = %d, accuracy = %f' % (k, accuracy))" in cv.source
    best = cells["best-k"]
    assert assigned(best, "best_k")[0] == 1, "the kit's default, set before the region"
    assert len(region_text(best)) == 1 and "best_k" in region_text(best)[0]


def test_knn_cross_validation_output_rule_matches_the_printout():
    cells = only("knn")
    (table,) = [n for n in CONFIG.grading.notebooks if n.file == "knn.ipynb"]
    (rule,) = table.outputs
    assert rule.cell == "cross-validation" and rule.count == 5
    k_choices = assigned(cells["cross-validation"], "k_choices")[0]
    assert list(rule.keys) == [str(k) for k in k_choices]
    printed = "".join("k = %d, accuracy = %f\n" % (k, 0.25 + k / 1000) for k in k_choices
                      for _ in range(5))
    assert output_problem(printed, rule) is None
    means = "".join("k = %d, accuracy = %f\n" % (k, 0.3) for k in k_choices)
    assert "not 5" in output_problem(means, rule), "a mean per k instead of five accuracies"


def test_knn_answer_keys():
    only("knn")
    nb = load("knn")
    assert sorted(inline_questions(nb)) == [1, 2, 3]
    assert answer(nb, 2).startswith("**Model answer:** 1, 2 and 3.")
    assert answer(nb, 3).startswith("**Model answer:** 2 and 4.")
    question2 = nb.cells[inline_questions(nb)[2]].source
    assert re.search(r"^5\. Rotate the coordinate axes", question2, re.M)
    assert "either" not in answer(nb, 2) or "defensible" in answer(nb, 2)


def test_knn_quotes_cifar_and_stand_in_numbers():
    cells = only("knn")
    text = cells["predict-md"].source
    assert "Got 137 / 500 correct => accuracy: 0.274000" in text and "stand-in" in text
    assert "139 / 500 (0.278)" in cells["predict-k5-md"].source
    assert "141 / 500, 0.282" in cells["best-k-md"].source
    assert "0.263, 0.257, 0.264, 0.278, 0.266" in cells["cross-validation-md"].source


# ----------------------------------------------------------------------------- svm.ipynb
def test_svm_interface():
    cells = only("svm")
    split = cells["split"]
    for name, value in (("num_training", 49000), ("num_validation", 1000), ("num_test", 1000),
                        ("num_dev", 500)):
        assert assigned(split, name) == [value]
    assert "'dev data shape: '" in split.source
    assert "np.random.seed" not in split.source, "the dev set is drawn without a seed"
    assert "print(X_train.shape, X_val.shape, X_test.shape, X_dev.shape)" in cells["preprocess"].source
    assert "np.ones((X_train.shape[0], 1))" in cells["preprocess"].source
    assert "np.random.randn(3073, 10) * 0.0001" in cells["naive-loss"].source
    assert "print('loss: %f' % (loss, ))" in cells["naive-loss"].source
    assert len(calls(cells["grad-check"], "grad_check_sparse")) == 2
    assert "5e1" in cells["grad-check"].source
    for label in ("'Naive loss: %e computed in %fs'", "'Vectorized loss: %e computed in %fs'",
                  "'difference: %f'"):
        assert label in cells["vectorized-loss"].source
    assert "ord='fro'" in cells["vectorized-grad"].source
    (train,) = calls(cells["sgd"], "svm.train")
    assert (train["learning_rate"], train["reg"], train["num_iters"], train["verbose"]) == \
        (1e-7, 2.5e4, 1500, True)
    assert "'That took %fs'" in cells["sgd"].source
    assert "'linear SVM on raw pixels final test set accuracy: %f'" in cells["test"].source


def test_svm_tuning_cell():
    cells = only("svm")
    tuning = cells["tuning"]
    assert tags(tuning) == {"code"}
    assert assigned(tuning, "learning_rates") == [[1e-7, 5e-5]]
    assert assigned(tuning, "regularization_strengths") == [[2.5e4, 5e4]]
    assert assigned(tuning, "best_val") == [-1] and assigned(tuning, "best_svm") == [None]
    (region,) = region_text(tuning)
    assert "LinearSVM()" in region, "a new model per setting"
    assert "'lr %e reg %e train accuracy: %f val accuracy: %f'" in tuning.source
    assert "'best validation accuracy achieved during cross-validation: %f'" in tuning.source


def test_svm_answers():
    only("svm")
    nb = load("svm")
    assert sorted(inline_questions(nb)) == [1, 2]
    assert "kink" in answer(nb, 1) and "max(0, x)" in answer(nb, 1)
    assert "template" in answer(nb, 2)


# ----------------------------------------------------------------------------- softmax.ipynb
def test_softmax_interface():
    cells = only("softmax")
    data = cells["load-data"]
    (function,) = [n for n in parse(data).body if isinstance(n, ast.FunctionDef)]
    assert function.name == "get_CIFAR10_data"
    assert [a.arg for a in function.args.args] == ["num_training", "num_validation", "num_test", "num_dev"]
    assert [ast.literal_eval(d) for d in function.args.defaults] == [49000, 1000, 1000, 500]
    assert "X_train, y_train, X_val, y_val, X_test, y_test, X_dev, y_dev = get_CIFAR10_data()" in data.source
    naive = cells["naive-loss"].source
    assert "print('loss: %f' % loss)" in naive and "print('sanity check: %f' % (-np.log(0.1)))" in naive
    assert len(calls(cells["grad-check"], "grad_check_sparse")) == 2
    for label in ("'Loss difference: %f'", "'Gradient difference: %f'"):
        assert label in cells["vectorized"].source
    tuning = cells["tuning"]
    assert tags(tuning) == {"code"}
    assert assigned(tuning, "learning_rates") == [[1e-7, 5e-7]]
    assert assigned(tuning, "regularization_strengths") == [[2.5e4, 5e4]]
    (region,) = region_text(tuning)
    assert "Softmax()" in region and "best_softmax" in region
    assert "'softmax on raw pixels final test set accuracy: %f'" in cells["test"].source


def test_softmax_answers_and_order():
    cells = only("softmax")
    nb = load("softmax")
    assert sorted(inline_questions(nb)) == [1, 2]
    assert answer(nb, 2).startswith("**Model answer:** True.")
    order = [cell.id for cell in nb.cells]
    assert order.index("test") < inline_questions(nb)[2] < order.index("weights-plot"), \
        "spec A1.3: test accuracy, then Inline Question 2, then the weight pictures"
    assert "2.302585" in cells["softmax-loss-md"].source


# ----------------------------------------------------------------------------- two_layer_net.ipynb
def test_two_layer_net_layer_checks_use_the_spec_inputs():
    cells = only("two_layer_net")
    forward = cells["affine-forward"].source
    for call in ("np.linspace(-0.1, 0.5,", "np.linspace(-0.2, 0.3,", "np.linspace(-0.3, 0.1,"):
        assert call in forward
    assert assigned(cells["affine-forward"], "input_shape") == [(4, 5, 6)]
    assert "1.49834967" in forward and "3.77273342" in forward
    assert "np.linspace(-0.5, 0.5, num=12).reshape(3, 4)" in cells["relu-forward"].source
    for cell_id in ("affine-backward", "relu-backward", "sandwich", "loss-layers", "two-layer-net"):
        assert "np.random.seed(231)" in cells[cell_id].source, cell_id
    for label in ("'dx error: '", "'dw error: '", "'db error: '"):
        assert label in cells["affine-backward"].source and label in cells["sandwich"].source
    loss = cells["loss-layers"]
    assert "x = 0.001 * np.random.randn(num_inputs, num_classes)" in loss.source
    assert assigned(loss, "(num_classes, num_inputs)") == [(10, 50)]
    assert "8.999602749096233" in cells["loss-layers-md"].source
    assert "2.302545844500738" in cells["loss-layers-md"].source


def test_two_layer_net_model_check_prints_the_kit_labels():
    cells = only("two_layer_net")
    net = cells["two-layer-net"]
    assert assigned(net, "(N, D, H, C)") == [(3, 5, 50, 7)] and assigned(net, "std") == [1e-3]
    for label in ("'Testing initialization ... '", "'Testing test-time forward pass ... '",
                  "'Testing training loss (no regularization)'",
                  "'Running numeric gradient check with reg = '", "'%s relative error: %.2e'"):
        assert label in net.source
    assert "3.4702243556" in net.source and "26.5948426952" in net.source
    assert "for reg in [0.0, 0.7]:" in net.source


def test_two_layer_net_student_cells():
    cells = only("two_layer_net")
    solver = cells["solver"]
    assert tags(solver) == set(), "spec A1.3: the Solver cell has no tag"
    (region,) = region_text(solver)
    assert "Solver(" in region and "optim_config" in region and ".train()" in region
    assert assigned(solver, "solver")[0] is None, "set before the region"
    tuning = cells["tuning"]
    assert tags(tuning) == {"code"}
    assert assigned(tuning, "best_model")[0] is None
    (region,) = region_text(tuning)
    assert "best_model = " in region
    source = cells["val-test-accuracy"].source
    assert "'Validation set accuracy: '" in source and "'Test set accuracy: '" in source


def test_two_layer_net_answers():
    only("two_layer_net")
    nb = load("two_layer_net")
    assert sorted(inline_questions(nb)) == [1, 2]
    assert answer(nb, 1).startswith("**Model answer:** The sigmoid and ReLU can; leaky ReLU cannot.")
    assert answer(nb, 2).startswith("**Model answer:** 1 and 3.")


# ----------------------------------------------------------------------------- features.ipynb
def test_features_interface():
    cells = only("features")
    extract = cells["extract-features"]
    assert assigned(extract, "num_color_bins") == [10]
    assert ("feature_fns = [hog_feature, lambda img: color_histogram_hsv(img, nbin=num_color_bins)]"
            in extract.source)
    assert "extract_features(X_train, feature_fns, verbose=True)" in extract.source
    svm = cells["svm-tuning"]
    assert tags(svm) == {"code"}
    assert assigned(svm, "learning_rates") == [[1e-9, 1e-8, 1e-7]]
    assert assigned(svm, "regularization_strengths") == [[5e4, 5e5, 5e6]]
    assert assigned(svm, "best_svm")[0] is None
    (region,) = region_text(svm)
    assert "LinearSVM()" in region, "a new model per setting"
    assert "'best validation accuracy achieved: %f'" in svm.source
    bias = cells["remove-bias"]
    assert bias.source.count("print(X_train_feats.shape)") == 2
    net = cells["nn-tuning"]
    assert tags(net) == {"code"}
    assert assigned(net, "hidden_dim") == [500] and assigned(net, "best_net")[0] is None
    (region,) = region_text(net)
    assert "TwoLayerNet(" in region and "best_net = " in region
    assert "(49000, 155)" in cells["nn-md"].source and "(49000, 154)" in cells["nn-md"].source


def test_features_answer_and_figure_order():
    only("features")
    nb = load("features")
    assert sorted(inline_questions(nb)) == [1]
    order = [cell.id for cell in nb.cells]
    assert order.index("svm-test") < order.index("misclassified-plot") == inline_questions(nb)[1] - 1
    text = answer(nb, 1)
    assert "HOG" in text and "colour" in text
