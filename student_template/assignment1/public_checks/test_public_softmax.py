"""Public checks: the softmax notebook's sanity check (under "The softmax
loss") and its naive-against-vectorized cell (under "A vectorized loss and
gradient"), on small random inputs."""

import numpy as np
import pytest

from a1_common import SOFTMAX, SOFTMAX_PY, loss_and_grad
from gradekit.checklib import Parts, fail, implemented


@pytest.mark.grade(number="3.1", points=4, notebook="softmax", files=[SOFTMAX_PY])
def test_softmax_sanity_notebook(student, rng, credit):
    """Softmax sanity check, under "The softmax loss"

    With tiny random weights, 10 classes and reg = 0, softmax_loss_naive is close to
    -log(0.1) = 2.302585.
    """
    X = rng.standard_normal((50, 40))
    W = 1e-4 * rng.standard_normal((40, 10))
    y = rng.integers(0, 10, 50)
    parts = Parts(credit)

    def sanity():
        loss, _ = loss_and_grad(student, SOFTMAX + "softmax_loss_naive", W, X, y, 0.0)
        if abs(loss - np.log(10)) > 0.01:
            fail(f"loss: {loss:f}; sanity check: {np.log(10):f}. With W close to 0 every "
                 "class has probability about 0.1, so the loss should be close to "
                 "-log(0.1).")

    parts.run(1.0, "loss close to -log(0.1)", sanity)
    parts.finish()


def _naive(student, cell_reference, W, X, y, reg):
    if cell_reference is None:
        loss, dW = loss_and_grad(student, SOFTMAX + "softmax_loss_naive", W, X, y, reg)
        if not implemented(dW):
            fail("Not checked: softmax_loss_naive is not implemented yet (the cell compares "
                 "with it).")
        return loss, dW
    return cell_reference.module("cs231n.classifiers.softmax").softmax_loss_naive(W, X, y, reg)


@pytest.mark.grade(number="3.2", points=6, notebook="softmax", files=[SOFTMAX_PY])
def test_softmax_vectorized_notebook(student, cell_reference, rng, credit):
    """Softmax naive against vectorized, under "A vectorized loss and gradient"

    Loss difference and the Frobenius norm of the gradient difference print as 0.000000
    (reg = 5e-6).
    """
    X = rng.standard_normal((40, 30))
    W = 1e-4 * rng.standard_normal((30, 10))                # as small as the notebook's
    y = rng.integers(0, 10, 40)
    want_loss, want_dW = _naive(student, cell_reference, W, X, y, 5e-6)
    loss, dW = loss_and_grad(student, SOFTMAX + "softmax_loss_vectorized", W, X, y, 5e-6)
    parts = Parts(credit)

    def loss_cell():
        if abs(loss - want_loss) >= 5e-7:
            fail(f"naive loss: {want_loss:e}, vectorized loss: {loss:e}; Loss difference: "
                 f"{abs(loss - want_loss):f} (the notebook expects 0.000000).")

    def grad_cell():
        difference = float(np.linalg.norm(dW - want_dW, ord="fro"))
        if difference >= 5e-7:
            fail(f"Gradient difference: {difference:f} (Frobenius norm; the notebook expects "
                 "0.000000).")

    parts.run(0.5, "loss", loss_cell)
    parts.run(0.5, "gradient", grad_cell)
    parts.finish()
