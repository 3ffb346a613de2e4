"""The answers PDF: what goes in, one question per page, Chinese, fallbacks, same bytes.

PDFs are read back with pypdf (text, fonts) and drawn with pypdfium2 (pixels).
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.support.paths import A2, REPO

pytest.importorskip("typst")
pytest.importorskip("tex2typst")
pdfium = pytest.importorskip("pypdfium2")
pypdf = pytest.importorskip("pypdf")

from gradekit.cli import main  # noqa: E402
from gradekit.config import load_assignment, read_toml  # noqa: E402
from gradekit.errors import UserError  # noqa: E402
from gradekit.release.builder import Release  # noqa: E402
from gradekit.student import pdf as pdf_module  # noqa: E402
from gradekit.student.pdf import PDF_PACKAGES, answers_pdf  # noqa: E402
from gradekit.student.pdf_markdown import MarkdownError, to_typst  # noqa: E402

MASTER = A2.folder / "BatchNormalization.ipynb"
RED = (220, 30, 30)


# ---------------------------------------------------------------- helpers


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain-coloured RGB PNG, made by hand."""
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def figure_output(data: bytes) -> dict[str, Any]:
    import base64

    return {"output_type": "display_data", "metadata": {},
            "data": {"image/png": base64.b64encode(data).decode(), "text/plain": "<Figure>"}}


def markdown(source: str, *tags: str, **extra: Any) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {"tags": list(tags)}, "source": source,
            **extra}


def code(source: str, *tags: str, outputs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": source,
            "execution_count": 1, "outputs": outputs or []}


def write_notebook(path: Path, cells: list[dict[str, Any]], **metadata: Any) -> Path:
    path.write_text(json.dumps({"cells": cells, "metadata": metadata, "nbformat": 4,
                                "nbformat_minor": 5}), encoding="utf-8")
    return path


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def page_pixels(data: bytes, scale: float = 0.5) -> list[np.ndarray]:
    """Every page drawn as an (H, W, 3) uint8 RGB array."""
    document = pdfium.PdfDocument(data)
    pictures = []
    for page in document:
        bitmap = page.render(scale=scale, rev_byteorder=True)
        pictures.append(bitmap.to_numpy()[:, :, :3].copy())
    return pictures


def red_pixels(picture: np.ndarray) -> int:
    r, g, b = (picture[:, :, i].astype(int) for i in range(3))
    return int(np.sum((r > 180) & (g < 80) & (b < 80)))


def ink(picture: np.ndarray) -> float:
    """The fraction of pixels that are not near-white."""
    return float(np.mean(picture.min(axis=2) < 200))


