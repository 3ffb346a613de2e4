"""Public checks: the deterministic cells of two_layer_net.ipynb (4-7 layers, 10 loss
layers, 11 TwoLayerNet), on the notebook's own inputs and printed numbers."""

import numpy as np
import pytest

from a1_common import LAYERS_PY, NET, NET_FILES, call
from gradekit.checklib import (Parts, array, directional_errors, fail, numeric_gradient,
                               outputs, relative_error, scalar)

# "Affine layer: forward pass": affine_forward on linspace inputs, as a correct solution
# prints it.
AFFINE_OUT = np.array([[1.49834967, 1.70660132, 1.91485297],
                       [3.25553199, 3.51413270, 3.77273342]])
# "ReLU layer: forward pass": relu_forward of linspace(-0.5, 0.5, 12) as 3 x 4.
RELU_OUT = np.array([[0.0, 0.0, 0.0, 0.0],
                     [0.0, 0.0, 0.04545455, 0.13636364],
                     [0.22727273, 0.31818182, 0.40909091, 0.5]])
SVM_LOSS, SOFTMAX_LOSS = 8.999602749096233, 2.302545844500738  # "Loss layers: ..."
NET_SCORES = np.array([  # "Two-layer network"
    [11.53165108, 12.2917344, 13.05181771, 13.81190102, 14.57198434, 15.33206765, 16.09215096],
    [12.05769098, 12.74614105, 13.43459113, 14.1230412, 14.81149128, 15.49994135, 16.18839143],
    [12.58373087, 13.20054771, 13.81736455, 14.43418138, 15.05099822, 15.66781506, 16.2846319]])
NET_LOSS, NET_LOSS_REG = 3.4702243556, 26.5948426952


def _forward(student, cell_reference, name):
    """The forward whose numeric gradient the cell takes: the student's own, or in the
    grade the reference's (so that only the backward can fail the backward cell)."""
    if cell_reference is not None:
        ours = getattr(cell_reference.module("cs231n.layers"), name)
        return lambda *args: ours(*args)[0]
    return lambda *args: outputs(call(student, name, *args).value, name, ("out", "cache"))[0]


def _close(name, got, want, tol):
    error = relative_error(got, want)
    if error > tol:
        fail(f"Testing {name} function: difference: {error:.2e}; the notebook expects "
             f"{tol:.0e} or less.")


