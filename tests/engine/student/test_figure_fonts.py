"""Chinese figure titles render with the answers PDF's CJK font, not as empty boxes."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import nbformat
import pytest

from gradekit.release.builder import Release
from gradekit.config import load_assignment
from gradekit.release.notebooks import CJK_FONT_CELL
from tests.support.paths import A2

pytest.importorskip("noto_cjk_sans_otc", reason="the pdf extra brings the CJK font")

DRAW = textwrap.dedent("""
    import warnings, matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    {setup}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure, axes = plt.subplots()
        axes.set_title("批归一化与权重初始化")
        figure.savefig("/dev/null", format="png")
    missing = [w for w in caught if "missing from" in str(w.message)]
    print(len(missing))
""")


def missing_glyph_warnings(setup: str) -> int:
    """How many 'Glyph ... missing from font' warnings drawing a Chinese title gives, in a
    fresh interpreter (matplotlib's font settings are process-wide)."""
    done = subprocess.run([sys.executable, "-c", DRAW.format(setup=setup)], capture_output=True,
                          text=True, timeout=120, check=True)
    return int(done.stdout.split()[-1])


def test_the_cjk_font_draws_every_character_a_default_font_cannot() -> None:
    assert missing_glyph_warnings("") > 0, "the default font has no Chinese: the control"
    assert missing_glyph_warnings(CJK_FONT_CELL) == 0


def test_the_zh_cn_notebooks_start_with_the_font_cell() -> None:
    release = Release(load_assignment(A2.toml))
    variants = {v.name: v for v in release.config.variants}
    assert variants["zh-CN"].cjk_figures and not variants["jupyter"].cjk_figures
    for variant in ("zh-CN", "jupyter"):
        tree = release.student_tree(variants[variant])
        notebook = nbformat.reads(tree["BatchNormalization.ipynb"].data.decode(), as_version=4)
        first = notebook.cells[0]
        assert (first.source == CJK_FONT_CELL) == (variant == "zh-CN"), variant


def _font_statements() -> dict[str, str]:
    """Each master notebook's statement setting matplotlib's sans-serif list, if any."""
    import json
    import re

    from tests.support.paths import REPO

    found = {}
    for path in sorted((REPO / "assignment").glob("*/*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"])
            match = re.search(r"plt\.rcParams\['font\.sans-serif'\] *\+?= *\[[^\]]*\][^\n]*",
                              source)
            if cell["cell_type"] == "code" and match:
                found[path.name] = match.group(0)
    return found


def test_no_notebook_setup_throws_the_cjk_font_away() -> None:
    """A setup cell that sets the font list after the font cell must keep what is there:
    a Chinese title drawn after both has every glyph."""
    statements = _font_statements()
    assert statements, "the course's notebooks set a font list"
    for name, statement in statements.items():
        assert missing_glyph_warnings(f"{CJK_FONT_CELL}\n{statement}") == 0, name
