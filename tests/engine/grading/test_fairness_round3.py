"""Fairness, round 3 (issue 19): an unused import never changes a grade, the same seed
gives the same verdicts whatever student code does with numpy's global generator, a
function that timed out is not waited on again.

Runs on the toy assignment (tests/engine/fixtures/toy_assignment).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gradekit.config import load_assignment
from gradekit.grading.grade import grade_submission
from tests.support.paths import ENGINE_FIXTURES

TOY = ENGINE_FIXTURES / "toy_assignment"
FULL = 13


def copy_toy(tmp_path: Path) -> Path:
    target = tmp_path / "toy"
    shutil.copytree(TOY, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def reference_copy(tmp_path: Path, *, header: str = "", extra: str = "") -> Path:
    """The reference as a submission, ``header`` put above and ``extra`` below ops.py."""
    folder = tmp_path / "submission"
    shutil.copytree(TOY / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__"))
    ops = folder / "toy" / "ops.py"
    ops.write_text(header + ops.read_text() + extra)
    return folder


def by_number(result):
    return {check.number: check for check in result.checks}


# ------------------------------------------------------------------ (1) unused imports
IDE_AND_OLD_KIT_IMPORTS = (
    "from __future__ import print_function\n"
    "from builtins import range\n"
    "from builtins import object\n"
    "from future import standard_library\n"
    "standard_library.install_aliases()\n"
    "from past.builtins import xrange\n"
    "import six\n"
    "from six.moves import cPickle as pickle\n"
    "from matplotlib.pyplot import imshow, show\n"
    "import matplotlib.pyplot as plt\n"
    "import matplotlib\n"
    "matplotlib.use('Agg')\n"
    "plt.rcParams['figure.figsize'] = (10.0, 8.0)\n"
)


@pytest.mark.confined
def test_unused_display_and_old_kit_imports_score_full(tmp_path):
    folder = reference_copy(tmp_path, header=IDE_AND_OLD_KIT_IMPORTS, extra=(
        "\n\ndef _never_called():\n"
        "    plt.figure(); imshow(None); plt.plot([1, 2]); show()\n"
        "    return list(xrange(3)), six.PY3\n"))
    toy = load_assignment(TOY / "assignment" / "assignment.toml")
    result = grade_submission(folder, toy, seed=4)
    assert result.score == FULL, result.table()


@pytest.mark.confined
def test_stand_ins_do_what_old_code_expects_and_draw_nothing(tmp_path):
    copy = copy_toy(tmp_path)
    (copy / "autograder" / "test_extra.py").write_text(
        "import pytest\n\n\n"
        '@pytest.mark.grade(number="9.1", points=1, visibility="hidden", files=["toy/ops.py"])\n'
        "def test_old_names(student):\n"
        '    """old names work."""\n'
        '    got = student.call("toy.ops.old_names").value\n'
        "    assert got == [[0, 1, 2], True, 'x', 3, 'drawn nothing'], got\n")
    folder = reference_copy(tmp_path, header=IDE_AND_OLD_KIT_IMPORTS, extra=(
        "\n\ndef old_names():\n"
        "    fig, = [plt.figure()]\n"
        "    plt.plot([1, 2]); plt.show(); fig.savefig('plot.png')\n"
        "    import os\n"
        "    drawn = 'drawn nothing' if not os.path.exists('plot.png') else 'drew'\n"
        "    from past.builtins import basestring, long\n"
        "    return [list(xrange(3)), six.PY3, pickle.loads(pickle.dumps('x')),\n"
        "            long(3) if isinstance('a', basestring) else 0, drawn]\n"))
    toy = load_assignment(copy / "assignment" / "assignment.toml")
    result = grade_submission(folder, toy, seed=4)
    checks = by_number(result)
    assert checks["9.1"].passed, checks["9.1"].output
    assert result.score == FULL + 1


# ------------------------------------------------------------------ (5) the same seed
NOISY = (
    "\n\ndef noisy(x, reseed):\n"
    "    if reseed:\n"
    "        np.random.seed(None)\n"
    "        random.seed()\n"
    "    return x + np.random.randn(*x.shape) * 1e-3 + random.random() * 1e-3\n")

NOISY_CHECKS = "".join(
    f'@pytest.mark.grade(number="9.{n}", points=1, visibility="hidden", files=["toy/ops.py"])\n'
    f"def test_noisy_{n}(student, rng):\n"
    f'    """noisy {n}."""\n'
    f"    x = rng.standard_normal(3)\n"
    f'    out = student.call("toy.ops.noisy", x, {reseed}).value\n'
    f"    assert abs(out - x).max() < 1.5e-3 and out[0] - x[0] > 0, list(out - x)\n\n\n"
    for n, reseed in ((1, False), (2, True), (3, False), (4, True)))


@pytest.mark.confined
def test_the_same_seed_gives_the_same_verdicts_when_student_code_draws_or_reseeds(tmp_path):
    copy = copy_toy(tmp_path)
    (copy / "autograder" / "test_extra.py").write_text("import pytest\n\n\n" + NOISY_CHECKS)
    folder = reference_copy(tmp_path, header="import random\n", extra=NOISY)
    toy = load_assignment(copy / "assignment" / "assignment.toml")
    runs = [by_number(grade_submission(folder, toy, seed=seed))
            for seed in (11, 11, 11, 12, 12, 12)]
    outcomes = [tuple((n, c.passed, c.output) for n, c in sorted(run.items())) for run in runs]
    assert outcomes[0] == outcomes[1] == outcomes[2]
    assert outcomes[3] == outcomes[4] == outcomes[5]


# ------------------------------------------------------------------ (7) timed out once
HANGS = (
    "\n\ndef center_(x):\n"
    "    while True:\n"
    "        pass\n"
    "\n\ndef uses_center(x):\n"
    "    center_(x)\n"
    "    return x\n")

TWICE = "".join(
    f'@pytest.mark.grade(number="9.{n}", points=1, visibility="hidden", files=["toy/ops.py"])\n'
    f"def test_again_{n}(student, rng):\n"
    f'    """center_ again {n}."""\n'
    f'    student.call("{target}", rng.standard_normal((3, 2)))\n\n\n'
    for n, target in ((1, "toy.ops.center_"), (2, "toy.ops.uses_center")))

CELL = ('@pytest.mark.grade(number="9.3", points=1, visibility="hidden", files=["toy/ops.py"])\n'
        "def test_like_a_cell(student):\n"
        '    """a cell that calls it."""\n'
        '    student.call("builtins.exec", "from toy.ops import center_\\n'
        'import numpy\\ncenter_(numpy.ones((2, 2)))", {})\n')


@pytest.mark.confined
def test_a_function_that_timed_out_is_not_waited_on_again(tmp_path):
    copy = copy_toy(tmp_path)
    (copy / "autograder" / "test_zz_later.py").write_text(  # runs after test_ops.py
        "import pytest\n\n\n" + TWICE + CELL)
    folder = reference_copy(tmp_path, extra=HANGS)
    toy = load_assignment(copy / "assignment" / "assignment.toml")
    checks = by_number(grade_submission(folder, toy, seed=2))
    assert checks["1.2"].output == "toy.ops.center_ timed out after 2 s"  # the first call
    for number in ("9.1", "9.2", "9.3"):
        assert checks[number].score == 0
    assert checks["9.1"].output == ("toy.ops.center_ timed out earlier in this grade (after "
                                    "2 s); it is not run again")
    assert "raised TimeoutError: toy.ops.center_ timed out earlier" in checks["9.2"].output
    assert "TimeoutError: toy.ops.center_ timed out earlier" in checks["9.3"].output
    assert checks["1.1"].passed and checks["1.3"].passed  # the worker still serves the rest


# ------------------------------------------------------------------ (8) a notebook renamed
NOTEBOOK_EXPECTED = ("cs/layers.py", "Notebook.ipynb")


def _hand_in(folder: Path, names: list[str]) -> Path:
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"content of {name}")
    return folder


@pytest.mark.parametrize("how", ["folder", "zip", "alone"])
def test_a_lone_notebook_of_another_name_is_taken_with_a_note(tmp_path, how):
    import zipfile

    from gradekit.grading.intake import take_in

    names = ["hw/cs/layers.py", "hw/Notebook (1).ipynb"]
    source = _hand_in(tmp_path / "in", names)
    if how == "zip":
        submission = tmp_path / "sub.zip"
        with zipfile.ZipFile(submission, "w") as archive:
            for name in names:
                archive.write(source / name, name)
    elif how == "alone":
        submission = source / "hw" / "Notebook (1).ipynb"
    else:
        submission = source
    out = tmp_path / "out"
    out.mkdir()
    intake = take_in(submission, NOTEBOOK_EXPECTED, out)
    assert "Notebook.ipynb" in intake.found and "Notebook.ipynb" not in intake.missing
    assert (out / "Notebook.ipynb").read_text() == "content of hw/Notebook (1).ipynb"
    assert any("Notebook (1).ipynb" in note and "the only notebook" in note
               for note in intake.notes), intake.notes
    assert "the only notebook" in intake.summary()


def test_a_renamed_notebook_is_not_taken_when_there_are_two_or_the_right_one(tmp_path):
    from gradekit.grading.intake import take_in

    two = _hand_in(tmp_path / "two", ["cs/layers.py", "Notebook (1).ipynb", "Other.ipynb"])
    (tmp_path / "o1").mkdir()
    assert "Notebook.ipynb" in take_in(two, NOTEBOOK_EXPECTED, tmp_path / "o1").missing
    right = _hand_in(tmp_path / "right", ["cs/layers.py", "Notebook.ipynb"])
    (tmp_path / "o2").mkdir()
    intake = take_in(right, NOTEBOOK_EXPECTED, tmp_path / "o2")
    assert intake.found["Notebook.ipynb"] == "Notebook.ipynb" and not intake.notes


# ------------------------------------------------------------------ (6) placeholders
def test_placeholders_are_the_release_variants_own_and_a_zh_cn_notebook_left_so_scores_0(
        tmp_path):
    from gradekit.grading.notebook.findings import answered
    from gradekit.grading.notebook.matching import match_cells
    from gradekit.grading.notebook.reading import parse_notebook
    from gradekit.release.builder import Release
    from gradekit.release.translate import load_language
    from tests.support.paths import A2

    if not (A2.solutions / "cs231n" / "layers.py").is_file():
        pytest.skip("the reference solution is not there")
    import tomllib

    table = tomllib.loads(A2.toml.read_text(encoding="utf-8"))["grading"]["notebooks"][0]
    assert "placeholders" not in table  # no hand-typed list
    assignment = load_assignment(A2.toml)
    config = assignment.grading.notebooks[0]
    release = Release(assignment)
    zh = next(v for v in release.config.variants if v.name == "zh-CN")
    assert load_language(zh.translations)["BatchNormalization"].answer_placeholder in config.placeholders
    assert release.config.answer_placeholder in config.placeholders

    released = parse_notebook((A2.template / config.file).read_bytes())
    submitted = parse_notebook(release.student_tree(zh)[config.file].data)
    matching = match_cells(released.cells, submitted.cells)
    outcome, _ = answered(released, submitted, matching, config.answer_tag,
                          config.placeholders, 4000)
    assert outcome.earned == 0 and len(outcome.findings) == 4
    assert all(f.problem == "placeholder" for f in outcome.findings), outcome.findings
