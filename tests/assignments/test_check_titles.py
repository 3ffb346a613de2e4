"""Check titles and messages name a notebook cell by its section heading, never by a number.

Jupyter numbers no cells (``[4]`` is an execution count), so "notebook cell 4" points a
student at nothing. Every string of every check file of every assignment is scanned; a
title that says ``under "Heading"`` must name a heading of one of the assignment's
notebooks.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from gradekit.cellnames import section_headings
from gradekit.grading.marks import scan_file
from tests.support.paths import REPO, course

ASSIGNMENTS = sorted(p.name for p in (REPO / "autograder").iterdir()
                     if p.is_dir() and (REPO / "assignment" / p.name).is_dir())
CELL_NUMBER = re.compile(r"\bcells?\s*\(?#?\s*\d+", re.IGNORECASE)
UNDER = re.compile(r'under "([^"]+)"')


def check_files(name: str) -> list[Path]:
    return sorted(course(name).checks.rglob("*.py"))


def strings_of(path: Path) -> list[tuple[int, str]]:
    """Every string literal of a Python file (f-strings' constant parts too), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def headings(name: str) -> set[str]:
    found: set[str] = set()
    for notebook in course(name).folder.glob("*.ipynb"):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        found |= set(section_headings((c["cell_type"], "".join(c["source"])) for c in cells))
    return found - {""}


def test_the_scan_sees_a_cell_number():
    """The pattern the tests below rely on catches the wordings seen before."""
    for text in ("Batchnorm train forward, notebook cell 4", "cells 8-9", "(cell 10)",
                 "cells (8-9)", "Cell 7 in the grade"):
        assert CELL_NUMBER.search(text), text
    for text in ('under "Batch normalization: forward pass"', "the cell's own numbers",
                 "cell_reference", "a (4, 5) cell"):
        assert not CELL_NUMBER.search(text), text


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_no_check_names_a_cell_by_number(name):
    """No check file's strings (titles, docstrings, messages, part names) say "cell N"."""
    assert check_files(name)
    bad = [f"{path.relative_to(REPO)}:{line}: {text.strip().splitlines()[0][:80]}"
           for path in check_files(name) for line, text in strings_of(path)
           if CELL_NUMBER.search(text)]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_titles_name_real_section_headings(name):
    """Each collected check title that names a section names one the notebooks have, and
    no title says "notebook cell" without one."""
    known = headings(name)
    titles = [check.name for path in check_files(name) if path.name.startswith("test_")
              for check in scan_file(path, public="public" in path.parts)]
    assert titles
    for title in titles:
        assert "notebook cell" not in title.lower(), title
        for heading in UNDER.findall(title):
            assert heading in known, f"{title!r}: no section {heading!r} in {name}'s notebooks"
