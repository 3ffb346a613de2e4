"""Helpers shared by the Batch Normalization checks, public and hidden: calling student
code in the sandbox, validating what it returned, and scoring checks in parts.

Nothing here knows how the layers are computed.
"""

from __future__ import annotations

import weakref

import numpy as np

from gradekit.grading.checks import CheckFailed, describe, expect_array, expect_scalar
from gradekit.sandbox.controller import StudentException, StudentTimeout
from numerics import compare, numeric_gradient, rel_error

LAYERS = "cs231n.layers."
OPTIM = "cs231n.optim."
FC_NET = "cs231n.classifiers.fc_net.FullyConnectedNet"
LAYERS_PY = "cs231n/layers.py"
FC_FILES = ["cs231n/classifiers/fc_net.py", "cs231n/layers.py", "cs231n/layer_utils.py"]

# Seconds a call on the checks' small inputs may take (they need milliseconds).
TIMEOUT = 3.0


def fail(message: str):
    raise CheckFailed(message)


_HUNG: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def call(student, target, *args, timeout=TIMEOUT, **kwargs):
    """Call ``target`` in the sandbox; a bare name means a function of cs231n.layers.

    A module function that timed out once in this grade is not run again: the later
    checks that need it fail at once instead of each waiting for the timeout. (Methods
    are always run: whether they hang depends on how their object was built.)
    """
    if isinstance(target, str) and "." not in target:
        target = LAYERS + target
    hung = _HUNG.setdefault(student, set())
    if target in hung:
        fail(f"{target.rsplit('.', 1)[-1]} timed out in an earlier check; not run again.")
    try:
        return student.call(target, *args, timeout=timeout, **kwargs)
    except StudentTimeout:
        if isinstance(target, str):
            hung.add(target)
        raise


_CONSTANTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def remote_constant(student, target, *args):
    """A handle on ``target(*args)`` kept in the worker for the rest of the grade.

    For module-level objects (a dtype, a function): one handle per worker, held for
    good, so that a handle dropped by garbage collection never races a new one.
    """
    table = _CONSTANTS.setdefault(student, {})
    key = (student.generation, target, args)
    if key not in table:
        table[key] = call(student, target, *args, keep=True).value
    return table[key]


def model(student, hidden_dims, **kwargs):
    """A FullyConnectedNet built in the sandbox (a Remote handle); dtype given by name."""
    if "dtype" in kwargs:  # a numpy type cannot cross as data: make it in the worker
        kwargs["dtype"] = remote_constant(student, "numpy.dtype", kwargs["dtype"])
    return call(student, FC_NET, list(hidden_dims), **kwargs).value


def outputs(value, name: str, labels: tuple[str, ...], allow_none=()):
    """The tuple a student function returned, refusing None (the unfilled skeleton)."""
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


def array(value, name: str, shape=None, dtype=np.float64, shape_hints=None, reshape=False):
    """``value`` as a finite ndarray of ``shape``; a known wrong shape gets a hint.

    With ``reshape``, an array of the right size is accepted in any shape (for checks
    that grade values while another check grades the shape).
    """
    if value is None:
        fail(f"{name} is None — not implemented yet?")
    if shape is not None and isinstance(value, np.ndarray) and value.shape != tuple(shape):
        if reshape and value.size == np.prod(shape):
            return array(value.reshape(shape), name, shape, dtype)
        hint = (shape_hints or {}).get(value.shape)
        fail(f"{name} has shape {value.shape}; expected {tuple(shape)}."
             + (f" This looks like: {hint}." if hint else ""))
    return expect_array(value, shape=shape, dtype=dtype, name=name)


def forward(student, function, *args, shape, train=True, shape_hints=None):
    """Call a layer's forward pass; return (validated out, cache, the call's result).

    ``shape`` is the expected shape of ``out``; a test-mode cache may be None.
    """
    result = call(student, function, *args)
    out, cache = outputs(result.value, function, ("out", "cache"),
                         allow_none=() if train else ("cache",))
    return array(out, f"{function} out", shape=shape, shape_hints=shape_hints), cache, result


def scalar(value, name: str) -> float:
    """``value`` as a finite float, refusing None (the unfilled skeleton)."""
    if value is None:
        fail(f"{name} is None — not implemented yet?")
    return expect_scalar(value, name)


def norm_gradient_check(student, parts, norm, param, inputs, tol=1e-7):
    """Numeric gradients of the student's own norm forward against its backward.

    ``inputs`` is (x, gamma, beta, dout); each gradient is one part of the check.
    """
    x, gamma, beta, dout = inputs
    fwd, bwd = f"{norm}_forward", f"{norm}_backward"

    def out_at(x_, gamma_, beta_):
        return forward(student, fwd, x_, gamma_, beta_, dict(param), shape=x.shape)[0]

    numeric = {
        "dx": numeric_gradient(lambda v: out_at(v, gamma, beta), x, dout),
        "dgamma": numeric_gradient(lambda v: out_at(x, v, beta), gamma, dout),
        "dbeta": numeric_gradient(lambda v: out_at(x, gamma, v), beta, dout),
    }
    _, cache, _ = forward(student, fwd, x, gamma, beta, dict(param), shape=x.shape)
    grads = outputs(call(student, bwd, dout, cache).value, bwd, ("dx", "dgamma", "dbeta"))
    for (name, expected), value, weight in zip(numeric.items(), grads, (0.5, 0.25, 0.25)):
        parts.run(weight, name, lambda: compare(
            f"{bwd} {name} vs centered differences of your forward (notebook: 1e-8 or less)",
            array(value, f"{bwd} {name}", expected.shape, reshape=True), expected, tol,
            error=rel_error))


class Parts:
    """Run a check in parts: each passing part earns its share of the points.

    Failures of student code in one part (wrong values, exceptions) are collected and
    the check fails at :meth:`finish` with all messages; a timeout or crash stops it.
    A part run with ``needs=False`` (an earlier part it builds on failed) is not run.
    """

    def __init__(self, credit):
        self.credit = credit
        self.failures: list[str] = []

    def run(self, weight: float, label: str, part, needs: bool = True) -> bool:
        if not needs:
            self.failures.append(f"{label}: not checked, an earlier part failed.")
            return False
        try:
            part()
        except (CheckFailed, AssertionError) as error:
            self.failures.append(str(error))
            return False
        except StudentException as error:
            self.failures.append(f"{label}: {error}")
            return False
        self.credit.earn(weight, f"Passed: {label}.")
        return True

    def finish(self) -> None:
        if self.failures:
            fail("\n".join(dict.fromkeys(self.failures)))
