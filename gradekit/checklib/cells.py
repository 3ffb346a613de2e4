"""Student code that lives in notebook cells: find the cell in the submitted notebook, run
it in the worker.

A notebook cell is found the way notebooks reach us (COURSE_SPEC section 0): by its
released id when the submission kept it, else by what the cell holds, since Colab,
VS Code and older kits save cells without ids (or with new ones). A :class:`CellQuery`
says what the cell is: its id, the names it must define at top level (``def``, ``class``
or an assignment), text it holds, and words of the heading of the section it sits under.

- :func:`find_cell` takes, in order: the code cell with the id, when it fits the query;
  else the last code cell that fits (a later definition is the one the notebook runs
  with); else the code cell with the id whatever it holds; else None.
- :class:`CellRunner` keeps one namespace in the worker: check-owned set-up code first,
  then the student's cells, IPython magics left out. Values come back as data (numpy
  arrays, numbers, strings) or as :class:`~gradekit.sandbox.protocol.Remote` handles.

Nothing here reads the released notebook: the query is the check's own statement of
what the cell is.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradekit.grading.checks import CheckFailed
from gradekit.grading.notebook.reading import Cell, NotebookUnreadable, read_notebook_file
from gradekit.markers import strip_magics
from gradekit.sandbox.controller import Sandbox

_SPACE = re.compile(r"\s+")

# Run in the worker with globals {"source", "name", "namespace"}: stderr and warnings are
# kept out of what a cell prints, as a notebook shows them apart.
# Runs in the worker. A submitted cell (``student_file``) is compiled under a file name in
# the student's folder with its lines in linecache: the worker's tracebacks keep only
# frames of the student's files, so a cell's frames are then shown, with their line, as
# those of a .py file are ("File "<notebook>, <cell>", line 3, in forward").
_DRIVER = """
import io as _io, linecache as _linecache, os as _os, sys as _sys, warnings as _warnings
_file = name
if student_file:
    _file = _os.path.join(_os.getcwd(), name)
    _linecache.cache[_file] = (len(source), None, source.splitlines(True), _file)
_stderr = _sys.stderr
_sys.stderr = _io.StringIO()
try:
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        exec(compile(source, _file, "exec"), namespace)
finally:
    _sys.stderr = _stderr
"""


@dataclass(frozen=True)
class CellQuery:
    """What a student cell is: ``id`` in the release, names it ``defines`` at top level,
    text it ``contains`` (whitespace-insensitive) and words of its ``section`` heading
    (case-insensitive). ``what`` names the cell in messages."""

    id: str
    what: str
    defines: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    section: str = ""


def top_level_names(source: str) -> set[str]:
    """Names a cell binds at top level (functions, classes, assignments, imports);
    a cell that does not parse is read line by line."""
    try:
        tree = ast.parse(strip_magics(source))
    except SyntaxError:
        found = re.findall(r"^(?:def|class)\s+(\w+)|^(\w+)\s*=", source, re.MULTILINE)
        return {a or b for a, b in found}
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def fits(cell: Cell, query: CellQuery) -> bool:
    """Whether a code cell holds what ``query`` says (its id aside)."""
    if cell.kind != "code":
        return False
    if query.section and query.section.lower() not in cell.section.lower():
        return False
    text = _SPACE.sub(" ", cell.source)
    if any(_SPACE.sub(" ", fragment) not in text for fragment in query.contains):
        return False
    return set(query.defines) <= top_level_names(cell.source)


def pick_cell(cells: list[Cell], query: CellQuery) -> Cell | None:
    """The cell ``query`` names among ``cells`` (see the module docstring), or None."""
    by_id = [c for c in cells if c.kind == "code" and c.id == query.id]
    by_id = by_id if len(by_id) == 1 else []
    if by_id and fits(by_id[0], query):
        return by_id[0]
    fitting = [c for c in cells if fits(c, query)]
    if fitting:
        return fitting[-1]
    return by_id[0] if by_id else None


def find_cell(notebook: Path, query: CellQuery, max_mb: int = 20) -> Cell:
    """The submitted cell ``query`` names; fails the check (saying what is missing) when
    the notebook cannot be read or holds no such cell."""
    try:
        cells = read_notebook_file(Path(notebook), max_mb).cells
    except NotebookUnreadable as error:
        raise CheckFailed(f"{Path(notebook).name} {error}") from None
    cell = pick_cell(cells, query)
    if cell is None:
        needs = ", ".join([*(f"defines {name}" for name in query.defines),
                           *(f"holds {text!r}" for text in query.contains)])
        raise CheckFailed(f"{Path(notebook).name} has no code cell for {query.what}"
                          + (f" (one that {needs})" if needs else "")
                          + "; keep the cell the notebook gives for it and write your code "
                            "inside it.")
    return cell


class CellRunner:
    """One namespace in the worker: set-up code, then cells, run in order.

    ``student`` is the check's sandbox. ``setup`` is check-owned code (imports, the
    helpers the notebook gives) run first; its failure is the grader's, not the
    student's, so it raises :class:`RuntimeError`.
    """

    def __init__(self, student: Sandbox, setup: str = "", timeout: float = 30.0) -> None:
        self.student = student
        self.namespace = student.call("builtins.dict", keep=True, __name__="__main__").value
        if setup:
            self.run(setup, "<check set-up>", timeout)

    def run(self, source: str, name: str = "<notebook cell>", timeout: float = 30.0,
            student_file: bool = False) -> str:
        """Run ``source`` (magics left out) in the namespace; return what it printed.
        The student's exceptions propagate as :class:`StudentError`. With
        ``student_file`` the code is the student's, named ``name`` in their tracebacks
        (file and line of each frame in it, as for their .py files)."""
        return self.student.call("builtins.exec", _DRIVER,
                                 {"source": strip_magics(source), "name": name,
                                  "namespace": self.namespace,
                                  "student_file": student_file}, timeout=timeout).stdout

    def run_cell(self, cell: Cell, timeout: float = 30.0, notebook: str = "") -> str:
        """Run a submitted cell; its frames show in the student's tracebacks as
        ``"<notebook>, <cell label>", line N`` (the line within the cell)."""
        name = f"{notebook}, {cell.label}" if notebook else cell.label
        return self.run(cell.source, name.replace("\n", " "), timeout, student_file=True)

    def get(self, name: str) -> Any:
        """The namespace's ``name`` (None when unbound): data, or a Remote handle."""
        return self.student.call((self.namespace, "get"), name).value

    def set(self, name: str, value: Any) -> None:
        self.student.call((self.namespace, "__setitem__"), name, value)
