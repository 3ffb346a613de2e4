"""Stripping student regions from the instructor's sources for the student copy.

The markers and their reader are :mod:`gradekit.markers` (shared with grading and class
work). In the student copy the lines strictly between a region's markers become one
``pass`` at the START line's indentation; the marker lines and the comment banners around
them stay.
"""

from __future__ import annotations

import ast
from pathlib import Path

from gradekit.markers import (END, START, MarkerError, Region, find_regions, is_marker,
                              strip_magics)

__all__ = ["END", "START", "MarkerError", "Region", "check_parses", "find_regions",
           "is_marker", "strip_python", "strip_regions"]

def strip_regions(text: str, path: str | Path, cell: str | None = None) -> str:
    """Replace each region's body by ``pass`` at its START line's indentation."""
    regions = find_regions(text, path, cell)
    if not regions:
        return text
    lines = text.split("\n")
    for region in reversed(regions):
        start_line = lines[region.start - 1]
        indent = start_line[: len(start_line) - len(start_line.lstrip())]
        newline_end = "\r" if start_line.endswith("\r") else ""
        lines[region.start : region.end - 1] = [f"{indent}pass{newline_end}"]
    return "\n".join(lines)


def strip_python(text: str, path: str | Path) -> str:
    """Strip a ``.py`` file's regions and check that the student copy still parses."""
    stripped = strip_regions(text, path)
    check_parses(stripped, path)
    return stripped


def check_parses(code: str, path: str | Path, cell: str | None = None) -> None:
    """Raise :class:`MarkerError` when ``code`` is not valid Python.

    In notebook cells (``cell`` given) IPython magics (lines starting ``%`` or ``!``)
    count as ``pass`` and cell magics (``%%``) skip the check.
    """
    if cell is not None:
        if code.lstrip().startswith("%%"):
            return
        code = strip_magics(code)
    try:
        ast.parse(code)
    except SyntaxError as error:
        raise MarkerError(
            path, error.lineno or 0, f"student copy does not parse: {error.msg}", cell
        ) from None
