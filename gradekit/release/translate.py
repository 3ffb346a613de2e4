"""Translated notebook variants: markdown by cell id, comment lines by their text.

A translation file (TOML)::

    answer_placeholder = "**你的回答：** *[请在此作答]*"

    [cells.<cell-id>]
    source = '''...translated markdown...'''

    [comments]
    "# Compute the gradients" = "# 计算梯度"

    [strings.<code-cell-id>]
    "Training loss" = "训练损失"

A variant with several notebooks may name a folder instead: ``<notebook>.toml`` in it
translates ``<notebook>.ipynb`` (cell ids are a notebook's own), and every file there gives
the same ``answer_placeholder``.

Every markdown cell of the student copy needs a translation, except answer cells (they
get ``answer_placeholder``). Every whole-line comment of a code cell that holds a letter
needs one too; it keeps its indentation. Marker lines stay as they are. Code is untouched
except for ``[strings]``: in the code cell named, each plain string literal whose value is
a key becomes the translation (for figure titles and labels; a key the cell does not
hold is an error). Strings a program prints or compares are best left out of it.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbformat import NotebookNode

from gradekit.config import read_toml, translation_files
from gradekit.errors import UserError
from gradekit.markers import is_marker
from gradekit.release.notebooks import SOLUTION_TAG, tags

_SHOWN = 5  # missing items named in one error line


@dataclass(frozen=True)
class Translations:
    """One language's texts, read from ``path``."""

    path: Path
    answer_placeholder: str
    cells: dict[str, str]
    comments: dict[str, str]
    strings: dict[str, dict[str, str]] = field(default_factory=dict)
    """Code cell id -> {string literal's value: its translation}."""


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
    strings = _table(path, data, "strings")
    for cell_id, table in strings.items():
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise UserError(f"{path}: strings.{cell_id} must be a table of strings")
    return Translations(path, placeholder, cells, comments, strings)


def load_language(path: Path) -> dict[str, Translations]:
    """A variant's translations by notebook name: a folder's ``<notebook>.toml`` files, or
    one file for every notebook (under the key ``""``). Raise :class:`UserError` when the
    folder is empty or its files disagree on ``answer_placeholder``."""
    if not path.is_dir():
        return {"": load_translations(path)}
    found = {file.stem: load_translations(file) for file in translation_files(path)}
    if not found:
        raise UserError(f"{path}: a translations folder needs one <notebook>.toml per notebook")
    placeholders = {item.answer_placeholder: item.path for item in found.values()}
    if len(placeholders) > 1:
        first, second = list(placeholders.values())[:2]
        raise UserError(f"{second}: answer_placeholder differs from {first}'s; one language "
                        "has one placeholder")
    return found


def _table(path: Path, data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise UserError(f"{path}: {key} must be a table")
    return value


def needs_translation(line: str) -> bool:
    """Whether a code line is a comment to translate (has a letter, is not a marker)."""
    stripped = line.strip()
    return stripped.startswith("#") and any(c.isalpha() for c in stripped) and not is_marker(line)


def translate_strings(source: str, strings: dict[str, str]) -> tuple[str, set[str]]:
    """Replace the plain string literals of ``source`` whose value is a key of ``strings``.

    Returns the new source and the keys that were found. Bytes and f-strings stay.
    """
    lines = source.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    replacements: list[tuple[int, int, str]] = []
    found: set[str] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.STRING:
            continue
        prefix = token.string[: len(token.string) - len(token.string.lstrip("rRuUbBfF"))]
        if set(prefix.lower()) & {"b", "f"}:
            continue
        value = ast.literal_eval(token.string)
        if value not in strings:
            continue
        found.add(value)
        quote = token.string[len(prefix)]
        text = strings[value]
        literal = quote + text + quote if not set(text) & {quote, "\\", "\n"} else repr(text)
        start = offsets[token.start[0] - 1] + token.start[1]
        end = offsets[token.end[0] - 1] + token.end[1]
        replacements.append((start, end, literal))
    for start, end, literal in reversed(replacements):
        source = source[:start] + literal + source[end:]
    return source, found


def comment_free_code(source: str) -> str:
    """Code without its whole-line comments: what translating must leave unchanged."""
    return "\n".join(line for line in source.split("\n") if not line.lstrip().startswith("#"))


class TranslateCells:
    """Replace markdown cells and comment lines by their translations.

    Run it before answer cells lose their ``skip_tag`` (they are not translated).
    """

    def __init__(self, translations: Translations | dict[str, Translations],
                 skip_tag: str = SOLUTION_TAG) -> None:
        self.by_notebook = translations if isinstance(translations, dict) else \
            {"": translations}
        self.skip_tag = skip_tag

    def __call__(self, notebook: NotebookNode, path: Path) -> None:
        self.translations = self._for(path)
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
                if cell.id in self.translations.strings:
                    cell.source = self._strings(cell.source, cell.id, path)
            if cell.cell_type != "code" and cell.id in self.translations.strings:
                raise UserError(f"{self.translations.path}: strings.{cell.id}: "
                                f"cell {cell.id} of {path.name} is not a code cell")
        if missing_cells or missing_comments:
            parts = (_listing("cells", missing_cells), _listing("comments", missing_comments))
            raise UserError(
                f"{self.translations.path}: missing translations for {path.name}: "
                + "; ".join(part for part in parts if part)
            )

    def _for(self, path: Path) -> Translations:
        if "" in self.by_notebook:
            return self.by_notebook[""]
        if path.stem not in self.by_notebook:
            folder = next(iter(self.by_notebook.values())).path.parent
            raise UserError(f"{folder}: no {path.stem}.toml to translate {path.name}")
        return self.by_notebook[path.stem]

    def _strings(self, source: str, cell_id: str, path: Path) -> str:
        strings = self.translations.strings[cell_id]
        try:
            source, found = translate_strings(source, strings)
        except (tokenize.TokenError, SyntaxError, ValueError) as error:
            raise UserError(f"{path}: cell {cell_id}: cannot read its strings: {error}") from None
        absent = ", ".join(repr(text) for text in strings if text not in found)
        if absent:
            raise UserError(f"{self.translations.path}: strings.{cell_id}: cell {cell_id} of "
                            f"{path.name} has no string literal {absent}")
        return source

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
