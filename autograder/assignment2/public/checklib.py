"""Helpers shared by the Batch Normalization checks, public and hidden: calling student
code in the sandbox, validating what it returned, and scoring checks in parts.

Nothing here knows how the layers are computed.
"""

from __future__ import annotations

import weakref

import numpy as np

from gradekit.grading.checks import CheckFailed, describe, expect_array, expect_scalar
from gradekit.sandbox.controller import StudentException, StudentTimeout
from numerics import ChargedElsewhere, compare, numeric_gradient, relative_error

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


API_2017 = (
    "Your FullyConnectedNet has no normalization= argument: this looks like the 2017 "
    "starter code (FullyConnectedNet(..., dropout=0, use_batchnorm=False, ...)). This "
    "assignment's constructor is FullyConnectedNet(hidden_dims, input_dim, num_classes, "
    "dropout_keep_ratio=1, normalization=None, reg, weight_scale, dtype, seed), with "
    "normalization=None, 'batchnorm' or 'layernorm' (the 2019-2020 dropout=1 keep "
    "probability is accepted too); rename use_batchnorm and add layer normalization.")


def model(student, hidden_dims, **kwargs):
    """A FullyConnectedNet built in the sandbox (a Remote handle); dtype given by name.

    ``dropout_keep_ratio`` is passed only when a check asks for dropout; a net with the
    2019-2020 constructor (``dropout=``, the keep probability) gets it under that name. A
    2017 constructor (``use_batchnorm=``) is explained instead of a bare TypeError.
    """
    if "dtype" in kwargs:  # a numpy type cannot cross as data: make it in the worker
        kwargs["dtype"] = remote_constant(student, "numpy.dtype", kwargs["dtype"])
    if kwargs.get("dropout_keep_ratio", 0) == 1:
        del kwargs["dropout_keep_ratio"]
    try:
        return call(student, FC_NET, list(hidden_dims), **kwargs).value
    except StudentException as error:
        unexpected = _unexpected_keyword(error)
        if unexpected == "dropout_keep_ratio":
            kwargs["dropout"] = kwargs.pop("dropout_keep_ratio")
            return call(student, FC_NET, list(hidden_dims), **kwargs).value
        if unexpected == "normalization":
            fail(API_2017)
        raise


def _unexpected_keyword(error: StudentException) -> str | None:
    if error.type_name != "TypeError" or "unexpected keyword argument" not in error.message:
        return None
    return error.message.rsplit("argument", 1)[-1].strip().strip("'\"")


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


def keepdims_hint(got: tuple[int, ...], want: tuple[int, ...]) -> str:
    """The hint for a shape that differs from ``want`` only by an axis of length 1."""
    if len(got) == len(want) + 1 and tuple(d for d in got if d != 1) == tuple(
            d for d in want if d != 1):
        return "a sum or mean with keepdims=True kept an axis of length 1"
    return ""


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
        hint = (shape_hints or {}).get(value.shape) or keepdims_hint(value.shape, tuple(shape))
        fail(f"{name} has shape {value.shape}; expected {tuple(shape)}."
             + (f" This looks like: {hint}." if hint else ""))
    return expect_array(value, shape=shape, dtype=dtype, name=name)


class Shapes:
    """Arrays of the right size in a wrong shape: their values are compared after
    reshaping, and the shapes are charged once, in a small part of their own."""

    def __init__(self) -> None:
        self.wrong: dict[str, str] = {}
        self.taken = 0
        self.real = False
        """True once an array that is not a constant was taken (a stub's zeros have the
        right shapes and earn nothing for them)."""

    def take(self, value, name: str, shape, dtype=np.float64, shape_hints=None):
        """``value`` validated as :func:`array`, reshaped (and noted) when only its shape is off."""
        shape = tuple(shape)
        self.taken += 1
        self.real = self.real or implemented(value)
        if (isinstance(value, np.ndarray) and value.shape != shape
                and value.size == int(np.prod(shape))):
            hint = (shape_hints or {}).get(value.shape) or keepdims_hint(value.shape, shape)
            self.wrong.setdefault(name, f"{name} has shape {value.shape}; expected {shape}"
                                  + (f" ({hint})" if hint else ""))
            value = value.reshape(shape)
        return array(value, name, shape, dtype, shape_hints)

    def check(self) -> None:
        if self.taken and not self.real:
            fail("Shapes: not checked, the values are constants (zeros?): implement the "
                 "function first.")
        if self.wrong:
            fail("Shapes: " + "; ".join(self.wrong.values())
                 + ". The values were compared after reshaping.")