@pytest.mark.grade(number="4.1", points=4, notebook="two_layer_net", files=[LAYERS_PY])
def test_layers_notebook(student, cell_reference, credit):
    """Affine and ReLU layers, under "Affine layer: forward pass" to "ReLU layer: backward pass"

    The forward outputs on the notebook's linspace inputs; the backward gradients against
    centered differences (seed 231).
    """
    parts = Parts(credit)

    def affine_forward():
        n, shape, m = 2, (4, 5, 6), 3
        x = np.linspace(-0.1, 0.5, num=n * 120).reshape(n, *shape)
        w = np.linspace(-0.2, 0.3, num=120 * m).reshape(120, m)
        b = np.linspace(-0.3, 0.1, num=m)
        out, _ = outputs(call(student, "affine_forward", x, w, b).value, "affine_forward",
                         ("out", "cache"))
        _close("affine_forward", array(out, "affine_forward out", (2, 3)), AFFINE_OUT, 1e-7)

    def affine_backward():
        rs = np.random.RandomState(231)
        x, w, b = rs.randn(10, 2, 3), rs.randn(6, 5), rs.randn(5)
        dout = rs.randn(10, 5)
        forward = _forward(student, cell_reference, "affine_forward")
        numeric = (numeric_gradient(lambda v: forward(v, w, b), x, dout),
                   numeric_gradient(lambda v: forward(x, v, b), w, dout),
                   numeric_gradient(lambda v: forward(x, w, v), b, dout))
        _, cache = outputs(call(student, "affine_forward", x, w, b).value, "affine_forward",
                           ("out", "cache"))
        grads = outputs(call(student, "affine_backward", dout, cache).value,
                        "affine_backward", ("dx", "dw", "db"))
        for label, got, want in zip(("dx", "dw", "db"), grads, numeric):
            error = relative_error(array(got, f"affine_backward {label}", want.shape), want)
            if error > 1e-7:
                fail(f"Testing affine_backward function: {label} error: {error:.2e}; the "
                     "notebook expects about 1e-10 or less.")

    def relu_forward():
        x = np.linspace(-0.5, 0.5, num=12).reshape(3, 4)
        out, _ = outputs(call(student, "relu_forward", x).value, "relu_forward",
                         ("out", "cache"))
        _close("relu_forward", array(out, "relu_forward out", (3, 4)), RELU_OUT, 1e-7)

    def relu_backward():
        rs = np.random.RandomState(231)
        x = rs.randn(10, 10)
        dout = rs.randn(*x.shape)
        forward = _forward(student, cell_reference, "relu_forward")
        numeric = numeric_gradient(forward, x, dout)
        _, cache = outputs(call(student, "relu_forward", x).value, "relu_forward",
                           ("out", "cache"))
        dx = outputs(call(student, "relu_backward", dout, cache).value, "relu_backward",
                     ("dx",))[0]
        error = relative_error(array(dx, "relu_backward dx", x.shape), numeric)
        if error > 1e-8:
            fail(f"Testing relu_backward function: dx error: {error:.2e}; the notebook "
                 "expects about 1e-12.")

    parts.run(0.3, 'affine_forward ("Affine layer: forward pass")', affine_forward)
    parts.run(0.25, 'affine_backward ("Affine layer: backward pass")', affine_backward)
    parts.run(0.25, 'relu_forward ("ReLU layer: forward pass")', relu_forward)
    parts.run(0.2, 'relu_backward ("ReLU layer: backward pass")', relu_backward)
    parts.finish()


@pytest.mark.grade(number="4.2", points=4, notebook="two_layer_net", files=[LAYERS_PY])
def test_loss_layers_notebook(student, cell_reference, credit):
    """svm_loss and softmax_loss, under "Loss layers: SVM and softmax"

    The printed losses (seed 231) and dx against centered differences of the loss.
    """
    rs = np.random.RandomState(231)
    x = 0.001 * rs.randn(50, 10)
    y = rs.randint(10, size=50)
    parts = Parts(credit)
    for name, want in (("svm_loss", SVM_LOSS), ("softmax_loss", SOFTMAX_LOSS)):
        def loss_value(name=name, want=want):
            loss, _ = outputs(call(student, name, x, y).value, name, ("loss", "dx"))
            loss = scalar(loss, f"{name} loss")
            if abs(loss - want) > 1e-9:
                fail(f"Testing {name}: loss: {loss!r}; a correct implementation prints "
                     f"{want!r}.")

        def dx_value(name=name):
            if cell_reference is not None:
                ours = getattr(cell_reference.module("cs231n.layers"), name)
                loss_of = lambda v: ours(v, y)[0]  # noqa: E731
            else:
                loss_of = lambda v: scalar(call(student, name, v, y).value[0], name)  # noqa: E731
            numeric = numeric_gradient(loss_of, x, np.array(1.0))
            _, dx = outputs(call(student, name, x, y).value, name, ("loss", "dx"))
            error = relative_error(array(dx, f"{name} dx", x.shape), numeric)
            if error > 1e-7:
                fail(f"Testing {name}: dx error: {error:.2e}; the notebook expects about "
                     "1e-9 or less.")

        parts.run(0.25, f"{name} loss", loss_value)
        parts.run(0.25, f"{name} dx", dx_value)
    parts.finish()


def _notebook_net(student):
    N, D, H, C = 3, 5, 50, 7
    # The notebook seeds numpy before building the net, and its std test (within 1/10 of
    # weight_scale on 250 and 350 draws) holds for the draws that seed gives: the same
    # draws here, so the check agrees with the student's own run of the cell.
    call(student, "numpy.random.seed", 231)
    net = call(student, NET, input_dim=D, hidden_dim=H, num_classes=C,
               weight_scale=1e-3).value
    params = {"W1": np.linspace(-0.7, 0.3, num=D * H).reshape(D, H),
              "b1": np.linspace(-0.1, 0.9, num=H),
              "W2": np.linspace(-0.3, 0.4, num=H * C).reshape(H, C),
              "b2": np.linspace(-0.9, 0.1, num=C)}
    X = np.linspace(-5.5, 4.5, num=N * D).reshape(D, N).T
    return net, params, X, np.asarray([0, 5, 1])


