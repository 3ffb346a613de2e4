"""Check numbers read from grade marks, so that a message naming another check never
holds a typed number that a renumbering would leave stale."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import Any

from gradekit.grading import marks
from gradekit.grading.kept import kept


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
    """{function name: number} of the grade marks in ``path`` (literal numbers only);
    read once per process, and kept on disk for the next grade's (:mod:`gradekit.grading.kept`)."""
    try:
        key = (path.resolve(), path.stat().st_mtime)
        if key not in _CACHE:
            text = path.read_text(encoding="utf-8")
            sources = [text.encode(), Path(__file__).read_bytes(),
                       Path(marks.__file__).read_bytes()]  # grade_marks reads them
            _CACHE[key] = kept("check-numbers", sources,
                               lambda: json.dumps(_numbers_in(text)).encode(), _numbers)
    except OSError:
        return {}
    return _CACHE[key]


def _numbers_in(text: str) -> dict[str, str]:
    return {node.name: number for node, mark in marks.grade_marks(ast.walk(ast.parse(text)))
            if (number := marks.literal_number(mark)) is not None}


def _numbers(data: bytes) -> dict[str, str]:
    found = json.loads(data)
    if not isinstance(found, dict) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in found.items()):
        raise ValueError("not the numbers of a check file")
    return found
