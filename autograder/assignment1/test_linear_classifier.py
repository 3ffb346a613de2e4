"""Hidden checks of LinearClassifier.train and .predict (svm.ipynb; softmax.ipynb uses the
same methods through Softmax).

train is judged against the student's own loss (LinearSVM.loss, or Softmax.loss when
that one does not work yet), so a bug of the loss is charged in the loss's checks only:

- the update: on data whose rows are all equal, every minibatch is the same, so one
  iteration must give W - learning_rate * grad and record that loss;
- the minibatch: on data whose rows are a * e_{y_i}, the gradient of a minibatch is a
  mix of one gradient per class with weights (count of class c) / batch_size, read back
  from the step: the weights must be multiples of 1 / batch_size (batch_size rows) and
  explain the step exactly (X_batch and y_batch from the same rows);
- the history: one loss per iteration.
"""

from __future__ import annotations

import numpy as np
import pytest

from a1_common import LINEAR, LINEAR_FILES, call, labels_array
from gradekit.checklib import (Parts, array, compare, fail, implemented, outputs, scalar)
from gradekit.sandbox.controller import StudentException

CLASSES = ("LinearSVM", "Softmax")


def _model(student, cls, W):
    model = call(student, LINEAR + cls).value
    student.setattr(model, "W", W)
    return model


def _own_loss(student, model, X, y, reg, W):
    student.setattr(model, "W", W)
    loss, grad = outputs(call(student, (model, "loss"), X, y, reg).value, "loss",
                         ("loss", "grad"))
    return scalar(loss, "loss"), array(grad, "grad", W.shape)


def _usable_class(student, rng):
    """A classifier whose own loss gives a gradient (LinearSVM first), or fail."""
    W = 0.1 * rng.standard_normal((4, 3))
    X, y = rng.standard_normal((5, 4)), np.arange(5) % 3
    problems = []
    for cls in CLASSES:
        try:
            model = _model(student, cls, W)
            _, grad = _own_loss(student, model, X, y, 0.1, W)
            if implemented(grad):
                return cls
            problems.append(f"{cls}.loss returns a constant gradient")
        except (StudentException, AssertionError) as error:
            problems.append(f"{cls}.loss: {error}")
    fail("Not checked: train is judged with your own loss, and neither svm_loss_vectorized "
         "nor softmax_loss_vectorized works yet (" + "; ".join(problems) + ").")


def _train(student, model, X, y, **kwargs):
    return call(student, (model, "train"), X, y, timeout=10, **kwargs).value


def _history(value, n):
    if not isinstance(value, (list, tuple, np.ndarray)):
        fail(f"train returned {type(value).__name__}; expected the list of losses.")
    if len(value) != n:
        hint = " This looks like: each loss appended twice." if len(value) == 2 * n else ""
        fail(f"train(..., num_iters={n}) returned {len(value)} losses; expected {n}.{hint}")
    return np.array([scalar(v, "a loss of loss_history") for v in value])


def _update(student, rng, cls):
    D, C, B = 6, 4, 7
    x0 = rng.standard_normal(D)
    X, y = np.tile(x0, (25, 1)), np.full(25, int(rng.integers(C)))
    W0 = 0.3 * rng.standard_normal((D, C))
    lr, reg = float(rng.uniform(0.05, 0.2)), float(rng.uniform(0.01, 0.1))
    model = _model(student, cls, W0)
    loss, grad = _own_loss(student, model, X[:B], y[:B], reg, W0.copy())
    history = _history(_train(student, model, X, y, learning_rate=lr, reg=reg, num_iters=1,
                              batch_size=B), 1)
    W1 = array(student.getattr(model, "W"), "self.W after train", W0.shape)
    compare(f"{cls}: self.W after one iteration (every row the same, so every minibatch "
            "is)", W1, W0 - lr * grad, 1e-10, hypotheses=[
                ("a step along the gradient (W + learning_rate * grad): training climbs the "
                 "loss", W0 + lr * grad),
                ("learning_rate not applied (W - grad)", W0 - grad),
                ("self.W not updated", W0)])
    compare(f"{cls}: loss_history[0]", history[0], loss, 1e-10)


