"""The CS231n helpers of assignment 2's checks, public and hidden: where its code lives,
building a FullyConnectedNet, calling a layer's forward pass, and the gradient check of a
normalization layer.

The generic parts (partial credit, comparisons, shapes, calls) come from
:mod:`gradekit.checklib`. Nothing here knows how the layers are computed.
"""

from __future__ import annotations

import weakref

import numpy as np

from gradekit import checklib
from gradekit.checklib import (TIMEOUT, ChargedElsewhere, array, charged_elsewhere, compare,
                               fail, numeric_gradient, outputs, relative_error,
                               remote_constant)
from gradekit.grading.checks import CheckFailed
from gradekit.sandbox.controller import StudentException

LAYERS = "cs231n.layers."
OPTIM = "cs231n.optim."
FC_NET = "cs231n.classifiers.fc_net.FullyConnectedNet"
LAYERS_PY = "cs231n/layers.py"
FC_FILES = ["cs231n/classifiers/fc_net.py", "cs231n/layers.py", "cs231n/layer_utils.py"]

# The values the spec fixes for the notebook's bn_param and ln_param. The checks always
# pass them, so a default the student changed (eps=1e-12) neither hides nor causes a
# verdict.
EPS, MOMENTUM = 1e-5, 0.9


def bn_param(mode="train", **given):
    """A batchnorm parameter dict with eps and momentum given explicitly."""
    return {"mode": mode, "eps": EPS, "momentum": MOMENTUM, **given}


def ln_param(**given):
    """A layer norm parameter dict with eps given explicitly."""
    return {"eps": EPS, **given}


IMPORT_TIMEOUT = 30.0
"""Seconds the first import of a module of the hand-in may take in a worker: layers that
import scipy.signal spend a second or more on it, which a call's own timeout must not pay."""

_IMPORTED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _module_of(target: str) -> str:
    """The module of a dotted ``target``: cs231n.layers.relu_forward -> cs231n.layers,
    cs231n.classifiers.cnn.ThreeLayerConvNet -> cs231n.classifiers.cnn."""
    parts = target.split(".")
    for index, part in enumerate(parts):
        if part[:1].isupper():
            return ".".join(parts[:index])
    return ".".join(parts[:-1])


def _import_first(student, target) -> None:
    """Import the module of ``target`` in the worker, once per worker, with
    :data:`IMPORT_TIMEOUT`; a module that fails to import is left to the call to report."""
    if not isinstance(target, str) or not target.startswith("cs231n."):
        return
    module = _module_of(target)
    done = _IMPORTED.setdefault(student, {})
    key = (student.generation, module)
    if key in done:
        return
    done[key] = None
    try:  # the handle is held for good, as gradekit.checklib.remote_constant does
        done[key] = student.call("importlib.import_module", module, keep=True,
                                 timeout=IMPORT_TIMEOUT).value
    except Exception:  # noqa: BLE001 - the call itself says why the module fails
        pass


def call(student, target, *args, timeout=TIMEOUT, **kwargs):
    """:func:`gradekit.checklib.call`, where a bare name means a function of cs231n.layers.
    The target's module is imported first, with a timeout of its own."""
    if isinstance(target, str) and "." not in target:
        target = LAYERS + target
    _import_first(student, target)
    return checklib.call(student, target, *args, timeout=timeout, **kwargs)


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


PLAIN_NET = ("a bug of the net itself, not of its normalization: the net without "
             "normalization shows it too")
THEIR_LAYERS = ("gradients that disagree with the loss only because some of your layers "
                "(whose checks charge them) differ from the expected ones: the net computes "
                "exactly what the architecture gives with your layers")


def charged_once(part, real, owner, shown_by_plain, layers_explain=None):
    """``part`` (a part of a normalized net's check), wrapped so that a bug is charged where
    it lives: a failure is credited with a note naming the check that charges it.

    - ``owner``: the number of the check that owns the net without normalization, or a
      callable giving it (asked only on a failure), or None (the bug is charged here);
      with ``shown_by_plain()`` true (the net without normalization fails the same way)
      the failure is that check's.
    - ``layers_explain``: optional callable giving the checks of the student's own layers
      that explain the failure (text), or None.

    Only a net that computes something (``real()``) is excused: a stub fails every check
    and earns nothing.
    """
    def run():
        try:
            part()
        except ChargedElsewhere:
            raise
        except CheckFailed as error:
            if not real():
                raise
            number = owner() if callable(owner) else owner
            if number is not None and shown_by_plain():
                raise charged_elsewhere(str(error), PLAIN_NET, number) from None
            where = layers_explain() if layers_explain is not None else None
            if where:
                raise charged_elsewhere(str(error), THEIR_LAYERS, where) from None
            raise
    return run


def _unexpected_keyword(error: StudentException) -> str | None:
    if error.type_name != "TypeError" or "unexpected keyword argument" not in error.message:
        return None
    return error.message.rsplit("argument", 1)[-1].strip().strip("'\"")


def forward(student, function, *args, shape, train=True, shape_hints=None):
    """Call a layer's forward pass; return (validated out, cache, the call's result).

    ``shape`` is the expected shape of ``out``; a test-mode cache may be None.
    """
    result = call(student, function, *args)
    out, cache = outputs(result.value, function, ("out", "cache"),
                         allow_none=() if train else ("cache",))
    return array(out, f"{function} out", shape=shape, shape_hints=shape_hints), cache, result


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


def norm_gradient_check(student, parts, norm, param, inputs, tol=1e-7, reference_layers=None):
    """Numeric gradients of the student's own norm forward against its backward.

    ``inputs`` is (x, gamma, beta, dout); each gradient is one part of the check. A
    gradient check only means something for a forward that normalizes: it is made once
    the forward's output has the documented means and stds (a forward and backward that
    both return zeros agree perfectly, and earn nothing).

    In the grade (``reference_layers``, the reference's cs231n.layers) the numeric
    gradients are those of the REFERENCE forward instead, so that a forward bug is charged
    in the forward's check only (the hidden norm_checks.cell_gradient_check).
    """
    if reference_layers is not None:
        import norm_checks  # hidden: only in the grade
        norm_checks.cell_gradient_check(student, reference_layers, parts, norm, param,
                                        inputs, tol)
        return
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


BIAS_ONCE = ("bias added once per image instead of per output position (each out[n, f, i, j] "
             "gets b[f])")


def conv_bias_hints(out, b):
    """Named bugs of a convolution's bias (COURSE_SPEC A2.6), predicted from the right
    output ``out`` (N, F, H', W') and the biases ``b`` (F,): the bias added once per image
    and filter (at one output position, or spread over the map), or never."""
    out, b = np.asarray(out, dtype=float), np.asarray(b, dtype=float).reshape(1, -1, 1, 1)
    without = out - b
    first = without.copy()
    first[:, :, 0, 0] += b[:, :, 0, 0]
    spread = without + b / (out.shape[2] * out.shape[3])
    return [(BIAS_ONCE, first), (BIAS_ONCE, spread), ("bias never added", without)]
