"""Notebook scoring: the submitted notebook is read as hostile data and scored in parts.

Most tests score notebooks built from the released student copy ("fake-executed": the
setup and re-run cells executed here, in a separate process, with the reference package;
other cells given stand-in outputs and pictures), against one module-wide sandbox
running the reference package. A few grade whole submissions through grade_submission
with the real assignment, one of them a notebook run by Jupyter (nbclient).
"""

from __future__ import annotations

import base64
import contextlib
import copy
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import pytest

from gradekit.config import load_assignment
from gradekit.errors import UserError
from gradekit.grading.notebook import score_notebook
from gradekit.grading.notebook.matching import match_cells
from gradekit.grading.notebook.reading import parse_notebook
from gradekit.grading.notebook.rerun import (Stored, agree, compare, numbers, prepare,
                                             run_and_compare)
from gradekit.config import RerunCell
from gradekit.grading.results import GradeResult, write_results
from gradekit.markers import END, START
from gradekit.sandbox import launch
from gradekit.sandbox.controller import Limits, Sandbox
from tests.support.paths import A2
from tests.support.results_validation import validate

CONFIG_PATH = A2.toml
ASSIGNMENT = load_assignment(CONFIG_PATH)
CONFIG = ASSIGNMENT.grading.notebooks[0]
RELEASED = A2.template / "BatchNormalization.ipynb"
NAME = "BatchNormalization.ipynb"
SUBMIT = ASSIGNMENT.grading.submit
PARTS = {part.kind: part.number for part in CONFIG.parts}
ANSWERS = {f"a{i}": f"**Your Answer:** sentinel answer {i}: normalization keeps the scale."
           for i in range(1, 5)}

pytestmark = pytest.mark.skipif(not (A2.solutions / "cs231n" / "layers.py").is_file(),
                                reason="the reference solution is not there")

# Run in a separate process: execute the setup and re-run cells of a notebook with the
# package at argv[2] on sys.path, give every other code cell a stand-in output (a
# picture for the figure cells), number the cells in order, and write the notebook.
FAKE_RUN = r"""
import base64, contextlib, io, json, os, re, struct, sys, zlib
os.environ["MPLBACKEND"] = "Agg"
source_path, package_root, out_path, run_ids, figure_ids = sys.argv[1:6]
run_ids, figure_ids = json.loads(run_ids), json.loads(figure_ids)
sys.path.insert(0, package_root)
notebook = json.load(open(source_path, encoding="utf-8"))
namespace = {"__name__": "__main__"}
def png(width, height, rows):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))
# A stand-in plot: 160x120 pixels of many shades (what a saved figure looks like to the grader).
shades = b"".join(b"\x00" + bytes((x * 7 + y * 3) % 256 for x in range(160 * 3)) for y in range(120))
picture = base64.b64encode(png(160, 120, shades)).decode()
count = 0
for cell in notebook["cells"]:
    if cell["cell_type"] != "code":
        continue
    count += 1
    cell["execution_count"] = count
    source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    if cell.get("id") in run_ids:
        source = re.sub(r"(?m)^(\s*)[%!].*$", r"\1pass", source)
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            exec(source, namespace)
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": buffer.getvalue()}]
    elif cell.get("id") in figure_ids:
        cell["outputs"] = [{"output_type": "display_data", "metadata": {},
                            "data": {"image/png": picture, "text/plain": "<Figure>"}}]
    else:
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "done\n"}]
json.dump(notebook, open(out_path, "w", encoding="utf-8"), indent=1, ensure_ascii=False)
"""


