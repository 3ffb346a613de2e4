"""Public checks: the SVM notebook's naive-against-vectorized cells (under "A vectorized
loss and gradient") and a short SGD run of LinearSVM (under "Stochastic gradient
descent"), on small random inputs."""

import numpy as np
import pytest

from a1_common import (LINEAR, LINEAR_FILES, SVM, SVM_PY, call, labels_array,
                       loss_and_grad)
from gradekit.checklib import Parts, fail, implemented


def _naive(student, cell_reference, W, X, y, reg):
    """The naive loss the cell compares with: the student's own, or in the grade the
    reference's (so that only the vectorized version can fail the cell)."""
    if cell_reference is None:
        loss, dW = loss_and_grad(student, SVM + "svm_loss_naive", W, X, y, reg)
        if not implemented(dW):
            fail("Not checked: the gradient of svm_loss_naive is not implemented yet (the "
                 "cell compares with it).")
        return loss, dW
    return cell_reference.module("cs231n.classifiers.linear_svm").svm_loss_naive(W, X, y, reg)


@pytest.mark.grade(number="2.1", points=8, notebook="svm", files=[SVM_PY])
def test_svm_vectorized_notebook(student, cell_reference, rng, credit):
    """SVM naive against vectorized, under "A vectorized loss and gradient"

    Loss difference and the Frobenius norm of the gradient difference print as 0.000000
    (reg = 5e-6).
    """
    X = rng.standard_normal((40, 30))
    W = 1e-4 * rng.standard_normal((30, 10))                # as small as the notebook's
    y = rng.integers(0, 10, 40)
    want_loss, want_dW = _naive(student, cell_reference, W, X, y, 5e-6)
    loss, dW = loss_and_grad(student, SVM + "svm_loss_vectorized", W, X, y, 5e-6)
    parts = Parts(credit)

    def loss_cell():
        if abs(loss - want_loss) >= 5e-7:
            fail(f"Naive loss: {want_loss:e}, vectorized loss: {loss:e}, difference: "
                 f"{loss - want_loss:f} (the notebook expects 0.000000).")

    def grad_cell():
        difference = float(np.linalg.norm(dW - want_dW, ord="fro"))
        if difference >= 5e-7:
            fail(f"Gradient difference: {difference:f} (Frobenius norm; the notebook expects "
                 "0.000000).")

    parts.run(0.5, "loss", loss_cell)
    parts.run(0.5, "gradient", grad_cell)
    parts.finish()


@pytest.mark.grade(number="2.2", points=4, notebook="svm", files=LINEAR_FILES)
def test_linear_svm_training_run(student, rng, credit):
    """LinearSVM: a short SGD run

    train returns one loss per iteration and the loss falls on well-separated data;
    predict then labels most training points right.
    """
    C, D, N = 3, 8, 90
    means = 3 * rng.standard_normal((C, D))
    y = np.arange(N) % C
    X = means[y] + 0.5 * rng.standard_normal((N, D))
    model = call(student, LINEAR + "LinearSVM").value
    parts = Parts(credit)
    result = {}

    def train():
        history = call(student, (model, "train"), X, y, learning_rate=1e-2, reg=1e-4,
                       num_iters=60, batch_size=30, timeout=20).value
        if not isinstance(history, list) or len(history) != 60:
            fail(f"train(..., num_iters=60) returned {type(history).__name__} of "
                 f"{len(history) if hasattr(history, '__len__') else '?'} items; expected a "
                 "list of 60 losses.")
        losses = np.array(history, dtype=float)
        if not np.all(np.isfinite(losses)) or not losses[-10:].mean() < 0.5 * losses[0]:
            fail(f"The loss did not fall: first {losses[0]:.4g}, mean of the last ten "
                 f"{losses[-10:].mean():.4g} (learning rate 1e-2, well-separated classes).")
        result["trained"] = True

    def predict():
        labels = labels_array(call(student, (model, "predict"), X).value, N, "predict(X)")
        accuracy = float(np.mean(labels == y))
        if accuracy < 0.9:
            fail(f"Training accuracy after training: {accuracy:.2f}; expected 0.9 or more "
                 "on well-separated classes.")

    parts.run(0.6, "train", train)
    parts.run(0.4, "predict", predict, needs="trained" in result,
              why="predict is checked after a training run that works")
    parts.finish()
