"""Hidden checks: the layers the rest builds on (affine, relu, softmax loss)."""

import numpy as np
import pytest

from checklib import LAYERS_PY, call
from gradekit.checklib import Parts, array, compare, fail, outputs, scalar
from layer_checks import check_layer


@pytest.mark.grade(number="1.1", points=2, files=[LAYERS_PY])
def test_affine(student, ref_layers, rng, credit):
    """Affine forward and backward

    Inputs of shape (N, d1, d2); gradients from the student's own cache.
    """
    x, w, b = (rng.standard_normal(s) for s in ((4, 3, 2), (6, 5), (5,)))
    parts = Parts(credit)
    check_layer(student, ref_layers, rng, parts, "affine_forward", "affine_backward",
                (x, w, b), ("dx", "dw", "db"), weights=(0.4, 0.5))
    parts.finish()


@pytest.mark.grade(number="1.2", points=2, files=[LAYERS_PY])
def test_relu(student, ref_layers, rng, credit):
    """ReLU forward and backward

    Output and gradient against the reference.
    """
    x = rng.standard_normal((5, 6))
    parts = Parts(credit)
    check_layer(student, ref_layers, rng, parts, "relu_forward", "relu_backward", (x,),
                ("dx",), out_hints=[("absolute value instead of max(0, x)", abs(x))],
                grad_hints=lambda dout: {"dx": [
                    ("relu backward masks with dout > 0 instead of x > 0", dout * (dout > 0)),
                    ("relu backward passes dout through unchanged", dout)]})
    parts.finish()


def _softmax_part(student, ref_layers, x, y, what):
    want_loss, want_dx = ref_layers.softmax_loss(x, y)
    loss, dx = outputs(call(student, "softmax_loss", x, y).value, "softmax_loss", ("loss", "dx"))
    overflow = " This looks like: softmax without subtracting the row maximum (overflow)."
    if loss is not None and not np.all(np.isfinite(loss)):
        fail(f"softmax_loss on {what}: loss is {loss}; expected {want_loss:.6g}.{overflow}")
    if isinstance(dx, np.ndarray) and not np.all(np.isfinite(dx)):
        fail(f"softmax_loss on {what}: dx is not finite.{overflow}")
    compare(f"softmax_loss loss on {what}", scalar(loss, "softmax_loss loss"), want_loss, 1e-8,
            hypotheses=[("loss summed instead of averaged over the batch", want_loss * len(y))])
    compare(f"softmax_loss dx on {what}", array(dx, "softmax_loss dx", x.shape), want_dx,
            1e-8, hypotheses=[("dx not divided by N", want_dx * len(y))])


@pytest.mark.grade(number="1.3", points=2, files=[LAYERS_PY])
def test_softmax_loss(student, ref_layers, rng, credit):
    """Softmax loss

    Loss and gradient on scores of order 1 and of order 10; advice (no points) for scores
    near 1000, which overflow without a max shift.
    """
    y = rng.integers(5, size=6)
    parts = Parts(credit)
    parts.run(0.5, "scores of order 1", lambda: _softmax_part(
        student, ref_layers, rng.standard_normal((6, 5)), y, "scores of order 1"))
    parts.run(0.5, "scores of order 10", lambda: _softmax_part(
        student, ref_layers, 10 * rng.standard_normal((6, 5)), y, "scores of order 10"))
    # The notebooks never produce such scores, so an unshifted softmax is not wrong here.
    parts.advise("scores near 1000", lambda: _softmax_part(
        student, ref_layers, 800 + 400 * rng.standard_normal((6, 5)), y,
        "scores near 1000"))
    parts.finish()
