"""Helper code of a check run inside the student's worker, and packages it may lack.

Some checks must work on objects that cannot cross to the controller as plain data (a
PyTorch module: its weights set, a submodule swapped for a recording one, its output
turned back into an array). Such work is written as plain functions in a helper file
next to the check and defined in the worker with :func:`worker_code`; the controller
calls them like student functions and trusts nothing they return more than any other
answer from the worker.
"""

from __future__ import annotations

import weakref
from pathlib import Path

from gradekit.checklib.callstudent import call
from gradekit.checklib.parts import fail
from gradekit.sandbox.controller import StudentException

_DEFINED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

ENVIRONMENT_LIMIT = "Environment limit, not a verdict on your code"


class WorkerCode:
    """The functions a helper file defines, held in the worker (call them by name)."""

    def __init__(self, student, namespace) -> None:
        self.student = student
        self.namespace = namespace

    def call(self, name: str, *args, timeout: float | None = None, **kwargs):
        """``name(*args, **kwargs)`` run in the worker; returns its value."""
        function = call(self.student, (self.namespace, "__getitem__"), name, keep=True).value
        extra = {} if timeout is None else {"timeout": timeout}
        return call(self.student, function, *args, **extra, **kwargs).value


def worker_code(student, path: str | Path) -> WorkerCode:
    """The helper file ``path`` defined in the student's worker (once per worker: again
    after a restart). The file must define functions only (and import what they use
    inside them, or at its top level)."""
    table = _DEFINED.setdefault(student, {})
    key = (student.generation, str(path))
    if key not in table:
        source = Path(path).read_text(encoding="utf-8")
        namespace = call(student, "builtins.dict", keep=True, __name__=Path(path).stem).value
        call(student, "builtins.exec", source, namespace)
        table[key] = WorkerCode(student, namespace)
    return table[key]


def require_module(student, name: str, what: str) -> None:
    """Fail with an environment-limit message when the worker cannot import ``name``
    (the grader's environment lacks it), so a check never blames the student for it."""
    try:
        found = call(student, "importlib.util.find_spec", name).value
    except StudentException as error:
        found = None if error.type_name in ("ModuleNotFoundError", "ImportError") else True
    if found is None:
        fail(f"{ENVIRONMENT_LIMIT}: the grading environment cannot import {name!r}, which "
             f"{what} needs, so this check could not run. The course staff regrade it.")
