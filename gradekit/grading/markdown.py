"""A check's feedback as Markdown for Gradescope, where a table reads better than text.

Gradescope renders a test's ``output`` as Markdown when the test says
``"output_format": "md"``. Only feedback that holds the check library's "largest
differences" listing is converted (it becomes a table); every other line is kept as it
reads in plain text: indented lines in a code block, the rest with Markdown's special
characters escaped and a hard line break at each end of line.
"""

from __future__ import annotations

import re

_LISTING = re.compile(r"^\s*largest differences of (?P<size>\d+) entries "
                      r"\(index: yours / expected\):\s*$")
_ROW = re.compile(r"^\s+(?P<index>.+): (?P<yours>\S+) / (?P<expected>\S+)\s*$")
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-!|~])")
FENCE = "```"


def has_table(text: str) -> bool:
    """Whether ``text`` holds a largest-differences listing (the Markdown is worth it)."""
    return any(_LISTING.match(line) for line in text.splitlines())


def to_markdown(text: str) -> str:
    """``text`` (a check's plain feedback) as Markdown; its meaning and words unchanged."""
    out: list[str] = []
    code: list[str] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        heading = _LISTING.match(line)
        if heading:
            _flush(code, out)
            out += ["", f"Largest differences of {heading['size']} entries:", "",
                    "| index | yours | expected |", "| --- | --- | --- |"]
            index += 1
            while index < len(lines) and _ROW.match(lines[index]):
                row = _ROW.match(lines[index])
                assert row is not None
                out.append(f"| {_escape(row['index'])} | {row['yours']} | {row['expected']} |")
                index += 1
            out.append("")
            continue
        if line.startswith((" ", "\t")) and line.strip():
            code.append(line.replace(FENCE, "'''"))
        else:
            _flush(code, out)
            out.append(_escape(line) + "  " if line.strip() else "")
        index += 1
    _flush(code, out)
    return "\n".join(out).strip("\n")


def _escape(line: str) -> str:
    return _SPECIAL.sub(r"\\\1", line)


def _flush(code: list[str], out: list[str]) -> None:
    if code:
        out += ["", FENCE, *code, FENCE, ""]
        code.clear()


def from_markdown(text: str) -> str:
    """What :func:`to_markdown` made, read back as plain text (escapes, line breaks and
    fences gone; a table's rows stay as rows): for staff tools that group messages."""
    lines = [_UNESCAPE.sub(r"\1", line).rstrip() for line in text.splitlines()
             if line.strip() != FENCE]
    return "\n".join(lines).strip("\n")


_UNESCAPE = re.compile(r"\\(.)")
