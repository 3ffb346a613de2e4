"""Student regions: find the START/END markers and strip what lies between them.

A region is delimited by two exact lines (any indentation, nothing else but whitespace)::

    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

In the student copy the lines strictly between them become one ``pass`` at the START
line's indentation; the marker lines and the comment banners around them stay. A line
that mentions ``START OF YOUR CODE`` or ``END OF YOUR CODE`` without being a marker is an
error, except the closing banner ``#    END OF YOUR CODE    #`` of the usual TODO box.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from gradekit.errors import UserError

START = "# *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****"
END = "# *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****"

_MARKER_LIKE = re.compile(r"(START|END) OF YOUR CODE", re.IGNORECASE)
_BANNER = re.compile(r"#\s*END OF YOUR CODE\s*#*")
_MAGIC = re.compile(r"^(\s*)[%!].*$", re.MULTILINE)


class MarkerError(UserError):
    """A marker problem at ``path`` (and notebook ``cell``), ``line`` counted from 1."""

    def __init__(self, path: str | Path, line: int, message: str, cell: str | None = None):
        where = f"{path}: cell {cell}: line {line}" if cell else f"{path}:{line}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.cell = cell


@dataclass(frozen=True)
class Region:
    """Line numbers (from 1) of a region's START and END marker lines."""

    start: int
    end: int


def find_regions(text: str, path: str | Path, cell: str | None = None) -> list[Region]:
    """Return the student regions of ``text``; raise :class:`MarkerError` on bad markers."""
    regions: list[Region] = []
    open_line = 0
    for number, line in enumerate(text.split("\n"), start=1):
        kind = _marker_kind(line)
        if kind is None:
            continue
        if kind == "altered":
            raise MarkerError(path, number, f"altered marker line {line.strip()!r}", cell)
        if kind == "start" and open_line:
            raise MarkerError(
                path, number, f"nested START marker (region from line {open_line} is open)", cell
            )
        if kind == "end" and not open_line:
            raise MarkerError(path, number, "END marker without a START marker", cell)
        if kind == "start":
            open_line = number
        else:
            regions.append(Region(open_line, number))
            open_line = 0
    if open_line:
        raise MarkerError(path, open_line, "START marker never closed by an END marker", cell)
    return regions


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
        code = _MAGIC.sub(r"\1pass", code)
    try:
        ast.parse(code)
    except SyntaxError as error:
        raise MarkerError(
            path, error.lineno or 0, f"student copy does not parse: {error.msg}", cell
        ) from None


def is_marker(line: str) -> bool:
    """Whether ``line`` is a START or END marker line."""
    return _marker_kind(line) in ("start", "end")


def _marker_kind(line: str) -> str | None:
    stripped = line.strip()
    if stripped == START:
        return "start"
    if stripped == END:
        return "end"
    if _MARKER_LIKE.search(stripped) and not _BANNER.fullmatch(stripped):
        return "altered"
    return None
