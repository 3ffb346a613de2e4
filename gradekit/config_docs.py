"""Render ``docs/CONFIGURATION.md`` from the table declarations of :mod:`gradekit.config`.

Each table of :data:`gradekit.config.TABLES` becomes a section; each key its TOML type,
its check, its default and the docstring under its field. ``scripts/render_config_docs.py``
(``make docs``) writes the file; a test fails when the committed file differs.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import textwrap
from dataclasses import MISSING, Field, is_dataclass
from typing import Any

from gradekit import config

TITLE = "# `assignment.toml`: every table and key"
NOTE = ("<!-- Generated from gradekit/config.py by scripts/render_config_docs.py "
        "(make docs); edit the declarations, not this file. -->")
KINDS = {"string": "string", "path": "path (a string)", "boolean": "boolean",
         "integer": "integer", "number": "number", "strings": "array of strings",
         "paths": "array of paths", "string table": "table of strings"}


def field_docs(cls: type) -> dict[str, str]:
    """The docstring under each field of dataclass ``cls``, by field name."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs = {}
    for node, after in zip(body, body[1:]):
        if (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)):
            docs[node.target.id] = " ".join(inspect.cleandoc(after.value.value).split())
    return docs


def render() -> str:
    """The whole of ``docs/CONFIGURATION.md``."""
    headers = {cls: header for header, cls in config.TABLES}
    paragraphs = inspect.cleandoc(config.__doc__ or "").split("\n\n")
    out = [TITLE, "", NOTE, "", *(_markdown(text) + "\n" for text in paragraphs[1:-1]),
           "A key that its table does not declare, or a value of the wrong type or out of",
           "range, is refused when the file is loaded, with the file, the line and the key.", ""]
    for header, cls in config.TABLES:
        about = re.sub(r"^``\[[^`]*\]``: ", "", " ".join(inspect.cleandoc(cls.__doc__ or "").split()))
        out += [f"## `{header}`", "", _markdown(about[:1].upper() + about[1:]), ""]
        docs = field_docs(cls)
        for key, item, spec in config.toml_fields(cls):
            if item.name not in docs:
                raise ValueError(f"{cls.__name__}.{item.name} has no docstring")
            out += [f"- **`{key}`**: {_kind(cls, item, spec, headers)}; "
                    f"default: {_markdown(_default(item, spec))}.", "",
                    f"  {_markdown(docs[item.name])}", ""]
    return "\n".join(out).rstrip() + "\n"


def _markdown(text: str) -> str:
    """reST's ``code`` and :role:`name` as Markdown code."""
    return re.sub(r":\w+:`~?([^`]+)`", r"`\1`", text).replace("``", "`")


def _kind(cls: type, item: Field[Any], spec: config.Key,
          headers: dict[type, str]) -> str:
    kind, nested = config.shape(cls, item)
    if nested is not None:
        where = f" (`{headers[nested]}`)" if nested in headers else ""
        words = {"table": "table", "tables": "array of tables",
                 "named tables": "table of tables, one per name"}[kind] + where
        if spec.shorthand:
            words += f"; an item may be a string, its `{spec.shorthand}`"
    else:
        words = KINDS[kind]
    rule = getattr(spec.check, "rule", None)
    return f"{words}, {rule}" if rule else words


def _default(item: Field[Any], spec: config.Key) -> str:
    if spec.default is not None:
        return spec.default
    if item.default is not MISSING:
        value = item.default
    elif item.default_factory is not MISSING:
        value = item.default_factory()
    else:
        return "required"
    if is_dataclass(value) or spec.table is not None:
        return "each key's own"
    return f"`{_toml(value)}`"


def _toml(value: Any) -> str:
    if value is None:
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{key} = {_toml(item)}" for key, item in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"no TOML for {value!r}")
