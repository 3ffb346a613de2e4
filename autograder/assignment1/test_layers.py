"""Hidden checks of the layers of two_layer_net.ipynb: affine, ReLU, svm_loss and
softmax_loss against the reference.

The student's backward gets the cache of the student's own forward. Gradients of the
right size in a wrong shape are compared after reshaping and charged once, in a small
"shapes" part. Inputs the layer must leave alone (x, dout) are checked after the call.
"""

from __future__ import annotations

import numpy as np
import pytest

from a1_common import LAYERS_PY, call
from gradekit.checklib import Parts, Shapes, array, compare, fail, outputs, scalar
from gradekit.sandbox.controller import StudentException


def _ref(reference):
    return reference.module("cs231n.layers")


def _unchanged(result, index, original, what):
    after = result.args[index] if len(result.args) > index else original
    if isinstance(after, np.ndarray) and not np.array_equal(after, original):
        fail(f"{what} was modified in place by the call. This looks like: {what} "
             "written in place; work on a copy (the caller still needs it).")


@pytest.mark.grade(number="4.4", points=14, notebook="two_layer_net", files=[LAYERS_PY])
def test_affine(student, reference, rng, credit):
    """Affine forward and backward

    Inputs of shape (N, d1, d2), flattened; x left unchanged; dx back in x's shape, dw,
    db; gradients from the student's own cache.
    """
    x, w, b = (rng.standard_normal(s) for s in ((4, 3, 2), (6, 5), (5,)))
    want_out, ref_cache = _ref(reference).affine_forward(x.copy(), w, b)
    dout = rng.standard_normal(want_out.shape)
    want = _ref(reference).affine_backward(dout, ref_cache)
    shapes, state = Shapes(), {}
    parts = Parts(credit)

    def forward():
        try:
            result = call(student, "affine_forward", x.copy(), w, b)
        except StudentException as error:
            fail(f"affine_forward: {error}\nThis looks like: x not flattened to (N, D) rows "
                 "before the product (x has shape (N, d1, d2)).")
        out, state["cache"] = outputs(result.value, "affine_forward", ("out", "cache"))
        compare("affine_forward out", array(out, "affine_forward out", want_out.shape),
                want_out, 1e-10)
        _unchanged(result, 0, x, "x")

    def backward():
        if "cache" not in state:
            fail("affine_backward: not checked, affine_forward gave no cache.")
        grads = outputs(call(student, "affine_backward", dout, state["cache"]).value,
                        "affine_backward", ("dx", "dw", "db"))
        state["grads"] = True
        hints = {"dx": {(4, 6): "dx not reshaped back to x's shape (N, d1, d2)"},
                 "dw": {}, "db": {(4,): "db summed over the wrong axis (over the outputs "
                                        "instead of the batch)"}}
        for label, got, expected in zip(("dx", "dw", "db"), grads, want):
            compare(f"affine_backward {label}",
                    shapes.take(got, f"affine_backward {label}", expected.shape,
                                shape_hints=hints[label]), expected, 1e-10)

    parts.run(0.4, "affine_forward", forward)
    parts.run(0.5, "affine_backward", backward)
    parts.shapes(0.1, "affine_backward shapes", shapes, needs="grads" in state,
                 why="affine_backward returned no gradients")
    parts.finish()


@pytest.mark.grade(number="4.5", points=10, notebook="two_layer_net", files=[LAYERS_PY])
def test_relu(student, reference, rng, credit):
    """ReLU forward and backward

    max(0, x); the gradient passes where x > 0, without writing into dout.
    """
    x = rng.standard_normal((5, 6))
    dout = rng.standard_normal(x.shape)
    want_out, _ = _ref(reference).relu_forward(x.copy())
    want_dx = dout * (x > 0)
    state = {}
    parts = Parts(credit)

    def forward():
        out, state["cache"] = outputs(call(student, "relu_forward", x.copy()).value,
                                      "relu_forward", ("out", "cache"))
        compare("relu_forward out", array(out, "relu_forward out", x.shape), want_out, 1e-12,
                hypotheses=[("absolute value instead of max(0, x)", np.abs(x))])

    def backward():
        if "cache" not in state:
            fail("relu_backward: not checked, relu_forward gave no cache.")
        result = call(student, "relu_backward", dout.copy(), state["cache"])
        state["result"] = result
        dx = outputs(result.value, "relu_backward", ("dx",))[0]
        compare("relu_backward dx", array(dx, "relu_backward dx", x.shape), want_dx, 1e-12,
                hypotheses=[("the mask is dout > 0 instead of x > 0", dout * (dout > 0)),
                            ("dout passed through unchanged", dout)])

    def dout_unchanged():
        _unchanged(state["result"], 0, dout, "dout")

    parts.run(0.35, "relu_forward", forward)
    ok = parts.run(0.45, "relu_backward", backward)
    parts.run(0.2, "dout left unchanged", dout_unchanged, needs=ok,
              why="checked once relu_backward is right")
    parts.finish()


