"""The ``grade`` mark: what a check declares (number, points, visibility, files, notebook).

Marks are read from collected tests, and from check files without importing them (so a
file that fails to import still lists its checks, scored 0). What a mark leaves out comes
from :class:`MarkDefaults` (the assignment's ``[grading]`` table).
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from gradekit.grading.kept import kept
from gradekit.grading.results import VISIBILITIES, CheckResult

MARK_ARGUMENTS = {"number", "points", "visibility", "files", "notebook"}


@dataclass(frozen=True)
class MarkDefaults:
    """What a mark that does not say gets: visibility of hidden and public checks; and the
    notebooks the assignment releases (None: all), so that a check of a notebook it does
    not release scores 0."""

    hidden: str = "after_published"
    public: str = "visible"
    notebooks: frozenset[str] | None = None


@dataclass(frozen=True)
class CheckInfo:
    number: str
    name: str
    points: float
    visibility: str
    files: tuple[str, ...]
    elsewhere: str | None = None
    """The notebook this check belongs to when the assignment does not release it (the
    check scores nothing then and a grade does not run it), else None."""

    def result(self, **changes: Any) -> CheckResult:
        return CheckResult(number=self.number, name=self.name, max_score=self.points,
                           visibility=self.visibility, **changes)


def read_mark(kwargs: dict[str, Any], docstring: str | None, function: str,
              public: bool, defaults: MarkDefaults = MarkDefaults()) -> CheckInfo:
    """Validate a ``grade`` mark's arguments; raise ValueError naming the problem.

    A check belongs to the assignment whose checks folder holds it. ``notebook="Name"``
    ties it to one notebook of that assignment: while the release does not include
    ``Name.ipynb`` the check has 0 points and visibility ``hidden``, and a grade
    leaves it out (the staff log names it).
    """
    unknown = set(kwargs) - MARK_ARGUMENTS
    if unknown:
        raise ValueError(f"unknown grade mark arguments {sorted(unknown)}")
    number = kwargs.get("number")
    if isinstance(number, (int, float)) and not isinstance(number, bool):
        number = str(number)
    if not isinstance(number, str) or not number:
        raise ValueError("grade mark needs number=\"1.2\"")
    points = kwargs.get("points")
    if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
        raise ValueError("grade mark needs points= (a number >= 0)")
    visibility = kwargs.get("visibility", defaults.public if public else defaults.hidden)
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}")
    files = kwargs.get("files", [])
    if isinstance(files, str) or not all(isinstance(f, str) for f in files):
        raise ValueError("files= must be a list of paths")
    owner = kwargs.get("notebook")
    if owner is not None and (not isinstance(owner, str) or not owner):
        raise ValueError("notebook= must name a notebook (without .ipynb)")
    released = defaults.notebooks
    elsewhere = owner if owner is not None and released is not None \
        and owner not in released else None
    if elsewhere:
        points, visibility = 0.0, "hidden"
    name = (docstring or "").strip().splitlines()[0].strip() if (docstring or "").strip() \
        else function
    return CheckInfo(number, name, float(points), visibility, tuple(files), elsewhere)


def scan_file(path: Path, public: bool = False,
              defaults: MarkDefaults = MarkDefaults()) -> list[CheckInfo]:
    """The checks a file declares, read without importing it (for files that fail)."""
    return _scan(path, public, defaults)[1]


def unreleased_only(path: Path, public: bool,
                    defaults: MarkDefaults) -> list[CheckInfo] | None:
    """The checks of ``path`` when every one belongs to a notebook the release leaves out
    (a grade need not even import the file), else None. Read without importing it; a
    mark it cannot read in full keeps the file. So does, before any parsing, a file
    whose text names no notebook or names a released one (``notebook="X"``): most files
    a grade runs are kept at that glance, and a kept file's checks of notebooks left out
    are set aside at collection all the same."""
    released = defaults.notebooks
    if released is None:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
    if "notebook=" not in text or any(f"notebook={quote}{name}{quote}" in text
                                      for name in released for quote in "\"'"):
        return None
    # Kept on disk for the next grade's process, under the file's text, what decides its
    # marks (the defaults, in an order that does not vary) and this module.
    settings = [public, defaults.hidden, defaults.public, sorted(released)]
    marked, found = kept("marks", [text.encode(), json.dumps(settings).encode(),
                                   Path(__file__).read_bytes()],
                         lambda: _marks_json(*_marks_of(text, public, defaults)), _from_json)
    if marked and len(found) == marked and all(info.elsewhere for info in found):
        return found
    return None


def _marks_json(marked: int, found: list[CheckInfo]) -> bytes:
    return json.dumps([marked, [dataclasses.astuple(info) for info in found]]).encode()


def _from_json(data: bytes) -> tuple[int, list[CheckInfo]]:
    """The reverse of :func:`_marks_json` (a kept file that is not one raises)."""
    marked, found = json.loads(data)
    infos = [CheckInfo(number, name, points, visibility, tuple(files), elsewhere)
             for number, name, points, visibility, files, elsewhere in found]
    if not isinstance(marked, int) or not all(
            isinstance(info.number, str) and isinstance(info.points, (int, float))
            for info in infos):
        raise ValueError("not the marks of a check file")
    return marked, infos


def _scan(path: Path, public: bool, defaults: MarkDefaults) -> tuple[int, list[CheckInfo]]:
    """How many functions carry a ``grade`` mark, and the checks read from those marks."""
    try:
        stat = Path(path).stat()
    except OSError:
        return 0, []
    marked, found = _scan_unchanged(str(path), stat.st_mtime_ns, stat.st_size, public, defaults)
    return marked, list(found)


@functools.lru_cache(maxsize=256)
def _scan_unchanged(path: str, mtime_ns: int, size: int, public: bool,
                    defaults: MarkDefaults) -> tuple[int, tuple[CheckInfo, ...]]:
    """:func:`_scan` of a file as it is now (a long-lived controller reads it once)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return 0, ()
    marked, found = _marks_of(text, public, defaults)
    return marked, tuple(found)