def master_with_outputs(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """The real master notebook, its figure cells given a red picture as their output, and
    the first answer rewritten with math, code and a word to look for."""
    notebook = json.loads(MASTER.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        tags = cell["metadata"].get("tags", [])
        if "pdf-ignore-input" in tags:
            cell["outputs"] = [figure_output(png(240, 160, RED))]
        if cell.get("id") == "a1":
            cell["source"] = ("**Your Answer:** ZEBRAFISH. The mean is "
                              "$\\mu = \\frac{1}{N}\\sum_{i=1}^N x_i$, and\n\n"
                              "$$\\hat{x}_i = \\frac{x_i - \\mu}{\\sqrt{\\sigma^2 + "
                              "\\epsilon}}$$\n\n```python\nxhat = (x - mu) / np.sqrt(var + eps)"
                              "\n```\n")
    path = tmp_path / "BatchNormalization.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path, notebook


def cell_source(notebook: dict[str, Any], cell_id: str) -> str:
    cell = next(cell for cell in notebook["cells"] if cell.get("id") == cell_id)
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def zh_cn_notebook(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """The zh-CN student notebook, as the release builds it, with red figures saved."""
    release = Release(load_assignment(A2.toml))
    variant = next(v for v in release.config.variants if v.name == "zh-CN")
    notebook = json.loads(release.student_tree(variant)["BatchNormalization.ipynb"].data)
    for cell in notebook["cells"]:
        if "pdf-ignore-input" in cell["metadata"].get("tags", []):
            cell["outputs"] = [figure_output(png(240, 160, RED))]
    path = tmp_path / "zh-CN" / "BatchNormalization.ipynb"
    path.parent.mkdir()
    path.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
    return path, notebook


# ---------------------------------------------------------------- the real notebooks


def test_master_notebook_one_question_per_page(tmp_path: Path) -> None:
    path, notebook = master_with_outputs(tmp_path)
    built = answers_pdf([path])
    assert built.warnings == []
    texts = page_texts(built.data)
    # Title; the first figure alone; then each question with the figures above it.
    assert built.sections == 6 and built.pages == len(texts) == 6
    assert "Batch Normalization" in texts[0] and "Ioffe" in texts[0]
    for number in range(1, 5):
        pages = [i for i, text in enumerate(texts) if f"Inline Question {number}" in text]
        assert len(pages) == 1, (number, pages)
        assert sum(text.count("Inline Question") for text in texts) == 4
    q1 = next(text for text in texts if "Inline Question 1" in text)
    assert "ZEBRAFISH" in q1 and "xhat = (x - mu) / np.sqrt(var + eps)" in q1
    q3 = next(text for text in texts if "Inline Question 3" in text)
    assert "Subtract the mean image of the dataset" in q3
    assert "Step 3 is analogous" in q3  # the master's model answer (tagged solution too)
    everything = "\n".join(texts)
    assert "def plot_runs" not in everything and "plt.tight_layout" not in everything
    assert "Run the next cell first" not in everything  # a pdf-ignore markdown cell
    assert "get_CIFAR10_data" not in everything  # a pdf-ignore code cell
    assert "Implement `batchnorm_forward`" not in everything  # untagged
    assert "batchnorm_forward" not in everything


def test_master_notebook_pages_as_pictures(tmp_path: Path) -> None:
    path, _ = master_with_outputs(tmp_path)
    data = answers_pdf([path]).data
    texts = page_texts(data)
    pictures = page_pixels(data)
    assert len(pictures) == len(texts) == 6
    assert all(ink(picture) > 0.005 for picture in pictures)  # something drawn on every page
    with_figure = {i for i, picture in enumerate(pictures) if red_pixels(picture) > 500}
    question_pages = {i for i, text in enumerate(texts)
                      for number in (1, 2, 4) if f"Inline Question {number}" in text}
    assert with_figure == {1} | question_pages  # the figure cells sit right above those
    assert red_pixels(pictures[0]) == 0
    figure = pictures[1]
    rows, columns = np.nonzero((figure[:, :, 0] > 180) & (figure[:, :, 1] < 80))
    # 240 x 160 pixels at 96 per inch is 63.5 x 42.3 mm; the page is 210 mm wide.
    width_mm = (columns.max() - columns.min() + 1) / figure.shape[1] * 210
    assert 60 < width_mm < 67
    assert abs((columns.max() - columns.min()) / (rows.max() - rows.min()) - 1.5) < 0.05


def test_zh_cn_notebook_renders_in_chinese(tmp_path: Path) -> None:
    path, notebook = zh_cn_notebook(tmp_path)
    built = answers_pdf([path])
    assert built.warnings == []
    texts = page_texts(built.data)
    assert built.pages == len(texts) == 6
    question = cell_source(notebook, "q1").split("\n")[0].lstrip("# ").strip()
    placeholder = "你的回答"
    assert any("\u4e00" <= char <= "\u9fff" for char in question)
    q1_pages = [i for i, text in enumerate(texts) if question in text]
    assert len(q1_pages) == 1 and placeholder in texts[q1_pages[0]]
    title = cell_source(notebook, "title").split("\n")[0].lstrip("# ").strip()
    assert title.split("（")[0] in texts[0]
    reader = pypdf.PdfReader(io.BytesIO(built.data))
    fonts = {str(font.get_object()["/BaseFont"])
             for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("NotoSansCJK" in name for name in fonts), fonts
    pictures = page_pixels(built.data)
    assert len(pictures) == 6 and all(ink(picture) > 0.005 for picture in pictures)
    assert [red_pixels(picture) > 500 for picture in pictures] == [
        False, True, True, True, False, True]


def test_same_notebook_gives_the_same_bytes(tmp_path: Path) -> None:
    path, _ = master_with_outputs(tmp_path)
    elsewhere = tmp_path / "other" / path.name
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(path.read_bytes())
    outputs = []
    for notebook, name in ((path, "one.pdf"), (elsewhere, "two.pdf")):
        done = subprocess.run([sys.executable, "-m", "gradekit", "pdf", str(notebook),
                               "--output", str(tmp_path / name)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert f"Wrote {tmp_path / name}: 6 pages, 6 sections" in done.stdout
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    assert b"CreationDate" not in outputs[0] and b"ModDate" not in outputs[0]
    assert outputs[0] == answers_pdf([path]).data


# ---------------------------------------------------------------- what a cell may hold


def test_broken_cells_become_plain_text(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "broken.ipynb", [
        markdown("# Homework", "pdf-title"),
        markdown("## Question 1\n\nWhat is $x$?", "pdf-inline"),
        markdown("Unclosed: $\\frac{1$ NARWHAL", "pdf-inline"),  # tex2typst refuses it
        markdown("## Question 2\n\nAnd this?", "pdf-inline"),
        markdown("Unknown macro: $\\notamacro{y}$ WALRUS", "pdf-inline"),  # Typst refuses it
        markdown("## Question 3\n\nFine: $\\alpha^2$ OCTOPUS", "pdf-inline"),
    ])
    built = answers_pdf([path])
    texts = page_texts(built.data)
    assert built.sections == 4 and len(texts) == 4
    assert "\\frac{1$ NARWHAL" in texts[1] and "could not be typeset" in texts[1]
    assert "\\notamacro{y}$ WALRUS" in texts[2] and "could not be typeset" in texts[2]
    assert "OCTOPUS" in texts[3] and "could not be typeset" not in texts[3]
    assert "$" not in texts[3]  # typeset as math, not shown as source
    assert len(built.warnings) == 2
    assert built.warnings[0].startswith("broken.ipynb cell 3 could not be typeset")
    assert built.warnings[1].startswith("broken.ipynb cell 5 could not be typeset")


def test_notebook_without_tags_is_a_clear_error(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "plain.ipynb", [markdown("# Hello"), code("1 + 1")])
    with pytest.raises(UserError, match="no cell is tagged pdf-title, pdf-inline or "
                                        "pdf-ignore-input"):
        answers_pdf([path])
    done = subprocess.run([sys.executable, "-m", "gradekit", "pdf", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.startswith(f"gradekit: error: {path}: no cell is tagged")
    assert not (tmp_path / "plain_answers.pdf").exists()


def test_notebook_saved_without_ids_or_metadata(tmp_path: Path) -> None:
    import base64

    picture = base64.b64encode(png(120, 60, RED)).decode()
    cells = [
        {"cell_type": "markdown", "source": ["# Saved by another editor\n"],
         "metadata": {"tags": ["pdf-title"]}},
        {"cell_type": "markdown", "source": "no metadata at all: left out"},
        {"cell_type": "markdown", "metadata": {"tags": ["pdf-inline"]},
         "source": "## Question\n\n![drawn](attachment:red.png)",
         "attachments": {"red.png": {"image/png": picture}}},
        {"cell_type": "code", "metadata": {"tags": ["pdf-inline"]}, "source": "print('hi')",
         "outputs": [{"output_type": "stream", "name": "stdout", "text": ["PUFFIN\n"]},
                     {"output_type": "error", "ename": "ValueError", "evalue": "GANNET",
                      "traceback": []}]},
    ]
    path = tmp_path / "colab.ipynb"
    path.write_text(json.dumps({"cells": cells, "nbformat": 4, "nbformat_minor": 2}))
    built = answers_pdf([path])
    texts = page_texts(built.data)
    assert len(texts) == 2 and "Saved by another editor" in texts[0]
    assert "left out" not in "".join(texts)
    assert "print('hi')" in texts[1] and "PUFFIN" in texts[1]
    assert "ValueError: GANNET" in texts[1]
    assert red_pixels(page_pixels(built.data)[1]) > 100


def test_text_cannot_run_typst_code(tmp_path: Path) -> None:
    source = ('## Question\n\n#import "@preview/cetz:0.2.0": * // not a comment\n\n'
              '#set page(fill: red) and `#raw` with @ref, <label-like> = - + and 1. item\n\n'
              '$\\text{#import}$')
    path = write_notebook(tmp_path / "sly.ipynb", [markdown(source, "pdf-inline")])
    built = answers_pdf([path])  # nothing is downloaded: the build would fail offline
    text = page_texts(built.data)[0]
    assert '#import "@preview/cetz:0.2.0": * // not a comment' in text
    assert "#set page(fill: red)" in text and "#raw" in text
    assert red_pixels(page_pixels(built.data)[0]) == 0
    assert built.warnings == []


def test_figure_cell_without_output_says_so(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "unrun.ipynb", [
        code("plot()", "pdf-ignore-input"),
        markdown("## Question\n\nWhat does the plot show?", "pdf-inline"),
    ])
    texts = page_texts(answers_pdf([path]).data)
    assert len(texts) == 1
    assert "this cell has none saved: run it" in texts[0] and "plot()" not in texts[0]


def test_pdf_ignore_wins_over_other_tags(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "ignore.ipynb", [
        markdown("# Title TITLEWORD", "pdf-title"),
        markdown("HIDDENWORD", "pdf-inline", "pdf-ignore"),
        code("x = 1", "pdf-ignore-input", "pdf-ignore",
             outputs=[figure_output(png(50, 50, RED))]),
    ])
    built = answers_pdf([path])
    texts = page_texts(built.data)
    assert len(texts) == 1 and "TITLEWORD" in texts[0] and "HIDDENWORD" not in texts[0]
    assert red_pixels(page_pixels(built.data)[0]) == 0


def test_missing_cjk_font_is_a_warning_naming_the_fix(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "find_cjk_font", lambda: None)
    path = write_notebook(tmp_path / "zh.ipynb", [markdown("# 你好", "pdf-title")])
    built = answers_pdf([path])
    assert built.pages == 1
    assert len(built.warnings) == 1 and f"pip install {PDF_PACKAGES[2]}" in built.warnings[0]


# ---------------------------------------------------------------- the converter


def test_markdown_constructs() -> None:
    def hook(source: str, alt: str) -> str:
        return f"<{source}>"

    converted = to_typst("1. one\n2. two\n   - inner *x*\n\n```python\n    indented\n```", hook)
    assert converted.startswith("#enum(start: 1, tight: true, [one], [two\n#list(")
    assert "#emph[x];" in converted
    assert '#raw("    indented", block: true, lang: "python");' in converted
    assert to_typst("snake_case 3.14 **b**.c", hook) == "snake\\_case 3\\.14 #strong[b];.c"
    assert to_typst("| a | b |\n|---|--:|\n| 1 | 2 |", hook).startswith(
        "#table(columns: 2, align: (left, right,)")
    assert to_typst("中文\n继续 and\nmore", hook) == "中文继续 and more"
    assert to_typst("![alt](pic.png)", hook) == "<pic.png>"
    assert to_typst("$$\n\\sqrt{x}\n$$", hook) == "$ sqrt(x) $"
    assert to_typst("costs $5 and $10", hook) == "costs \\$5 and \\$10"
    with pytest.raises(MarkdownError, match="math"):
        to_typst("$\\frac{1$", hook)


def test_any_markdown_converts_to_typst_that_compiles_or_is_refused() -> None:
    """Random mixes of markdown and TeX syntax: the converter refuses them (the cell is
    then shown as text) or its markup compiles; it never leaves Typst markup open."""
    import random

    import typst

    pieces = list("ab c1.2)-+*_`#[]()<>!|:;{}~=/\"'&@%^\n\n  \t$\\") + [
        "**", "__", "```", "- ", "1. ", "> ", "# ", "| ", "---", "<br>", "<b>", "http://x.y",
        "![a](b)", "[l](u)", "[l]()", "中文", "&amp;", "\\*", "$$", "\\frac{", "\\(",
        "\\)", "\\[", "\\]", "\\begin{align}", "\\end{align}", "&=", "\\\\", "x^2",
        "\\text{#a}", "%", "//"]
    rng = random.Random(20260)
    compiler = typst.Compiler(ignore_system_fonts=True)
    compiled = 0
    for _ in range(600):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        try:
            markup = to_typst(text, lambda source, alt: "[picture]")
        except MarkdownError:
            continue
        compiler.compile(input=markup.encode())  # raises typst.TypstError on bad markup
        compiled += 1
    assert compiled > 400


# ---------------------------------------------------------------- collect, packaging


def collect_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "Lab"
    folder.mkdir()
    (folder / "assignment.toml").write_text(
        '[assignment]\nname = "Lab"\nroot = "."\n\n[grading]\nsubmit = ["lab.ipynb"]\n'
        'public_checks = "public_checks"\n')
    write_notebook(folder / "lab.ipynb", [markdown("## Question\n\nSEAL", "pdf-inline")])
    return folder


def test_collect_writes_the_pdf_beside_the_zip(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    folder = collect_folder(tmp_path)
    assert main(["collect", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"Wrote {folder / 'Lab_answers.pdf'} (1 pages)" in out
    assert "SEAL" in page_texts((folder / "Lab_answers.pdf").read_bytes())[0]
    assert (folder / "Lab_submission.zip").is_file()


def test_collect_without_the_pdf_packages_says_what_to_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = collect_folder(tmp_path)
    monkeypatch.setattr(pdf_module, "missing_packages", lambda: ["typst"])
    assert main(["collect", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"pip install {' '.join(PDF_PACKAGES)}" in out
    assert (folder / "Lab_submission.zip").is_file()
    assert not (folder / "Lab_answers.pdf").exists()


def test_collect_and_check_do_not_load_the_pdf_packages() -> None:
    code = ("import sys, gradekit.cli, gradekit.student.collect, gradekit.student.pdf\n"
            "gradekit.cli.build_parser()\n"
            "assert not {'typst', 'tex2typst'} & set(sys.modules), sorted(sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr


def test_pdf_extra_pins_what_the_engine_names() -> None:
    project = read_toml(REPO / "pyproject.toml", "project file")
    assert project["project"]["optional-dependencies"]["pdf"] == list(PDF_PACKAGES)


def test_student_zip_carries_the_pdf_command() -> None:
    release = Release(load_assignment(A2.toml))
    engine = release.student_engine
    for path in ("cli/pdf.py", "student/pdf.py", "student/pdf_markdown.py",
                 "student/pdf_fonts.py"):
        assert path in engine, path
    readme = release.template_tree["README.md"].data.decode()
    assert f"pip install {' '.join(PDF_PACKAGES)}" in readme
    assert "assignment2_answers.pdf" in readme

