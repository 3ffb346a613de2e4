"""Calling student code in the sandbox and validating what it returned."""

from __future__ import annotations

import weakref

from gradekit.checklib.parts import fail
from gradekit.grading.checks import describe, expect_scalar
from gradekit.sandbox.controller import StudentTimeout

TIMEOUT = 3.0
"""Seconds a call on a check's small inputs may take (they need milliseconds)."""

_HUNG: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_CONSTANTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def call(student, target, *args, timeout=TIMEOUT, **kwargs):
    """``student.call(target, *args, **kwargs)`` with ``timeout``; returns its result.

    A function named by a dotted path that timed out once in this grade is not run
    again: later checks that need it fail at once instead of each waiting for the
    timeout. (Handles are always run: whether they hang depends on how their object
    was built.)
    """
    hung = _HUNG.setdefault(student, set())
    if target in hung:
        fail(f"{target.rsplit('.', 1)[-1]} timed out in an earlier check; not run again.")
    try:
        return student.call(target, *args, timeout=timeout, **kwargs)
    except StudentTimeout:
        if isinstance(target, str):
            hung.add(target)
        raise


def remote_constant(student, target, *args):
    """A handle on ``target(*args)`` kept in the worker for the rest of the grade.

    For module-level objects (a dtype, a module, a function): one handle per worker,
    held for good, so that a handle dropped by garbage collection never races a new one.
    """
    table = _CONSTANTS.setdefault(student, {})
    key = (student.generation, target, args)
    if key not in table:
        table[key] = call(student, target, *args, keep=True).value
    return table[key]


def outputs(value, name: str, labels: tuple[str, ...], allow_none=()):
    """The tuple a student function returned, as ``len(labels)`` items; else fail.

    Refuses None (the unfilled skeleton), also as an item unless its label is in
    ``allow_none``. With one label, ``value`` itself is the one item.
    """
    if value is None:
        fail(f"{name} returned None — not implemented yet?")
    if len(labels) == 1:
        return (value,)
    if not isinstance(value, (tuple, list)) or len(value) != len(labels):
        fail(f"{name} should return a tuple ({', '.join(labels)}); it returned {describe(value)}.")
    for label, item in zip(labels, value):
        if item is None and label not in allow_none:
            fail(f"{name} returned {label}=None — not implemented yet?")
    return tuple(value)


def scalar(value, name: str) -> float:
    """``value`` as a finite float, refusing None (the unfilled skeleton)."""
    if value is None:
        fail(f"{name} is None — not implemented yet?")
    return expect_scalar(value, name)
