"""Translated notebook variants: markdown by cell id, comment lines by their text.

A translation file (TOML)::

    answer_placeholder = "**你的回答：** *[FILL THIS IN]*"

    [cells.<cell-id>]
    source = '''...translated markdown...'''

    [comments]
    "# Compute the gradients" = "# 计算梯度"

Every markdown cell of the student copy needs a translation, except answer cells (they
get ``answer_placeholder``). Every whole-line comment of a code cell that holds a letter
needs one too; it keeps its indentation. Marker lines stay as they are. Code is untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nbformat import NotebookNode

from gradekit.config import read_toml
from gradekit.errors import UserError
from gradekit.release.markers import is_marker
from gradekit.release.notebooks import SOLUTION_TAG, tags

_SHOWN = 5  # missing items named in one error line


@dataclass(frozen=True)
class Translations:
    """One language's texts, read from ``path``."""

    path: Path
    answer_placeholder: str
    cells: dict[str, str]
    comments: dict[str, str]


def load_translations(path: Path) -> Translations:
    """Read and type-check a translation file; raise :class:`UserError` naming the key."""
    data = read_toml(path, "translation file")
    placeholder = data.get("answer_placeholder")
    if not isinstance(placeholder, str):
        raise UserError(f"{path}: answer_placeholder must be a string")
    cells = {}
    for cell_id, entry in _table(path, data, "cells").items():
        if not isinstance(entry, dict) or not isinstance(entry.get("source"), str):
            raise UserError(f"{path}: cells.{cell_id}.source must be a string")
        cells[cell_id] = entry["source"]
    comments = _table(path, data, "comments")
    if not all(isinstance(value, str) for value in comments.values()):
        raise UserError(f"{path}: every value under [comments] must be a string")
    return Translations(path, placeholder, cells, comments)


def _table(path: Path, data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise UserError(f"{path}: {key} must be a table")
    return value


def needs_translation(line: str) -> bool:
    """Whether a code line is a comment to translate (has a letter, is not a marker)."""
    stripped = line.strip()
    return stripped.startswith("#") and any(c.isalpha() for c in stripped) and not is_marker(line)


def comment_free_code(source: str) -> str:
    """Code without its whole-line comments: what translating must leave unchanged."""
    return "\n".join(line for line in source.split("\n") if not line.lstrip().startswith("#"))


class TranslateCells:
    """Replace markdown cells and comment lines by their translations.

    Run it before answer cells lose their ``skip_tag`` (they are not translated).
    """

    def __init__(self, translations: Translations, skip_tag: str = SOLUTION_TAG) -> None:
        self.translations = translations
        self.skip_tag = skip_tag

    def __call__(self, notebook: NotebookNode, path: Path) -> None:
        missing_cells: list[str] = []
        missing_comments: list[str] = []
        for cell in notebook.cells:
            if cell.cell_type == "markdown" and self.skip_tag not in tags(cell):
                if cell.id in self.translations.cells:
                    cell.source = self.translations.cells[cell.id]
                else:
                    missing_cells.append(cell.id)
            elif cell.cell_type == "code":
                cell.source = self._comments(cell.source, cell.id, missing_comments)
        if missing_cells or missing_comments:
            parts = (_listing("cells", missing_cells), _listing("comments", missing_comments))
            raise UserError(
                f"{self.translations.path}: missing translations for {path.name}: "
                + "; ".join(part for part in parts if part)
            )

    def _comments(self, source: str, cell_id: str, missing: list[str]) -> str:
        lines = source.split("\n")
        for index, line in enumerate(lines):
            if not needs_translation(line):
                continue
            comment = line.strip()
            if comment in self.translations.comments:
                indent = line[: len(line) - len(line.lstrip())]
                lines[index] = indent + self.translations.comments[comment]
            else:
                missing.append(f"{comment!r} (cell {cell_id})")
        return "\n".join(lines)


def _listing(kind: str, items: list[str]) -> str:
    items = list(dict.fromkeys(items))
    if not items:
        return ""
    shown = ", ".join(items[:_SHOWN])
    more = f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else ""
    return f"{kind} {shown}{more}"
