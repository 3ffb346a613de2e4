"""nbformat's schema check of a format-4 notebook, without importing nbformat.

``nbformat.validate`` checks a notebook against the JSON schema nbformat ships for its
minor version with fastjsonschema, and only when that refuses it runs jsonschema for a
clearer message. Importing nbformat imports jsonschema: 0.1 s of every grade's start,
spent for a valid notebook on nothing. Here the same schema file goes to the same
validator, whose compiled code is kept for the next grade (:mod:`gradekit.grading.kept`);
a notebook it refuses goes to ``nbformat.validate`` for the refusal in nbformat's words.
A minor version with no schema file of its own (newer than this nbformat), or an
nbformat or fastjsonschema this cannot find, is left to ``nbformat.validate``
altogether.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import marshal
from pathlib import Path
from typing import Any, Callable

from gradekit.grading.kept import kept

Check = Callable[[dict[str, Any]], None]
"""Raises on a notebook the schema refuses (its message says where and why)."""


@functools.cache
def schema_check(minor: int) -> Check | None:
    """The check of format 4.``minor``; None where nbformat is not installed."""
    spec = importlib.util.find_spec("nbformat")
    if spec is None or not spec.submodule_search_locations:
        return None
    schema = Path(spec.submodule_search_locations[0]) / "v4" / f"nbformat.v4.{minor}.schema.json"
    try:
        import fastjsonschema

        text = schema.read_bytes()
        fast = kept("nbformat-schema", [text, fastjsonschema.VERSION.encode(),
                                        importlib.util.MAGIC_NUMBER],
                    lambda: _compiled(json.loads(text)), _validator)
    except (ImportError, OSError, ValueError):
        return functools.partial(_nbformat_validate, minor=minor)

    def check(document: dict[str, Any]) -> None:
        try:
            fast(document)
        except fastjsonschema.JsonSchemaException:
            _nbformat_validate(document, minor)  # its refusal, in its words
            raise

    return check


def _compiled(schema: dict[str, Any]) -> bytes:
    """The bytecode of the validator fastjsonschema writes for ``schema`` (what
    ``fastjsonschema.compile`` runs; compiling its 170 KB of source is most of the cost)."""
    import fastjsonschema

    source = fastjsonschema.compile_to_code(schema)
    return marshal.dumps(compile(source, "<nbformat schema>", "exec"))


def _validator(data: bytes) -> Check:
    namespace: dict[str, Any] = {}
    exec(marshal.loads(data), namespace)  # noqa: S102 - the grader's own kept bytecode
    return namespace["validate"]


def _nbformat_validate(document: dict[str, Any], minor: int) -> None:
    import nbformat

    nbformat.validate(document, version=4, version_minor=minor)
