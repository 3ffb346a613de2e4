"""Public checks of the FullyConnectedNets notebook: the layers it builds on (a self-check
worth nothing: checks 1.1-1.3 score them) and its gradient-check cell of a plain net."""

import numpy as np
import pytest

from checklib import FC_FILES, LAYERS_PY, call, forward, model
from gradekit.checklib import (Parts, array, compare, fail, numeric_gradient, outputs,
                               relative_error, scalar)
from gradekit.sandbox.controller import StudentException
from test_public_fc_net import _check_gradients, _loss

N, D, H1, H2, C = 2, 15, 20, 30, 10
# What the notebook prints for a correct net, initial weights drawn layer by layer.
NOTEBOOK_LOSSES = {0: 2.3004790897684924, 3.14: 7.052114776533016}


def _own_gradient(student, name, inputs, index, dout):
    """Centered differences of the student's own forward ``name`` in input ``index``."""
    def out_at(value):
        args = list(inputs)
        args[index] = value
        return array(outputs(call(student, name, *args).value, name, ("out", "cache"))[0],
                     f"{name} out")
    return numeric_gradient(out_at, inputs[index].copy(), dout)


@pytest.mark.grade(number="10.1", points=0, notebook="FullyConnectedNets", files=[LAYERS_PY])
def test_fc_layers_self_check(student, credit):
    """Affine, ReLU and softmax layers: self-check (scored in 1.1-1.3)

    Each backward against centered differences of the same student's forward; the softmax
    loss of uniform scores is log(C).
    """
    rs = np.random.RandomState(231)
    x, w, b = rs.randn(3, 2, 4), rs.randn(8, 5), rs.randn(5)
    dout = rs.randn(3, 5)
    parts = Parts(credit)

    def affine():
        out, cache, _ = forward(student, "affine_forward", x, w, b, shape=(3, 5))
        compare("affine_forward out", out, x.reshape(3, -1) @ w + b, 1e-10)
        grads = outputs(call(student, "affine_backward", dout, cache).value,
                        "affine_backward", ("dx", "dw", "db"))
        for index, (label, value) in enumerate(zip(("dx", "dw", "db"), grads)):
            want = _own_gradient(student, "affine_forward", (x, w, b), index, dout)
            compare(f"affine_backward {label} vs centered differences", array(
                value, label, want.shape), want, 1e-7, error=relative_error)

    def relu():
        z = rs.randn(4, 6)
        z[np.abs(z) < 0.05] = 0.5  # no input within a step of the kink
        d = rs.randn(4, 6)
        out, cache, _ = forward(student, "relu_forward", z, shape=z.shape)
        compare("relu_forward out", out, np.maximum(z, 0), 1e-12)
        dx = call(student, "relu_backward", d, cache).value
        compare("relu_backward dx vs centered differences", array(dx, "dx", z.shape),
                _own_gradient(student, "relu_forward", (z,), 0, d), 1e-7)

    def softmax():
        scores, y = rs.randn(5, C), rs.randint(C, size=5)
        loss, dx = outputs(call(student, "softmax_loss", np.zeros((5, C)), y).value,
                           "softmax_loss", ("loss", "dx"))
        compare("softmax_loss of all-zero scores (log C)", scalar(loss, "loss"), np.log(C),
                1e-10)
        loss, dx = outputs(call(student, "softmax_loss", scores, y).value, "softmax_loss",
                           ("loss", "dx"))
        want = numeric_gradient(lambda s: np.array(scalar(outputs(call(
            student, "softmax_loss", s, y).value, "softmax_loss", ("loss", "dx"))[0],
            "loss")), scores.copy(), np.array(1.0))
        compare("softmax_loss dx vs centered differences", array(dx, "dx", scores.shape),
                want, 1e-7, error=relative_error)

    parts.run(0.4, "affine", affine)
    parts.run(0.3, "relu", relu)
    parts.run(0.3, "softmax loss", softmax)
    parts.finish()


def _plain_cases(student):
    """The notebook's two cases, reg 0 then 3.14: (reg, expected loss, net, X, y, params),
    each net a fresh FullyConnectedNet without normalization given the weights the
    notebook's stream gives it (the numbers do not depend on how its __init__ draws)."""
    rs = np.random.RandomState(231)
    X, y = rs.randn(N, D), rs.randint(C, size=(N,))
    for reg, expected in NOTEBOOK_LOSSES.items():
        weights = {f"W{k}": 5e-2 * rs.randn(a, b)
                   for k, (a, b) in enumerate(zip((D, H1, H2), (H1, H2, C)), 1)}
        net = model(student, [H1, H2], input_dim=D, num_classes=C, reg=reg,
                    weight_scale=5e-2, dtype="float64")
        built = student.getattr(net, "params")
        params = {**{f"b{k}": np.zeros(n) for k, n in enumerate((H1, H2, C), 1)}, **weights}
        if isinstance(built, dict):
            params = {**{k: np.asarray(v, float) for k, v in built.items()}, **params}
        student.setattr(net, "params", params)
        yield reg, expected, net, X, y, params


def _check_plain_loss(loss, reg, expected):
    if abs(loss - expected) > 1e-6 * expected:
        reg_term = NOTEBOOK_LOSSES[3.14] - NOTEBOOK_LOSSES[0]
        hint = (" This looks like: L2 term without the 0.5 factor."
                if reg and abs(loss - expected - reg_term) < 0.05 else "")
        fail(f"Initial loss with reg={reg}: {loss:.16g}; the notebook expects {expected} "
             f"(with its weights).{hint}")


def plain_cell_fails(student, reg, part) -> bool:
    """Does the net WITHOUT normalization fail ``part`` ("loss" or "gradients") of this
    cell's check (10.2) at ``reg``? Then a bug the normalized net shows there too is the
    plain net's, charged here (other checks ask, see test_public_fc_net.py)."""
    try:
        for case_reg, expected, net, X, y, params in _plain_cases(student):
            if case_reg != reg:
                continue
            loss, grads = _loss(student, net, X, y, "model.loss(X, y)")
            if part == "loss":
                _check_plain_loss(loss, reg, expected)
            else:
                _check_gradients(student, net, X, y, params, grads, reg)
    except (AssertionError, StudentException):
        return True
    return False


@pytest.mark.grade(number="10.2", points=10, notebook="FullyConnectedNets", files=FC_FILES)
def test_fc_net_notebook(student, credit):
    """FC net initial loss and gradient check, under "A fully connected network of any depth"

    A three-layer net without normalization on the notebook's inputs: the initial losses
    it prints with reg 0 and 3.14 (2.3004790897684924 and 7.052114776533016), and a
    directional gradient check of every parameter.
    """
    parts = Parts(credit)
    for reg, expected, net, X, y, params in _plain_cases(student):
        result = {}

        def initial_loss(reg=reg, expected=expected, net=net, X=X, y=y):
            result["loss"], result["grads"] = _loss(student, net, X, y, "model.loss(X, y)")
            _check_plain_loss(result["loss"], reg, expected)

        parts.run(0.25, f"initial loss, reg={reg}", initial_loss)
        real = result.get("loss", 0) > 0 and isinstance(result.get("grads"), dict)
        parts.run(0.25, f"gradient check, reg={reg}",
                  lambda net=net, reg=reg, params=params, X=X, y=y:
                  _check_gradients(student, net, X, y, params, result["grads"], reg),
                  needs=real, why="model.loss(X, y) returned no loss with gradients to check")
    parts.finish()