@pytest.mark.grade(number="4.3", points=6, notebook="two_layer_net", files=NET_FILES)
def test_two_layer_net_notebook(student, credit):
    """TwoLayerNet, under "Two-layer network"

    Initialization, test-time scores, the losses 3.4702243556 (reg 0) and 26.5948426952
    (reg 1.0), and a gradient check of every parameter.
    """
    net, params, X, y = _notebook_net(student)
    parts = Parts(credit)

    def initialization():
        built = student.getattr(net, "params")
        if not isinstance(built, dict) or not {"W1", "b1", "W2", "b2"} <= set(built):
            fail("Testing initialization: model.params should hold W1, b1, W2 and b2.")
        for name in ("W1", "W2"):
            value = array(built[name], f"params[{name!r}]")
            if abs(value.std() - 1e-3) >= 1e-4:
                fail(f"Testing initialization: {name} has std {value.std():.3g}; expected "
                     "weight_scale = 1e-3 (within 1e-4).")
        for name in ("b1", "b2"):
            if not np.all(array(built[name], f"params[{name!r}]") == 0):
                fail(f"Testing initialization: {name} should be all zero.")

    def scores():
        got = array(call(student, (net, "loss"), X).value, "model.loss(X)", (3, 7))
        difference = float(np.abs(got - NET_SCORES).sum())
        if difference >= 1e-6:
            fail(f"Testing test-time forward pass: the sum of |scores - correct_scores| is "
                 f"{difference:.3g}; the notebook asks for below 1e-6.")

    def loss(reg, want):
        student.setattr(net, "reg", reg)
        value, _ = outputs(call(student, (net, "loss"), X, y).value, "model.loss(X, y)",
                           ("loss", "grads"))
        value = scalar(value, "loss")
        if abs(value - want) >= 1e-10:
            hint = ""
            if reg and abs(value - NET_LOSS - 2 * (want - NET_LOSS)) < 1e-8:
                hint = " This looks like: the L2 term without its factor 0.5."
            fail(f"Testing training loss (reg = {reg}): {value!r}; expected {want} (within "
                 f"1e-10).{hint}")

    def gradients():
        for reg in (0.0, 0.7):
            student.setattr(net, "reg", reg)
            _, grads = outputs(call(student, (net, "loss"), X, y).value, "model.loss(X, y)",
                               ("loss", "grads"))
            if not isinstance(grads, dict) or set(grads) != set(params):
                fail(f"With reg = {reg}, grads should have the keys W1, b1, W2, b2.")

            def loss_at(probe):
                student.setattr(net, "params", probe)
                return scalar(call(student, (net, "loss"), X, y).value[0], "loss")

            rs = np.random.RandomState(0)
            directions = {k: rs.randn(*params[k].shape) for k in sorted(params)}
            grads = {k: array(grads[k], f"grads[{k!r}]", params[k].shape) for k in params}
            report = directional_errors(loss_at, params, grads, directions)
            student.setattr(net, "params", params)
            bad = [f"{k} relative error: {e:.2e}" for k, (_, _, e) in report.items()
                   if e > 1e-6]
            if bad:
                fail(f"Running numeric gradient check with reg = {reg}: " + "; ".join(bad)
                     + " (expected about 1e-7 or less).")

    parts.run(0.15, "initialization", initialization)
    student.setattr(net, "params", params)
    parts.run(0.25, "test-time scores", scores)
    parts.run(0.2, "loss, reg = 0", lambda: loss(0.0, NET_LOSS))
    parts.run(0.2, "loss, reg = 1.0", lambda: loss(1.0, NET_LOSS_REG))
    parts.run(0.2, "gradient check", gradients)
    parts.finish()
