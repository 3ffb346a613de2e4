"""How messages name a notebook cell: by the section it is in, as a student sees it.

Jupyter numbers no cells (``[4]`` is an execution count, which changes with every run), so
``check``, ``collect`` and ``grade`` all name a cell by the heading of its section and its
first line: ``the code cell under "Batch normalization: forward pass" ("# Warm up the ...")``.
"""

from __future__ import annotations

import re
from typing import Iterable

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")


def section_headings(cells: Iterable[tuple[str, str]]) -> list[str]:
    """For each ``(cell_type, source)``, the last markdown heading at or above it ('' before
    the first heading)."""
    found, current = [], ""
    for kind, source in cells:
        if kind == "markdown":
            for line in source.splitlines():
                match = _HEADING.match(line)
                if match:
                    current = match.group(1).strip("*_ ")
        found.append(current)
    return found


def cell_name(kind: str, source: str, heading: str, article: str = "the") -> str:
    """``the code cell under "Heading" ("first line")``, shortened to stay readable
    (``article``: "the given", say)."""
    first = next((line.strip() for line in source.splitlines() if line.strip()), "")
    if len(first) > 50:
        first = first[:47] + "..."
    where = f' under "{heading}"' if heading else " at the top"
    return f"{article} {kind} cell{where}" + (f' ("{first}")' if first else "")