def png(width: int, height: int, rows: bytes) -> bytes:
    """An RGB PNG of ``width`` x ``height`` pixels from filtered ``rows`` (uncompressed)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def open_folder(prefix: str) -> Path:
    """A temporary folder the sandbox user can read (tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    return folder


def open_tree(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def package_copy(destination: Path, edit: tuple[str, str] | None = None) -> Path:
    """The reference package under ``destination`` (optionally with one edit to layers.py)."""
    shutil.copytree(A2.solutions / "cs231n", destination / "cs231n",
                    ignore=shutil.ignore_patterns("__pycache__"))
    if edit is not None:
        layers = destination / "cs231n" / "layers.py"
        text = layers.read_text(encoding="utf-8")
        assert text.count(edit[0]) == 1, edit[0]
        layers.write_text(text.replace(edit[0], edit[1]), encoding="utf-8")
    return destination


def fake_run(source: Path, package_root: Path, answers: dict[str, str] | None = None) -> dict:
    """``source`` notebook "executed" with the package at ``package_root`` (see FAKE_RUN)."""
    out = package_root / "fake-run.ipynb"
    run_ids = list(CONFIG.setup) + [rule.cell for rule in CONFIG.rerun]
    subprocess.run([sys.executable, "-c", FAKE_RUN, str(source), str(package_root), str(out),
                    json.dumps(run_ids), json.dumps(list(CONFIG.figures))],
                   check=True, capture_output=True, timeout=300)
    notebook = json.loads(out.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell.get("id") in (answers or {}):
            cell["source"] = answers[cell["id"]]
    return notebook


@pytest.fixture(scope="module")
def reference_folder():
    folder = package_copy(open_folder("gradekit-nb-ref-"))
    open_tree(folder)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def executed(reference_folder):
    """The released copy fake-executed with the reference, the four answers written."""
    return fake_run(RELEASED, reference_folder, ANSWERS)


@pytest.fixture(scope="module")
def sandbox(reference_folder):
    with Sandbox(reference_folder, limits=Limits(timeout=30.0)) as box:
        box.wait_ready()
        yield box


def score(notebook, sandbox, tmp_path, present=SUBMIT, config=CONFIG):
    """Score ``notebook`` (a dict, or bytes written as they are) with the module sandbox."""
    data = notebook if isinstance(notebook, bytes) else json.dumps(notebook).encode()
    (tmp_path / NAME).write_bytes(data)
    report = score_notebook(config, CONFIG_PATH, tmp_path, sandbox, set(present), SUBMIT)
    return report, {check.number: check for check in report.checks}


def part(checks, kind):
    return checks[PARTS[kind]]


def full(check) -> bool:
    return check.passed and check.score == check.max_score


def code_cell(notebook, ident):
    return next(c for c in notebook["cells"] if c.get("id") == ident)


def text_of(cell) -> str:
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


# ----------------------------------------------------------------- notebooks that pass


def test_reference_notebook_scores_every_part(executed, sandbox, tmp_path):
    report, checks = score(executed, sandbox, tmp_path)
    assert sorted(checks) == sorted(PARTS.values())
    for check in report.checks:
        assert full(check), (check.number, check.output)
    assert sum(c.max_score for c in report.checks) == 10
    assert report.extra["answers"] == ANSWERS
    assert [f["cell_id"] for f in report.extra["figures"]] == list(CONFIG.figures)
    assert all(len(f["png_sha256"]) == 64 and f["problem"] is None
               for f in report.extra["figures"])
    assert report.extra["matched"] == {"id": len(executed["cells"])}
    assert report.extra["findings"] == []
    for check in report.checks:
        assert "sentinel answer" not in check.output


def test_ids_stripped_as_colab_does_still_match(executed, sandbox, tmp_path):
    notebook = copy.deepcopy(executed)
    notebook["nbformat_minor"] = 0
    for cell in notebook["cells"]:
        del cell["id"]
        cell["metadata"] = {}
    report, checks = score(notebook, sandbox, tmp_path)
    assert all(full(c) for c in report.checks), [c.output for c in report.checks]
    assert "id" not in report.extra["matched"]
    assert report.extra["answers"] == ANSWERS  # rewritten cells found by their position
    assert any("matched by content or position" in note for note in report.staff_log)


def test_new_ids_and_a_45_notebook_without_ids_still_match(executed, sandbox, tmp_path):
    notebook = copy.deepcopy(executed)
    for index, cell in enumerate(notebook["cells"]):
        cell["id"] = f"random-{index}"
    _, checks = score(notebook, sandbox, tmp_path)
    assert all(full(c) for c in checks.values())
    for cell in notebook["cells"]:
        del cell["id"]  # still says format 4.5 (VS Code): read as 4.4, not refused
    report, checks = score(notebook, sandbox, tmp_path)
    assert all(full(c) for c in checks.values())
    assert any("no id" in note for note in report.staff_log)


@pytest.mark.parametrize("variant", ["colab", "zh-CN"])
def test_released_variants_are_not_tampering(variant, reference_folder, sandbox, tmp_path):
    """The Colab copy (an extra first cell, pictures as attachments) and the zh-CN copy
    (translated markdown and comments) score like the Jupyter copy."""
    from gradekit.release.builder import Release

    release = Release(ASSIGNMENT)
    chosen = next(v for v in release.config.variants if v.name == variant)
    source = tmp_path / f"{variant}.ipynb"
    source.write_bytes(release.student_tree(chosen)[NAME].data)
    placeholder = CONFIG.placeholders[1] if variant == "zh-CN" else CONFIG.placeholders[0]
    answers = {key: value.replace("**Your Answer:**", placeholder.split("*[")[0].strip())
               for key, value in ANSWERS.items()}
    notebook = fake_run(source, package_copy(open_folder("gradekit-nb-var-")), answers)
    report, checks = score(notebook, sandbox, tmp_path)
    assert all(full(c) for c in checks.values()), [c.output for c in report.checks]
    staff = [f for f in report.extra["findings"] if f["part"] == "untampered"]
    if variant == "zh-CN":
        assert staff and all(f["message"].startswith("the given markdown cell") for f in staff)


# ----------------------------------------------------------------- notebooks that must not


def test_unrun_and_erroring_cells(executed, sandbox, tmp_path):
    notebook = copy.deepcopy(executed)
    unrun = code_cell(notebook, "deep-net-train")
    unrun["execution_count"], unrun["outputs"] = None, []
    broken = code_cell(notebook, "load-data")
    broken["outputs"] = [{"output_type": "error", "ename": "FileNotFoundError",
                          "evalue": "no CIFAR-10 here", "traceback": []}]
    _, checks = score(notebook, sandbox, tmp_path)
    complete = part(checks, "complete")
    code = sum(c["cell_type"] == "code" for c in notebook["cells"])
    assert not complete.passed and complete.score == pytest.approx(2 * (code - 2) / code)
    assert "was not run" in complete.output and "Train the same deep network" in complete.output
    assert "ends in an error (FileNotFoundError: no CIFAR-10 here)" in complete.output
    assert full(part(checks, "consistent"))  # neither cell is re-run


def test_cells_run_out_of_order(executed, sandbox, tmp_path):
    notebook = copy.deepcopy(executed)
    code_cell(notebook, "bn-forward-test")["execution_count"] = 99
    _, checks = score(notebook, sandbox, tmp_path)
    complete = part(checks, "complete")
    assert not complete.passed
    assert complete.output.count("out of order") == 1 and "execution count 99" in complete.output


def test_typed_execution_counts_without_outputs_are_not_a_run(executed, sandbox, tmp_path):
    """Counts typed into a notebook never run: a cell that prints whenever it runs has
    no output, so it was not run. Cells that print nothing when run are not judged so."""
    notebook = copy.deepcopy(executed)
    typed = [c for c in notebook["cells"] if c["cell_type"] == "code" and
             "print(" in text_of(c) and not text_of(c).lstrip().startswith(("def ", "for "))]
    assert typed
    for cell in typed:
        cell["outputs"] = []
    _, checks = score(notebook, sandbox, tmp_path)
    complete = part(checks, "complete")
    assert not complete.passed
    assert "has an execution count but none of the output it prints" in complete.output


def stored_picture(notebook, data: bytes) -> None:
    for ident in CONFIG.figures:
        code_cell(notebook, ident)["outputs"] = [
            {"output_type": "display_data", "metadata": {},
             "data": {"image/png": base64.b64encode(data).decode(), "text/plain": "<Figure>"}}]


@pytest.mark.parametrize("name, picture, said", [
    ("tiny", lambda: png(8, 8, b"".join(b"\x00" + os.urandom(24) for _ in range(8))),
     "is 8x8 pixels, too small for a plot"),
    ("blank", lambda: png(400, 300, (b"\x00" + b"\xff" * 1200) * 300), "is blank (one colour)"),
    ("random bytes", lambda: b"\x89PNG\r\n\x1a\n" + os.urandom(64), "is not a PNG picture")])
def test_placeholder_pictures_are_not_plots(executed, sandbox, tmp_path, name, picture, said):
    notebook = copy.deepcopy(executed)
    stored_picture(notebook, picture())
    report, checks = score(notebook, sandbox, tmp_path)
    figures = part(checks, "figures")
    assert figures.score == 0 and said in figures.output and "not the plot" in figures.output
    assert all(f["problem"] for f in report.extra["figures"])


def test_unrun_notebook_scores_only_what_is_given(sandbox, tmp_path):
    released = json.loads(RELEASED.read_text(encoding="utf-8"))
    _, checks = score(released, sandbox, tmp_path)
    assert part(checks, "complete").score == 0 and part(checks, "answered").score == 0
    # Untouched is not a merit: a notebook nobody ran earns nothing for being unchanged.
    untampered = part(checks, "untampered")
    assert untampered.score == 0 and "none of the notebook's code cells was run" in untampered.output
    assert part(checks, "consistent").score == 0
    assert "no numbers to compare" in part(checks, "consistent").output
    assert part(checks, "figures").score == 0 and "no plot stored" in part(checks, "figures").output


def test_blank_and_placeholder_answers(executed, sandbox, tmp_path):
    notebook = copy.deepcopy(executed)
    code_cell(notebook, "a1")["source"] = "   \n"
    code_cell(notebook, "a2")["source"] = "**Your Answer:** *[FILL THIS IN]*"
    code_cell(notebook, "a3")["source"] = "**Your Answer:**  "
    code_cell(notebook, "a4")["source"] = ("**Your Answer:** *[FILL THIS IN]*\n\nSituation 2: "
                                           "few features give noisy statistics.")
    report, checks = score(notebook, sandbox, tmp_path)
    answered = part(checks, "answered")
    assert answered.score == pytest.approx(0.5) and not answered.passed
    assert answered.output.count("is empty") == 2
    assert answered.output.count("still holds the placeholder") == 1
    assert '"Inline Question 2"' in answered.output
    problems = {f["cell"]: f["problem"] for f in report.extra["findings"]
                if f["part"] == "answered"}
    assert problems == {"a1": "blank", "a2": "placeholder", "a3": "blank"}
    assert "Situation 2" in report.extra["answers"]["a4"]


def test_edited_given_code_cell(executed, sandbox, tmp_path):
    notebook = copy.deepcopy(executed)
    cell = code_cell(notebook, "bn-forward-test")
    cell["source"] = text_of(cell).replace("np.random.seed(231)", "np.random.seed(0)")
    _, checks = score(notebook, sandbox, tmp_path)
    untampered = part(checks, "untampered")
    assert untampered.score == 0 and untampered.output.splitlines()[1].startswith(
        'the given code cell under "Batch normalization: forward pass" ("# Warm up the running')
    assert untampered.output.splitlines()[1].endswith("was changed")
    assert full(part(checks, "consistent"))  # the released copy is what was re-run


def test_comment_and_markdown_edits_cost_nothing(executed, sandbox, tmp_path):
    notebook = copy.deepcopy(executed)
    cell = code_cell(notebook, "bn-forward-test")
    cell["source"] = "# my own note\n" + text_of(cell).replace("\n", "   \n", 3)
    markdown = code_cell(notebook, "bn-forward-md")
    markdown["source"] = text_of(markdown) + "\n\nI read this twice."
    report, checks = score(notebook, sandbox, tmp_path)
    assert full(part(checks, "untampered"))
    staff = [f for f in report.extra["findings"] if f["part"] == "untampered"]
    assert [(f["cell"], f["problem"]) for f in staff] == [("bn-forward-md", "changed")]
    assert "I read" not in part(checks, "untampered").output


def test_deleted_given_cell(executed, sandbox, tmp_path):
    notebook = copy.deepcopy(executed)
    notebook["cells"] = [c for c in notebook["cells"] if c.get("id") != "ln-forward-check"]
    _, checks = score(notebook, sandbox, tmp_path)
    untampered = part(checks, "untampered")
    assert untampered.score == 0 and "was deleted" in untampered.output
    assert "same kind of activations" in untampered.output
    assert "missing from your notebook" in part(checks, "complete").output
    consistent = part(checks, "consistent")
    assert consistent.score == pytest.approx(3 * 5 / 6) and "missing" in consistent.output


def test_forged_output_is_caught(executed, sandbox, tmp_path):
    notebook = copy.deepcopy(executed)
    cell = code_cell(notebook, "bn-forward-test")
    stored = cell["outputs"][0]["text"]
    lines = stored.splitlines(keepends=True)
    lines[2] = "  stds:   [1.         1.         1.        ]\n"
    cell["outputs"][0]["text"] = "".join(lines)
    _, checks = score(notebook, sandbox, tmp_path)
    consistent = part(checks, "consistent")
    assert consistent.score == pytest.approx(3 * 5 / 6) and not consistent.passed
    assert "does not match what your code prints now" in consistent.output
    assert "number 4 is 1." in consistent.output and "1.01531428" in consistent.output


# Appended to the skeleton's layers.py: code that makes the re-run print what the notebook
# stored, whatever the functions compute. "compile": every cell the grader compiles as
# "<notebook cell>" in this process becomes a print of the stored output of the notebook
# cell it comes from, and print itself goes quiet. "calls": each skeleton function prints
# the stored output of the cell calling it and returns an object whose every method
# answers with empty text, so the cell's own prints show no numbers of their own.
# Both read the submitted notebook beside the package: (id, source, stored stdout) per cell.
READ_STORED = r"""
import json as _json, os as _os, sys as _sys

def _stored_cells():
    here = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
    for folder in (here, _os.getcwd()):
        path = _os.path.join(folder, "BatchNormalization.ipynb")
        if _os.path.exists(path):
            cells = _json.load(open(path, encoding="utf-8"))["cells"]
            return [(c.get("id"), "".join(c["source"]),
                     "".join(o.get("text", "") for o in c["outputs"] if o.get("name") == "stdout"))
                    for c in cells if c["cell_type"] == "code"]
    return []
"""
FORGERIES = {
    "compile": READ_STORED + r"""
import builtins as _builtins

_STORED = [(source, output) for _, source, output in _stored_cells()]
_real_compile = _builtins.compile

def _lines(text):
    return [l.strip() for l in text.splitlines() if l.strip() and not l.strip().startswith("#")]

def _forged_compile(source, filename, mode, *args, **kwargs):
    if filename == "<notebook cell>" and isinstance(source, str) and _lines(source):
        mine = set(_lines(source))
        shared, output = max(((len(mine & set(_lines(text))), output)
                              for text, output in _STORED if output), default=(0, ""))
        if shared:
            source = "import sys as _s\n_s.__stdout__.write(%r)\n" % output
    return _real_compile(source, filename, mode, *args, **kwargs)

_builtins.compile = _forged_compile
_builtins.print = lambda *args, **kwargs: None
""",
    "calls": READ_STORED + r"""
_OUTPUTS = {ident: output for ident, _, output in _stored_cells()}
_SAID = set()

class _Blank:
    def __getattr__(self, name):
        return lambda *args, **kwargs: _Blank()
    def __getitem__(self, key):
        return _Blank()
    def __format__(self, spec):
        return ""
    __str__ = __repr__ = lambda self: ""

def _forger(name):
    cells = {"batchnorm_forward": ["bn-forward-train", "bn-forward-test"],
             "batchnorm_backward": ["bn-backward-check"],
             "batchnorm_backward_alt": ["bn-backward-alt-compare"],
             "layernorm_forward": ["ln-forward-check"],
             "layernorm_backward": ["ln-backward-check"]}.get(name, [])
    def forged(*args, **kwargs):
        for cell in cells:
            if cell not in _SAID:
                _SAID.add(cell)
                _sys.stdout.write(_OUTPUTS.get(cell, ""))
                break
        return _Blank(), _Blank()
    return forged

for _name in ("batchnorm_forward", "batchnorm_backward", "batchnorm_backward_alt",
              "layernorm_forward", "layernorm_backward"):
    globals()[_name] = _forger(_name)
""",
}

FORGERY_MODES = [mode for mode, usable in (("bwrap", launch.bwrap_works()),
                                           ("account", launch.is_root()), ("none", True))
                 if usable]


@pytest.mark.parametrize("mode", FORGERY_MODES)
@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_skeleton_code_cannot_forge_the_consistent_part(executed, tmp_path, monkeypatch, mode,
                                                        forgery):
    """Skeleton code whose module patches its own process to print the stored numbers
    scores 0 on `consistent`: the cells run in the controller, not in that process."""
    folder = open_folder("gradekit-nb-forger-")
    try:
        shutil.copytree(A2.template / "cs231n", folder / "cs231n",
                        ignore=shutil.ignore_patterns("__pycache__"))
        layers = folder / "cs231n" / "layers.py"
        layers.write_text(layers.read_text(encoding="utf-8") + FORGERIES[forgery],
                          encoding="utf-8")
        (folder / NAME).write_text(json.dumps(executed), encoding="utf-8")
        open_tree(folder)
        monkeypatch.setenv("GRADEKIT_CONFINEMENT", mode)
        with Sandbox(folder, limits=Limits(timeout=30.0)) as box:
            box.wait_ready()
            assert box.mode == mode or (mode == "account" and box.mode == "none")
            report, checks = score(executed, box, tmp_path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    consistent = part(checks, "consistent")
    assert consistent.score == 0, consistent.output
    assert "match what your code prints now" in consistent.output
    # The parts that do not re-run anything are the stored notebook's (the reference's).
    assert full(part(checks, "complete")) and full(part(checks, "answered"))


def test_stale_output_is_caught(sandbox, tmp_path):
    """Outputs saved while batchnorm used the N-1 variance, code fixed and not re-run."""
    stale_root = package_copy(open_folder("gradekit-nb-stale-"), (
        "        var = (xc**2).mean(axis=0)\n",
        "        var = (xc**2).sum(axis=0) / (x.shape[0] - 1)\n"))
    notebook = fake_run(RELEASED, stale_root, ANSWERS)
    shutil.rmtree(stale_root, ignore_errors=True)
    report, checks = score(notebook, sandbox, tmp_path)
    consistent = part(checks, "consistent")
    assert not consistent.passed
    stale = {f["cell"] for f in report.extra["findings"] if f["part"] == "consistent"}
    assert {"bn-forward-train", "bn-forward-test"} <= stale
    assert "ln-forward-check" not in stale and "ln-backward-check" not in stale
    assert all(full(part(checks, kind)) for kind in ("complete", "answered", "untampered"))


def test_student_regions_in_given_code_cells_are_the_students(sandbox, tmp_path):
    released = json.loads(RELEASED.read_text(encoding="utf-8"))
    cell = code_cell(released, "bn-forward-test")
    region = f"{START}\npass\n{END}\n"
    cell["source"] = region + text_of(cell)
    path = tmp_path / "released.ipynb"
    path.write_text(json.dumps(released))
    config = type(CONFIG)(**{**CONFIG.__dict__, "released": path})
    mine = copy.deepcopy(released)
    runs = [c for c in mine["cells"] if c["cell_type"] == "code"]
    for count, code in enumerate(runs, 1):  # run, so that untampered is scored at all
        code["execution_count"] = count
    code_cell(mine, "bn-forward-test")["source"] = (
        f"{START}\nmine = 42\nprint(mine)\n{END}\n" + text_of(cell)[len(region):])
    _, checks = score(mine, sandbox, tmp_path, config=config)
    assert full(part(checks, "untampered"))
    code_cell(mine, "bn-forward-test")["source"] = "mine = 42\n" + text_of(cell)[len(region):]
    _, checks = score(mine, sandbox, tmp_path, config=config)
    assert part(checks, "untampered").score == 0  # code outside the markers is given code


# ----------------------------------------------------------------- hostile files


def hostile_files() -> dict[str, bytes]:
    valid = json.loads(RELEASED.read_text(encoding="utf-8"))
    wrong_format = dict(valid, nbformat=3)
    bad_schema = copy.deepcopy(valid)
    bad_schema["cells"][0]["cell_type"] = "spreadsheet"
    return {
        "garbage": b"\x00\x01 this is not json {",
        "truncated": RELEASED.read_bytes()[:5000],
        "not-utf8": RELEASED.read_bytes().replace(b"Batch", b"\xff\xfeBatch", 1),
        "deep-nesting": b'{"cells": ' + b"[" * 200000 + b"]" * 200000 + b"}",
        "a-list": b"[1, 2, 3]",
        "format-3": json.dumps(wrong_format).encode(),
        "bad-schema": json.dumps(bad_schema).encode(),
        "huge-int": b'{"cells": [], "nbformat": 4, "nbformat_minor": 5, "x": ' + b"9" * 5000
                    + b"}",
        "oversized": b" " * ((CONFIG.max_mb << 20) + 1),
    }


@pytest.mark.parametrize("kind", sorted(hostile_files()))
def test_hostile_files_get_a_message_and_a_valid_result(kind, sandbox, tmp_path):
    report, checks = score(hostile_files()[kind], sandbox, tmp_path)
    assert sorted(checks) == sorted(PARTS.values())
    assert all(c.score == 0 and c.output.startswith(f"{NAME} ") for c in checks.values())
    assert report.extra["error"].startswith(f"{NAME} ")
    result = GradeResult(checks=report.checks, seed=1)
    write_results(result, tmp_path / "results.json")
    validate(json.loads((tmp_path / "results.json").read_text()))


def test_hostile_content_in_a_valid_notebook(executed, sandbox, tmp_path):
    """Lone surrogates, huge outputs, deep metadata, thousands of cells: read, bounded."""
    notebook = copy.deepcopy(executed)
    code_cell(notebook, "a1")["source"] = "**Your Answer:** \ud800 lone \udfff surrogates " * 2000
    code_cell(notebook, "deep-net-train")["outputs"] = [
        {"output_type": "stream", "name": "stdout", "text": "1.5 " * (3 << 20)}]
    deep: dict = {}
    for _ in range(500):
        deep = {"d": deep}
    code_cell(notebook, "setup")["metadata"]["deep"] = deep
    notebook["cells"] += [{"cell_type": "markdown", "id": f"extra-{i}", "metadata": {},
                           "source": f"extra {i}"} for i in range(3000)]
    bn_test = code_cell(notebook, "bn-forward-test")
    bn_test["outputs"].append({"output_type": "stream", "name": "stdout",
                               "text": "\ud800 0.5\n" * 100000})
    data = json.dumps(notebook, ensure_ascii=True).encode()
    report, checks = score(data, sandbox, tmp_path)
    assert full(part(checks, "complete")) and full(part(checks, "untampered"))
    answer = report.extra["answers"]["a1"]
    assert "\ud800" not in answer and "? lone ?" in answer and len(answer) <= 20000
    assert not part(checks, "consistent").passed  # the extra stored numbers do not match
    result = GradeResult(seed=1)
    report.add_to(result)
    write_results(result, tmp_path / "results.json")
    document = validate(json.loads((tmp_path / "results.json").read_text(encoding="utf-8")))
    assert (tmp_path / "results.json").stat().st_size < 200_000
    assert "lone" in document["extra_data"]["notebooks"]["BatchNormalization.ipynb"]["answers"]["a1"]


# ----------------------------------------------------------------- pieces


def test_number_comparison_rules():
    plain = RerunCell("c")
    noisy = RerunCell("c", small=1e-6)
    assert agree("1.01531428", "1.0153142800000001", plain)
    assert not agree("1.01531428", "1.01532428", plain)
    assert agree("1.10e-04", "1.11e-04", RerunCell("c", rtol=0.02))  # three digits printed
    assert not agree("1.10e-04", "1.11e-04", plain)
    assert not agree("1.", "1.01531428", plain)          # numpy drops trailing zeros
    assert not agree("5", "6", plain)                     # integers agree exactly
    assert agree("5.99e-17", "-2.1e-17", plain)          # rounding noise under atol
    assert agree("1.6e-09", "9.1e-09", noisy) and not agree("1.6e-09", "9.1e-09", plain)
    assert not agree("1.6e-09", "2.0e-07", noisy)        # more than a factor of 10
    assert not agree("1.6e-09", "0.5", noisy)
    assert agree("nan", "nan", plain) and not agree("nan", "1.0", plain)
    assert [t for t, _ in numbers("W1 relative error: 1.10e-04\nspeedup: 2.80x\n",
                                  ("^speedup",))] == ["1.10e-04"]
    assert compare("a 1\nb 2\n", "a 1\nb 2\nc 3\n", plain).startswith(
        "its stored output shows 2 numbers")


def test_released_cells_are_prepared_for_the_worker():
    source = ("%load_ext autoreload\nimport os\nimport matplotlib.pyplot as plt\n"
              "plt.rcParams['x'] = 1\nfig = plt.figure()\nfig.savefig('a')\n"
              "def helper():\n    return plt\nprint(os.sep)\n")
    prepared = prepare(source, ("matplotlib",), "cell")
    assert "plt.rcParams" not in prepared and "fig" not in prepared and "%" not in prepared
    assert "def helper" in prepared and "print(os.sep)" in prepared
    with pytest.raises(UserError, match="cell: the released cell does not parse"):
        prepare("def (:", (), "cell")


def test_a_rerun_can_stop_before_a_statement():
    """``until``: what runs is the cell up to the first statement the pattern matches."""
    source = ("x = 2\nprint('result', x)\ndef best_time(f):\n    return f()\n"
              "print('speedup', best_time(lambda: 1))\n")
    prepared = prepare(source, (), "cell", until="def best_time")
    assert "print('result', x)" in prepared and "best_time" not in prepared
    namespace: dict = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(prepared, namespace)
    assert printed.getvalue() == "result 2\n"
    with pytest.raises(UserError, match="cell: rerun's until = 'def never' matches no"):
        prepare(source, (), "cell", until="def never")


def test_matching_pairs_moved_and_rewritten_cells():
    released = parse_notebook(RELEASED.read_bytes())
    mine = json.loads(RELEASED.read_text(encoding="utf-8"))
    for cell in mine["cells"]:
        cell.pop("id")
    mine["nbformat_minor"] = 4
    cells = mine["cells"]
    target = next(i for i, c in enumerate(cells) if "Warm up the running" in text_of(c))
    cells[target]["source"] = text_of(cells[target]).replace("50", "60")  # edited
    cells.insert(5, {"cell_type": "code", "execution_count": None, "metadata": {},
                     "outputs": [], "source": "print('my own cell')"})
    submitted = parse_notebook(json.dumps(mine).encode())
    matching = match_cells(released.cells, submitted.cells)
    by_id = {c.id: c.index for c in released.cells}
    assert matching.pairs[by_id["bn-forward-test"]] == target + 1
    assert matching.how[by_id["bn-forward-test"]] == "similar"
    assert 5 not in matching.pairs.values()
    assert len(matching.pairs) == len(released.cells)


def test_rerun_survives_timeouts_and_sets_the_environment(sandbox, tmp_path):
    cells = [(RerunCell("loop"), "while True:\n    pass\n"),
             (RerunCell("env"), "import os\nprint(os.environ['GRADEKIT_NB_TEST'])\n"),
             (RerunCell("raises"), "raise ValueError('broken')\n"),
             (RerunCell("chatty"), "for i in range(100000):\n    print(i + 0.5)\n")]
    stored = {"loop": Stored("1\n", []), "env": Stored("7\n", []),
              "raises": Stored("", ["ValueError: broken"]),
              "chatty": Stored("".join(f"{i + 0.5}\n" for i in range(100000)), [])}
    verdicts = run_and_compare(sandbox, [], cells, stored, {"GRADEKIT_NB_TEST": "7"}, 1.0, 30,
                               tmp_path, [])
    assert verdicts.cells["loop"] == "re-running it timed out after 1 s"
    assert verdicts.cells["env"] is None
    # The same error as stored is no mismatch, but shows no numbers: not credited.
    assert verdicts.cells["raises"].startswith("it stops with ValueError")
    assert verdicts.cells["chatty"] is None  # the worker kept 64 KB of it: compared so far


def test_a_setup_cell_that_hangs_stops_the_rerun_within_its_budget(sandbox, tmp_path):
    cells = [(RerunCell(f"c{i}"), "print(1)\n") for i in range(3)]
    stored = {f"c{i}": Stored("1\n", []) for i in range(3)}
    verdicts = run_and_compare(sandbox, [("setup", "import time\ntime.sleep(60)\n")], cells,
                               stored, {}, 1.0, 30, tmp_path, [])
    assert all(v == "not re-run: the setup cell setup did not finish"
               for v in verdicts.cells.values())
    assert "timed out" in verdicts.setup_errors[0]
    verdicts = run_and_compare(sandbox, [], [(RerunCell("slow"), "import time\ntime.sleep(5)\n"),
                                             *cells], {**stored, "slow": Stored("", [])}, {},
                               30.0, 1.5, tmp_path, [])
    stopped = re.fullmatch(r"re-running it timed out after ([\d.]+) s", verdicts.cells["slow"])
    assert stopped and float(stopped.group(1)) <= 1.5  # what was left of the budget
    assert verdicts.cells["c0"] == "not re-run: the time for re-running cells ran out"


@pytest.mark.parametrize("table,message", [
    ('parts = []', "grading.notebooks[0].parts must be a non-empty array"),
    ('parts = [{kind = "vibes", number = "9", points = 1}]', "parts[0].kind must be one of"),
    ('parts = [{kind = "complete", number = "9", points = 1, colour = 1}]',
     "parts[0]: unknown key 'colour'"),
    ('parts = [{kind = "complete", number = "9", points = "1"}]', "parts[0].points must be"),
    ('file = "other.ipynb"\nparts = [{kind = "complete", number = "9", points = 1}]',
     "grading.notebooks[0].file 'other.ipynb' is not one of grading.submit"),
    ('rerun = [{cell = "x", ignore = ["("]}]\n'
     'parts = [{kind = "complete", number = "9", points = 1}]', "rerun[0].ignore: bad regular"),
])
def test_config_errors_name_the_file_and_key(tmp_path, table, message):
    text = ('[assignment]\nname = "x"\n[grading]\nsubmit = ["n.ipynb"]\n'
            'public_checks = "p"\n[[grading.notebooks]]\n')
    if not table.startswith("file"):
        text += 'file = "n.ipynb"\n'
    (tmp_path / "assignment.toml").write_text(text + table + "\n")
    with pytest.raises(UserError, match=r"assignment.toml:\d+: .*" + message.replace("[", r"\[")
                       .replace("(", r"\(")):
        load_assignment(tmp_path / "assignment.toml")


def test_a_rerun_cell_missing_from_the_release_is_a_config_error(sandbox, tmp_path):
    config = type(CONFIG)(**{**CONFIG.__dict__, "rerun": (RerunCell("no-such-cell"),)})
    with pytest.raises(UserError, match=r"grading.notebooks \(BatchNormalization.ipynb\).rerun: .* no code cell with id "
                                        "'no-such-cell'"):
        score({}, sandbox, tmp_path, config=config)


# ----------------------------------------------------------------- whole grades


GRADE = """
import json, sys
from pathlib import Path
from gradekit.config import load_assignment
from gradekit.grading.grade import grade_submission
submission, config, results, seed = sys.argv[1:5]
result = grade_submission(Path(submission), load_assignment(config),
                          results_path=Path(results), seed=int(seed))
print(json.dumps({"error": result.error, "score": result.score,
                  "max_score": result.max_score}))
"""


def grade(submission: Path, results: Path, seed: int) -> dict:
    """grade_submission in a fresh process (it forgets the reference's modules when done,
    which the reference tests of this session also load, under another name)."""
    done = subprocess.run([sys.executable, "-c", GRADE, str(submission), str(CONFIG_PATH),
                           str(results), str(seed)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def submission_folder(notebook: dict | None, with_code: bool = True) -> Path:
    folder = open_folder("gradekit-nb-sub-")
    if with_code:
        package_copy(folder)
    if notebook is not None:
        (folder / NAME).write_text(json.dumps(notebook), encoding="utf-8")
    return folder


@pytest.mark.confined
def test_lone_notebook_is_graded_for_its_parts(executed, tmp_path):
    lone = tmp_path / NAME
    lone.write_text(json.dumps(executed), encoding="utf-8")
    results = tmp_path / "results" / "results.json"
    result = grade(lone, results, seed=3)
    document = validate(json.loads(results.read_text(encoding="utf-8")))
    tests = {t["number"]: t for t in document["tests"]}
    for kind in ("complete", "answered", "untampered", "figures"):
        assert tests[PARTS[kind]]["score"] == tests[PARTS[kind]]["max_score"] > 0, kind
    consistent = tests[PARTS["consistent"]]
    assert consistent["score"] == 0 and consistent["output"].startswith("needs cs231n/layers.py")
    assert "Only BatchNormalization.ipynb was handed in" in document["output"]
    assert document["score"] == 7 and result["score"] == 7
    assert document["extra_data"]["notebooks"]["BatchNormalization.ipynb"]["answers"] == ANSWERS


@pytest.mark.confined
def test_hostile_notebook_through_grade_submission(tmp_path):
    folder = submission_folder(None)
    (folder / NAME).write_bytes(b'{"cells": [' + b"[" * 100000)
    results = tmp_path / "results.json"
    try:
        result = grade(folder, results, seed=4)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert result["error"] is None
    document = validate(json.loads(results.read_text(encoding="utf-8")))
    notebook_tests = [t for t in document["tests"] if t["number"] in PARTS.values()]
    assert len(notebook_tests) == 5
    assert all(t["score"] == 0 and "nested too deeply" in t["output"]
               for t in notebook_tests)
    code = [t for t in document["tests"] if t not in notebook_tests]
    unaffected = [t for t in code if t["status"] == "passed" or "ipynb" in t["output"]]
    assert unaffected == code  # the code checks pass (those of other notebooks need them)
    assert document["score"] == sum(t["max_score"] for t in code if t["status"] == "passed")


@pytest.fixture(scope="module")
def jupyter_executed(reference_folder):
    """The released copy run by Jupyter with the reference (quick, stand-in data)."""
    pytest.importorskip("nbclient")
    import nbformat
    from nbclient import NotebookClient

    work = open_folder("gradekit-nb-jupyter-")
    try:
        shutil.copytree(A2.template, work, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
        shutil.rmtree(work / "cs231n")
        package_copy(work)
        notebook = nbformat.read(work / NAME, as_version=4)
        env = {**os.environ, "CS231N_DATASET": "synthetic", "BN_NOTEBOOK_QUICK": "1"}
        client = NotebookClient(notebook, timeout=600, kernel_name="python3")
        with client.setup_kernel(env=env, cwd=str(work)):
            for index, cell in enumerate(notebook.cells):
                if cell.cell_type == "code":
                    client.execute_cell(cell, index)
        for cell in notebook.cells:
            if cell.get("id") in ANSWERS:
                cell.source = ANSWERS[cell.id]
        return json.loads(nbformat.writes(notebook))
    finally:
        shutil.rmtree(work, ignore_errors=True)


@pytest.mark.confined
def test_notebook_run_by_jupyter_gets_full_notebook_marks(jupyter_executed, tmp_path):
    folder = submission_folder(jupyter_executed)
    results = tmp_path / "results.json"
    try:
        result = grade(folder, results, seed=5)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    document = validate(json.loads(results.read_text(encoding="utf-8")))
    tests = {t["number"]: t for t in document["tests"]}
    for kind, number in PARTS.items():
        assert tests[number]["status"] == "passed", (kind, tests[number]["output"])
    assert result["max_score"] == sum(t["max_score"] for t in document["tests"])
    staff = document["extra_data"]["notebooks"]["BatchNormalization.ipynb"]
    assert staff["answers"] == ANSWERS and staff["findings"] == []
    assert [f["cell_id"] for f in staff["figures"]] == list(CONFIG.figures)
    assert all(f["bytes"] > 1000 for f in staff["figures"])
    assert staff["rerun_seconds"] > 0
    everything_shown = document["output"] + "".join(t["output"] for t in document["tests"])
    assert "sentinel answer" not in everything_shown
    assert len(results.read_bytes()) < 100_000


def test_a_failed_grade_lists_the_notebook_parts():
    from gradekit.grading.grade import known_checks

    numbers = {check.number for check in known_checks(ASSIGNMENT, public_only=False)}
    assert set(PARTS.values()) <= numbers
    public = {check.number for check in known_checks(ASSIGNMENT, public_only=True)}
    assert not set(PARTS.values()) & public


def test_a_figure_cells_labels_may_change_but_not_its_code():
    """Translated plot titles (zh-CN) are not tampering; changed plotting code is."""
    from gradekit.grading.notebook.matching import normal_code

    given = "plt.title('Training loss')\nplt.plot(x, y)\n"
    relabelled = "plt.title('训练损失')  # 中文\nplt.plot(x, y)\n"
    changed = "plt.title('Training loss')\nplt.plot(x, y * 0)\n"
    assert normal_code(given, strings=False) == normal_code(relabelled, strings=False)
    assert normal_code(given, strings=False) != normal_code(changed, strings=False)
    assert normal_code(given) != normal_code(relabelled)


# ----------------------------------------------------------------- an optional notebook


@pytest.mark.parametrize("optional", [True, False])
def test_an_absent_notebook_scores_zero_calmly_when_optional(optional, tmp_path):
    """Nothing is read or run: every part scores 0, with the one calm line when the
    notebook may be left out, and the usual message when it may not."""
    present = set(SUBMIT) - {NAME}
    report = score_notebook(CONFIG, CONFIG_PATH, tmp_path, None, present, SUBMIT,
                            optional=(NAME,) if optional else ())
    assert sorted(check.number for check in report.checks) == sorted(PARTS.values())
    said = f"{NAME}: not handed in (optional)" if optional else \
        f"needs {NAME}, which is not in your submission"
    for check in report.checks:
        assert check.score == 0 and not check.passed
        assert check.output == said
    assert report.output == ""