def _minibatch(student, rng, cls):
    C, B, a = 3, 7, 0.5
    y = rng.permutation(np.arange(30) % C)
    X = a * np.eye(C)[y]                                   # row i is a * e_{y_i}
    W0 = np.zeros((C, C))
    model = _model(student, cls, W0)
    per_class = np.array([_own_loss(student, model, np.tile(a * np.eye(C)[c], (B, 1)),
                                    np.full(B, c), 0.0, W0.copy())[1].ravel()
                          for c in range(C)]).T            # (C*C, C)
    if np.linalg.matrix_rank(per_class, tol=1e-9 * max(np.abs(per_class).max(), 1e-300)) < C:
        fail(f"Not checked: {cls}.loss gives gradients that cannot tell the classes apart "
             "at W = 0 (is the loss right?).")
    _history(_train(student, model, X, y, learning_rate=1.0, reg=0.0, num_iters=1,
                    batch_size=B), 1)
    step = array(student.getattr(model, "W"), "self.W after train", W0.shape) - W0
    weights, *_ = np.linalg.lstsq(per_class, -step.ravel(), rcond=None)
    misfit = np.abs(per_class @ weights + step.ravel()).max()
    if misfit > 1e-8 * max(np.abs(step).max(), 1e-12) or not np.any(weights):
        fail(f"{cls}: the step of one iteration is not the gradient of any minibatch of "
             "the training rows with their own labels. This looks like: X_batch and "
             "y_batch not drawn with the same indices.")
    fractions = weights / weights.sum()
    counts = fractions * B
    if np.abs(counts - np.round(counts)).max() > 1e-6 or np.any(np.round(counts) < 0):
        fail(f"{cls}: with batch_size={B} the minibatch's class counts should be whole "
             f"numbers out of {B}; the step gives {np.round(counts, 3).tolist()}. This "
             "looks like: the minibatch does not have batch_size rows (a hard-coded batch "
             "size?).")


def _history_part(student, rng, cls):
    X, y = rng.standard_normal((20, 5)), np.arange(20) % 3
    model = _model(student, cls, 0.1 * rng.standard_normal((5, 3)))
    _history(_train(student, model, X, y, learning_rate=1e-3, reg=1e-3, num_iters=5,
                    batch_size=4), 5)


@pytest.mark.grade(number="2.6", points=12, notebook="svm", files=LINEAR_FILES)
def test_train(student, rng, credit):
    """LinearClassifier.train

    One SGD step W - learning_rate * grad with the loss recorded; minibatches of
    batch_size rows with their own labels; one loss per iteration (judged with the
    student's own loss).
    """
    cls = _usable_class(student, rng)
    parts = Parts(credit)
    parts.run(0.4, "the update", lambda: _update(student, rng, cls))
    parts.run(0.4, "the minibatch", lambda: _minibatch(student, rng, cls))
    parts.run(0.2, "the loss history", lambda: _history_part(student, rng, cls))
    parts.finish()


@pytest.mark.grade(number="2.7", points=6, notebook="svm", files=LINEAR_FILES)
def test_predict(student, rng, credit):
    """LinearClassifier.predict

    The class with the highest score, X.dot(W) argmax over axis 1, for LinearSVM and
    Softmax.
    """
    N, D, C = 11, 6, 4
    X, W = rng.standard_normal((N, D)), rng.standard_normal((D, C))
    want = np.argmax(X @ W, axis=1).astype(float)
    parts = Parts(credit)
    for cls in CLASSES:
        def check(cls=cls):
            model = _model(student, cls, W)
            value = call(student, (model, "predict"), X).value
            if isinstance(value, np.ndarray) and value.shape == (C,):
                fail(f"{cls}.predict returned shape {value.shape}. This looks like: argmax "
                     "over axis 0 (the classes are the columns: axis 1).")
            if isinstance(value, np.ndarray) and value.shape == (N, C):
                fail(f"{cls}.predict returned shape {value.shape}. This looks like: the "
                     "scores returned instead of the labels (argmax over axis 1).")
            got = labels_array(value, N, f"{cls}.predict(X)")
            wrong = np.flatnonzero(got != want)
            if wrong.size:
                fail(f"{cls}.predict: {wrong.size} of {N} labels differ from the argmax of "
                     f"X.dot(W) over the classes (first at row {wrong[0]}: yours "
                     f"{got[wrong[0]]:g}, expected {want[wrong[0]]:g}).")
        parts.run(0.5, cls, check)
    parts.finish()