def _scores(rng, N=8, C=5):
    """Scores of order 1 with no SVM margin within 1e-3 of 0, and labels."""
    while True:
        x, y = rng.standard_normal((N, C)), rng.integers(0, C, N)
        margins = x - x[np.arange(N), y][:, None] + 1
        margins[np.arange(N), y] = 5
        if np.min(np.abs(margins)) > 1e-3:
            return x, y


def _loss_layer(student, reference, x, y, name, loss_hints, dx_hints, what=""):
    want_loss, want_dx = getattr(_ref(reference), name)(x.copy(), y)
    loss, dx = outputs(call(student, name, x.copy(), y).value, name, ("loss", "dx"))
    return (lambda: compare(f"{name} loss{what}", scalar(loss, f"{name} loss"), want_loss,
                            1e-10, hypotheses=loss_hints(want_loss)),
            lambda: compare(f"{name} dx{what}", array(dx, f"{name} dx", x.shape), want_dx,
                            1e-10, hypotheses=dx_hints(want_dx)))


@pytest.mark.grade(number="4.6", points=10, notebook="two_layer_net", files=[LAYERS_PY])
def test_svm_loss(student, reference, rng, credit):
    """svm_loss

    Mean hinge loss over N with delta = 1 (no regularisation), and dx: 1/N at every
    positive margin, -count/N at the correct class.
    """
    x, y = _scores(rng)
    N = len(y)
    margins = x - x[np.arange(N), y][:, None] + 1
    margins[np.arange(N), y] = 0
    positive = (margins > 0).astype(float)
    state = {}
    parts = Parts(credit)

    def run():
        state["loss"], state["dx"] = _loss_layer(
            student, reference, x, y, "svm_loss",
            lambda want: [("the correct class's margin (exactly 1) is counted", want + 1.0),
                          ("the loss is summed over N, not averaged", want * N)],
            lambda want: [("dx not divided by N", want * N),
                          ("dx misses the -count/N of the correct class", positive / N)])

    parts.run(0.5, "loss", lambda: (run(), state["loss"]()))
    parts.run(0.5, "dx", lambda: state["dx"]() if "dx" in state else (run(), state["dx"]()))
    parts.finish()


def finite(value) -> bool:
    """Whether ``value`` holds numbers and all of them are finite."""
    try:
        return bool(np.all(np.isfinite(np.asarray(value, dtype=float))))
    except (TypeError, ValueError):
        return False


@pytest.mark.grade(number="4.7", points=10, notebook="two_layer_net", files=[LAYERS_PY])
def test_softmax_loss(student, reference, rng, credit):
    """softmax_loss

    Mean cross-entropy over N, and dx = (P - Y) / N (0.4 each); stable (0.2): with scores
    near 1000, in rows hundreds apart, the loss and dx are finite and the student's own
    values for the same scores shifted by each row's maximum (softmax does not change under
    such a shift, so a bug elsewhere is not charged here again).
    """
    x, y = 3 * rng.standard_normal((8, 5)), rng.integers(0, 5, 8)
    P = np.exp(x - x.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    state = {}

    def run(inputs=(x, y), what=""):
        state["loss"], state["dx"] = _loss_layer(
            student, reference, *inputs, "softmax_loss",
            lambda want: [("the loss is summed over N, not averaged", want * len(y))],
            lambda want: [("dx not divided by N", want * len(y)),
                          ("the -1 of the correct class is missing from dx", P / len(y))],
            what)

    parts = Parts(credit)
    parts.run(0.4, "loss", lambda: (run(), state["loss"]()))
    parts.run(0.4, "dx", lambda: state["dx"]() if "dx" in state else (run(), state["dx"]()))

    def stable():
        offsets = rng.uniform(300, 1000, 6) * rng.choice([-1, 1], 6)
        big = offsets[:, None] + rng.standard_normal((6, 5))
        labels = rng.integers(0, 5, 6)
        shifted = big - big.max(axis=1, keepdims=True)
        mine = outputs(call(student, "softmax_loss", big.copy(), labels).value,
                       "softmax_loss", ("loss", "dx"))
        own = outputs(call(student, "softmax_loss", shifted.copy(), labels).value,
                      "softmax_loss", ("loss", "dx"))
        if not all(finite(value) for value in mine):
            fail("softmax_loss with scores near 1000 in rows hundreds apart gives a loss or "
                 "dx that is not finite.\nThis looks like: the scores are not shifted by "
                 "each row's own maximum (without a shift exp overflows; a shift by the "
                 "batch's maximum underflows the rows far below it).")
        loss = scalar(mine[0], "softmax_loss loss")
        dx = array(mine[1], "softmax_loss dx", big.shape)
        compare("softmax_loss loss (scores near 1000, against your own loss for the same "
                "scores shifted by each row's maximum)", loss,
                scalar(own[0], "softmax_loss loss"), 1e-8)
        compare("softmax_loss dx (scores near 1000, against your own dx for the same scores "
                "shifted by each row's maximum)", dx,
                array(own[1], "softmax_loss dx", big.shape), 1e-8)

    parts.run(0.2, "stable with large scores", stable)
    parts.finish()
