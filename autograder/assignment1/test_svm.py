"""Hidden checks of svm.ipynb: the SVM loss and gradient, naive and vectorized, against
the reference (delta = 1, reg * sum(W^2), gradient 2 * reg * W). A wrong gradient's
message also says whether it matches centered differences of the student's own loss.

The regularisation is checked on its own, as loss(reg) - loss(0) and grad(reg) -
grad(0), so that a bug in the data term and one in the regularisation each cost their
own part.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import linear_models as bugs
from a1_common import SVM, SVM_PY, loss_and_grad, with_numeric_note
from gradekit.checklib import Parts, compare, fail, has_loops, read_source

NAIVE, VECTORIZED = SVM + "svm_loss_naive", SVM + "svm_loss_vectorized"


def _reference(reference):
    return reference.module("cs231n.classifiers.linear_svm")


def _reg(rng):
    return float(rng.uniform(0.5, 2.0))


def data_gradient(student, reference, target, W, X, y):
    _, want = _reference(reference).svm_loss_naive(W, X, y, 0.0)
    with_numeric_note(student, target, W, X, y, lambda dW: compare(
        f"{target.rsplit('.', 1)[-1]} dW with reg = 0", dW, want, 1e-8,
        hypotheses=bugs.svm_grad_bugs(W, X, y, want)))


def reg_gradient(student, target, W, X, y, reg):
    name = target.rsplit(".", 1)[-1]
    _, dW0 = loss_and_grad(student, target, W, X, y, 0.0)
    _, dW = loss_and_grad(student, target, W, X, y, reg)
    compare(f"{name}: the regularisation's share of dW, dW(reg={reg:.3g}) - dW(reg=0)",
            dW - dW0, 2 * reg * W, 1e-8, hypotheses=bugs.reg_grad_bugs(W, reg))


@pytest.mark.grade(number="2.3", points=24, notebook="svm", files=[SVM_PY])
def test_svm_naive_gradient(student, reference, rng, credit):
    """svm_loss_naive: gradient

    The data gradient (reg = 0) against the reference, then the regularisation
    gradient 2 * reg * W.
    """
    W, X, y = bugs.svm_inputs(rng)
    parts = Parts(credit)
    parts.run(0.6, "data gradient", lambda: data_gradient(student, reference, NAIVE, W, X, y))
    parts.run(0.4, "regularisation gradient", lambda: reg_gradient(
        student, NAIVE, W, X, y, _reg(rng)))
    parts.finish()


@pytest.mark.grade(number="2.4", points=18, notebook="svm", files=[SVM_PY])
def test_svm_vectorized_loss(student, reference, rng, credit):
    """svm_loss_vectorized: loss

    The data loss (reg = 0) against the reference, then the regularisation term
    reg * sum(W^2); no Python loops.
    """
    W, X, y = bugs.svm_inputs(rng)
    reg = _reg(rng)
    want, _ = _reference(reference).svm_loss_naive(W, X, y, 0.0)

    def data_loss():
        loss, _ = loss_and_grad(student, VECTORIZED, W, X, y, 0.0)
        compare("svm_loss_vectorized loss with reg = 0", loss, want, 1e-10, hypotheses=[
            ("the correct class's margin (exactly delta = 1) is counted: zero the margins "
             "of the correct classes", want + 1.0),
            ("the loss is summed over the batch, not averaged", want * len(y))])

    def reg_loss():
        loss0, _ = loss_and_grad(student, VECTORIZED, W, X, y, 0.0)
        loss, _ = loss_and_grad(student, VECTORIZED, W, X, y, reg)
        compare(f"svm_loss_vectorized: the regularisation term, loss(reg={reg:.3g}) - "
                "loss(reg=0)", loss - loss0, reg * np.sum(W * W), 1e-10,
                hypotheses=bugs.reg_loss_bugs(W, reg))

    def no_loops():
        if has_loops(read_source(Path(student.folder) / SVM_PY), "svm_loss_vectorized"):
            fail("svm_loss_vectorized has a Python loop; the notebook asks for none.")

    parts = Parts(credit)
    data = parts.run(0.5, "data loss", data_loss)
    parts.run(0.3, "regularisation", reg_loss)
    parts.run(0.2, "no Python loops", no_loops, needs=data,
              why="the rule counts once the loss is right")
    parts.finish()


@pytest.mark.grade(number="2.5", points=18, notebook="svm", files=[SVM_PY])
def test_svm_vectorized_gradient(student, reference, rng, credit):
    """svm_loss_vectorized: gradient

    The data gradient (reg = 0) against the reference, then the regularisation
    gradient 2 * reg * W.
    """
    W, X, y = bugs.svm_inputs(rng)
    parts = Parts(credit)
    parts.run(0.6, "data gradient", lambda: data_gradient(
        student, reference, VECTORIZED, W, X, y))
    parts.run(0.4, "regularisation gradient", lambda: reg_gradient(
        student, VECTORIZED, W, X, y, _reg(rng)))
    parts.finish()
