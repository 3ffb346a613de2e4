"""Student regions: the START/END marker lines and the one reader of them.

A region is delimited by two exact lines (any indentation, nothing else but whitespace)::

    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

:func:`find_regions` reads them strictly, as the release does from the instructor's
sources: a line that mentions ``START OF YOUR CODE`` or ``END OF YOUR CODE`` without
being a marker is an error, except the closing banner ``#    END OF YOUR CODE    #`` of
the usual TODO box. :func:`inside_regions` reads a student's copy leniently, as grading
and class work do: whatever the markers left, it never fails. In notebook code cells,
IPython magics and shell lines count as ``pass`` (:func:`strip_magics`) wherever a cell is
parsed or compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from gradekit.errors import UserError

START = "# *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****"
END = "# *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****"

_MARKER_LIKE = re.compile(r"(START|END) OF YOUR CODE", re.IGNORECASE)
_BANNER = re.compile(r"#\s*END OF YOUR CODE\s*#*")
_MAGIC = re.compile(r"^(\s*)(?:%{1,2}[A-Za-z_]|!(?!=)).*$", re.MULTILINE)
"""An IPython magic (``%name``, ``%%name``) or shell line (``!...``, not ``!=``): a line
that starts with the operator ``%`` or ``!=`` continues a Python expression instead."""


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
    for number, line, kind in _markers(text.split("\n")):
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


def inside_regions(lines: Sequence[str]) -> list[bool]:
    """For each of ``lines``, whether it lies strictly inside a student region.

    Lenient, for a student's copy: a START opens a region (a second START changes
    nothing), an END closes the open one, an END without a START and an altered marker
    are ordinary lines, and a region never closed runs to the end. Marker lines are never
    inside.
    """
    inside = [False] * len(lines)
    open_region = False
    kinds = {number: kind for number, _, kind in _markers(lines)}
    for index in range(len(lines)):
        kind = kinds.get(index + 1)
        if kind == "start":
            open_region = True
        elif kind == "end":
            open_region = False
        else:
            inside[index] = open_region
    return inside


def strip_magics(source: str) -> str:
    """A code cell's IPython magics and shell lines (``%name ...``, ``!...``) become
    ``pass`` at their indentation; continuation lines starting with the operators ``%``
    or ``!=`` stay."""
    return _MAGIC.sub(r"\1pass", source)


def is_marker(line: str) -> bool:
    """Whether ``line`` is a START or END marker line."""
    return _marker_kind(line) in ("start", "end")


def _markers(lines: Sequence[str]) -> Iterator[tuple[int, str, str]]:
    """(line number from 1, line, kind) of every marker or marker-like line."""
    for number, line in enumerate(lines, start=1):
        kind = _marker_kind(line)
        if kind is not None:
            yield number, line, kind


def _marker_kind(line: str) -> str | None:
    stripped = line.strip()
    if stripped == START:
        return "start"
    if stripped == END:
        return "end"
    if _MARKER_LIKE.search(stripped) and not _BANNER.fullmatch(stripped):
        return "altered"
    return None
