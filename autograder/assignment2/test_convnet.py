"""Hidden checks of the ConvolutionalNetworks notebook: ThreeLayerConvNet's parameters,
scores, loss and gradients, with the reference's parameters set on the student's net."""

import numpy as np
import pytest

from checklib import call
from convnets import CNN_FILES, SMALL, build, random_params, with_their_layers
from fc_nets import LAYER_CHECKS, compare_grads
from gradekit.checklib import (Elsewhere, Parts, Shapes, array, compare, fail, outputs,
                               scalar)

AFFINE_RELU_SOFTMAX = "a net right for your own affine, ReLU or softmax layers"


@pytest.mark.grade(number="12.12", points=5, notebook="ConvolutionalNetworks",
                   files=CNN_FILES)
def test_convnet_parameters(student, credit):
    """ThreeLayerConvNet: parameters

    Names and shapes for a non-square input and a 5x5 filter (W2 sized for the padded,
    pooled map), weights N(0, weight_scale^2), zero biases, float32 by default.
    """
    C, H, W, F, fs, hidden, classes, ws = 3, 12, 8, 6, 5, 40, 7, 3e-2
    want = {"W1": (F, C, fs, fs), "b1": (F,), "W2": (F * (H // 2) * (W // 2), hidden),
            "b2": (hidden,), "W3": (hidden, classes), "b3": (classes,)}
    net = build(student, "float64", input_dim=(C, H, W), num_filters=F, filter_size=fs,
                hidden_dim=hidden, num_classes=classes, weight_scale=ws)
    params = student.getattr(net, "params")
    shapes = Shapes()
    parts = Parts(credit)
    hints = {(F * H * W, hidden): "W2 sized for the un-pooled map (F*H*W instead of "
                                  "F*H/2*W/2)",
             (F * ((H - fs + 1) // 2) * ((W - fs + 1) // 2), hidden):
                 "W2 sized for an un-padded convolution"}

    def names():
        if not isinstance(params, dict) or set(params) != set(want):
            got = sorted(params) if isinstance(params, dict) else type(params).__name__
            fail(f"model.params: {got}; expected W1, b1, W2, b2, W3, b3.")
        for name, shape in want.items():
            value = np.asarray(params[name])
            if value.shape != shape and value.size != np.prod(shape):
                hint = hints.get(value.shape) if name == "W2" else None
                fail(f"params[{name!r}] has shape {value.shape}; expected {shape} (input "
                     f"{(C, H, W)}, {F} filters of {fs}x{fs}, hidden {hidden})."
                     + (f" This looks like: {hint}." if hint else ""))

    def values():
        wrong = []
        for name, shape in want.items():
            value = shapes.take(params[name], f"params[{name!r}]", shape)
            if name[0] == "b" and np.any(value != 0):
                wrong.append(f"params[{name!r}] should start as zeros.")
            if name[0] == "W" and (abs(value.std() / ws - 1) > 0.2 or
                                   abs(value.mean()) > 0.25 * ws):
                wrong.append(f"params[{name!r}]: mean {value.mean():.3g}, std "
                             f"{value.std():.3g}; expected mean 0 and std {ws} "
                             "(weight_scale).")
        if wrong:
            fail("\n".join(wrong))

    def default_dtype():
        small = build(student, **SMALL)
        found = student.getattr(small, "params")
        wrong = {k: str(getattr(v, "dtype", type(v).__name__)) for k, v in found.items()
                 if not isinstance(v, np.ndarray) or v.dtype != np.float32}
        if not found or wrong:
            fail(f"With the default dtype every parameter should be float32; got "
                 f"{wrong or 'no parameters'}.")

    named = parts.run(0.4, "names and shapes", names)
    parts.run(0.35, "initial values", values, needs=named, why="the names or shapes are wrong")
    parts.shapes(0.05, "parameter shapes", shapes, needs=named, why="the names are wrong")
    parts.run(0.2, "float32 by default", default_dtype, needs=named,
              why="the names or shapes are wrong")
    parts.finish()


def _loss_hints(loss, params, reg):
    squares = {k: float(np.sum(params[k] ** 2)) for k in ("W1", "W2", "W3")}
    total = sum(squares.values())
    return [("L2 term without the 0.5 factor", loss + 0.5 * reg * total),
            ("W1 not regularized", loss - 0.5 * reg * squares["W1"]),
            ("no L2 term in the loss", loss - 0.5 * reg * total)]


def _grad_hints(name, grad, params, reg):
    if name[0] != "W":
        return []
    value = params[name]
    hints = [("L2 gradient without the 0.5 factor (2 * reg * W)", grad + reg * value)]
    if name == "W1":
        hints.append(("W1 not regularized", grad - reg * value))
    return hints + [("no L2 term in the gradient", grad - reg * value)]


@pytest.mark.grade(number="12.13", points=7, notebook="ConvolutionalNetworks",
                   files=CNN_FILES)
def test_convnet_loss(student, reference, rng, credit):
    """ThreeLayerConvNet: scores, loss and gradients

    With the reference's parameters on a non-square input: test-time scores, then the loss
    and every gradient with reg 0.7 (0.5 * reg * sum of W1, W2, W3 squared).
    """
    reg = 0.7
    net = build(student, "float64", reg=reg, **SMALL)
    ours = reference.module("cs231n.classifiers.cnn").ThreeLayerConvNet(
        reg=reg, dtype=np.float64, **SMALL)
    params = random_params(rng, **SMALL)
    ours.params = {k: v.copy() for k, v in params.items()}
    student.setattr(net, "params", {k: v.copy() for k, v in params.items()})
    X = rng.standard_normal((3, *SMALL["input_dim"]))
    y = rng.integers(SMALL["num_classes"], size=3)
    want_loss, want_grads = ours.loss(X, y)
    result = {}
    parts = Parts(credit)

    def charged(names):
        return f"{', '.join(sorted({LAYER_CHECKS[n] for n in names}))}"

    def theirs(y_=None):
        return with_their_layers(student, reference, params, X, y_, reg)

    elsewhere_scores = Elsewhere(AFFINE_RELU_SOFTMAX, lambda: theirs(),
                                 lambda: charged(["affine_forward", "relu_forward"]))

    def scores():
        got = array(call(student, (net, "loss"), X, timeout=30).value,
                    "model.loss(X) scores", (3, SMALL["num_classes"]))
        compare("model.loss(X) scores", got, ours.loss(X), 1e-8, hypotheses=[elsewhere_scores])

    def loss():
        result["loss"], result["grads"] = outputs(
            call(student, (net, "loss"), X, y, timeout=30).value, "model.loss(X, y)",
            ("loss", "grads"))
        lost = scalar(result["loss"], "model.loss(X, y) loss")
        whole = Elsewhere(AFFINE_RELU_SOFTMAX, lambda: (theirs(y) or (None,))[0],
                          lambda: charged(["affine_forward", "softmax_loss"]))
        compare(f"loss (reg={reg})", lost, want_loss, 1e-8,
                hypotheses=[*_loss_hints(want_loss, params, reg), whole])

    def grads():
        if not isinstance(result["grads"], dict):
            fail(f"grads should be a dict; it is a {type(result['grads']).__name__}.")
        compare_grads(f"reg={reg}", result["grads"], want_grads, 1e-7,
                      whole=[Elsewhere(AFFINE_RELU_SOFTMAX,
                                       lambda: (theirs(y) or (None, None))[1],
                                       lambda: charged(["affine_backward", "relu_backward"]))],
                      hints=lambda name: _grad_hints(name, want_grads[name], params, reg))

    parts.run(0.25, "test-time scores", scores)
    parts.run(0.3, "loss", loss)
    parts.run(0.45, "gradients", grads, needs="grads" in result,
              why="model.loss(X, y) returned no gradients")
    parts.finish()
