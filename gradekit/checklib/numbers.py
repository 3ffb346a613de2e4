"""Check numbers read from grade marks, so that a message naming another check never
holds a typed number that a renumbering would leave stale."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Any


def check_number(check: Any, folder: str | Path | None = None) -> str:
    """The number in the ``grade`` mark of ``check``.

    ``check`` is a check function (its ``@pytest.mark.grade(number=...)`` is read), or
    ``"file.py::function"`` naming one in another file without importing it (read with
    ``ast``; ``file.py`` is relative to ``folder``, by default the folder of the module
    that calls). Raises LookupError when there is no such check or it has no number.
    """
    if callable(check):
        for mark in getattr(check, "pytestmark", ()):
            if getattr(mark, "name", None) == "grade" and "number" in mark.kwargs:
                return str(mark.kwargs["number"])
        raise LookupError(f"{getattr(check, '__name__', check)!r} has no grade mark "
                          "with a number")
    if not isinstance(check, str) or "::" not in check:
        raise LookupError(f"{check!r}: expected a check function or 'file.py::function'")
    if folder is None:
        folder = Path(sys._getframe(1).f_code.co_filename).resolve().parent
    file, function = check.split("::", 1)
    number = _marked_numbers(Path(folder) / file).get(function)
    if number is None:
        raise LookupError(f"{check}: no check with a grade mark number in {folder}")
    return number


_CACHE: dict[tuple[Path, float], dict[str, str]] = {}


def _marked_numbers(path: Path) -> dict[str, str]:
    """{function name: number} of the grade marks in ``path`` (literal numbers only)."""
    try:
        key = (path.resolve(), path.stat().st_mtime)
    except OSError:
        return {}
    if key not in _CACHE:
        found = {}
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for decorator in node.decorator_list:
                if (isinstance(decorator, ast.Call)
                        and isinstance(decorator.func, ast.Attribute)
                        and decorator.func.attr == "grade"):
                    for keyword in decorator.keywords:
                        if keyword.arg == "number" and isinstance(keyword.value, ast.Constant):
                            found[node.name] = str(keyword.value.value)
        _CACHE[key] = found
    return _CACHE[key]