def _marks_of(text: str, public: bool, defaults: MarkDefaults) -> tuple[int, list[CheckInfo]]:
    """How many collectable functions of the source ``text`` carry a ``grade`` mark, and
    the checks read from those marks."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return 0, []
    marked, found = 0, []
    for node, mark in grade_marks(_collectable_functions(tree.body)):
        marked += 1
        kwargs = {}
        for keyword in mark.keywords:
            try:
                kwargs[keyword.arg] = ast.literal_eval(keyword.value)
            except (ValueError, TypeError, SyntaxError):
                pass  # e.g. files=SOME_CONSTANT: not needed to list the check
        try:
            found.append(read_mark(kwargs, ast.get_docstring(node), node.name, public,
                                   defaults))
        except ValueError:
            pass
    return marked, found


def grade_marks(nodes: Iterable[ast.AST]
                ) -> Iterator[tuple[ast.FunctionDef | ast.AsyncFunctionDef, ast.Call]]:
    """(function, its ``@...grade(...)`` call) for every grade mark of the functions among
    ``nodes`` (other nodes are passed over), read from source without importing it."""
    for node in nodes:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
                        and decorator.func.attr == "grade"):
                    yield node, decorator


def literal_number(mark: ast.Call) -> str | None:
    """The ``number=`` of a grade mark when it is written as a literal, else None."""
    for keyword in mark.keywords:
        if keyword.arg == "number" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    return None


def _collectable_functions(body: list[ast.stmt]) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The functions of a module body that pytest can collect: its own and those of its
    classes (at any depth), never one defined inside a function."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node
        elif isinstance(node, ast.ClassDef):
            yield from _collectable_functions(node.body)