def implemented(value) -> bool:
    """False for what a stub or a constant implementation returns (None, or an array that
    holds one value everywhere): a side property of such an output proves nothing."""
    if not isinstance(value, np.ndarray) or value.size == 0 or value.dtype.kind not in "fiu":
        return False
    return bool(np.ptp(value) > 0)


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


def normalized_as_documented(out, gamma, beta, axis: int, tol: float = 1e-3) -> bool:
    """Does ``out`` have the means (beta) and stds (gamma) a normalization gives along
    ``axis`` (0: per feature, 1: per data point), within ``tol`` of gamma's size?"""
    scale = max(float(np.max(np.abs(gamma))), 1.0)
    if axis == 0:
        means, stds = out.mean(axis=0), out.std(axis=0)
        return (np.max(np.abs(means - beta)) <= tol * scale
                and np.max(np.abs(stds - np.abs(gamma))) <= tol * scale)
    rows = (out - beta) / gamma
    return (np.max(np.abs(rows.mean(axis=1))) <= tol and
            np.max(np.abs(rows.std(axis=1) - 1)) <= tol)


def norm_gradient_check(student, parts, norm, param, inputs, tol=1e-7):
    """Numeric gradients of the student's own norm forward against its backward.

    ``inputs`` is (x, gamma, beta, dout); each gradient is one part of the check. A
    gradient check only means something for a forward that normalizes: it is made once
    the forward's output has the documented means and stds (a forward and backward that
    both return zeros agree perfectly, and earn nothing).
    """
    x, gamma, beta, dout = inputs
    fwd, bwd = f"{norm}_forward", f"{norm}_backward"
    axis = 0 if norm == "batchnorm" else 1
    out, cache, _ = forward(student, fwd, x, gamma, beta, dict(param), shape=x.shape)
    if not normalized_as_documented(out, gamma, beta, axis):
        what = "feature (column)" if axis == 0 else "data point (row)"
        fail(f"{fwd} does not normalize yet (each {what} of its output should have mean "
             f"beta and std gamma); the gradient check is made once it does.")

    def out_at(x_, gamma_, beta_):
        return forward(student, fwd, x_, gamma_, beta_, dict(param), shape=x.shape)[0]

    numeric = {
        "dx": numeric_gradient(lambda v: out_at(v, gamma, beta), x, dout),
        "dgamma": numeric_gradient(lambda v: out_at(x, v, beta), gamma, dout),
        "dbeta": numeric_gradient(lambda v: out_at(x, gamma, v), beta, dout),
    }
    grads = outputs(call(student, bwd, dout, cache).value, bwd, ("dx", "dgamma", "dbeta"))
    for (name, expected), value, weight in zip(numeric.items(), grads, (0.5, 0.25, 0.25)):
        parts.run(weight, name, lambda: compare(
            f"{bwd} {name} vs centered differences of your forward (notebook: 1e-8 or less)",
            array(value, f"{bwd} {name}", expected.shape, reshape=True), expected, tol,
            error=relative_error))


class Parts:
    """Run a check in parts: each passing part earns its share of the points.

    Failures of student code in one part (wrong values, exceptions) are collected and
    the check fails at :meth:`finish` with all messages; a timeout or crash stops it.
    A part run with ``needs=False`` (what it builds on is missing) is not run; ``why``
    says what is missing. A part whose value is wrong only because of a bug another check
    charges (:class:`numerics.ChargedElsewhere`) earns its credit, with the note.
    """

    def __init__(self, credit):
        self.credit = credit
        self.failures: list[str] = []

    def run(self, weight: float, label: str, part, needs: bool = True,
            why: str = "an earlier part failed") -> bool:
        if not needs:
            self.failures.append(f"{label}: not checked, {why}.")
            return False
        try:
            part()
        except ChargedElsewhere as error:
            self.credit.earn(weight, f"Passed: {label}, but note:\n{error}")
            return True
        except (CheckFailed, AssertionError) as error:
            self.failures.append(str(error))
            return False
        except StudentException as error:
            self.failures.append(f"{label}: {error}")
            return False
        self.credit.earn(weight, f"Passed: {label}.")
        return True

    def advise(self, label: str, part) -> None:
        """Run ``part`` for advice only: a failure is reported and costs nothing."""
        try:
            part()
        except (CheckFailed, AssertionError, StudentException) as error:
            self.credit.earn(0.0, f"Advice ({label}, no points): {error}")

    def shapes(self, weight: float, label: str, shapes: Shapes, needs: bool = True,
               why: str = "an earlier part failed") -> bool:
        """The part that charges the wrong shapes ``shapes`` collected (once)."""
        return self.run(weight, label, shapes.check, needs, why)

    def finish(self) -> None:
        if self.failures:
            fail("\n".join(dict.fromkeys(self.failures)))
