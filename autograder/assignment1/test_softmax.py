"""Hidden checks of softmax.ipynb: the softmax loss and gradient, naive and vectorized.

The data term (reg = 0) is compared with the reference. The regularisation convention is
free in the 2018-2024 kits: reg * sum(W^2) with gradient 2 * reg * W, or
0.5 * reg * sum(W^2) with gradient reg * W; each function's gradient must match its own
loss, and naive and vectorized must use the same convention (3.5). Scores near 1000 test
the shift by each row's maximum.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import linear_models as bugs
from a1_common import SOFTMAX, SOFTMAX_PY, call, loss_and_grad, with_numeric_note
from gradekit.checklib import (Parts, charged_elsewhere, compare, fail, has_loops,
                               read_source)
from gradekit.sandbox.controller import StudentException

NAIVE, VECTORIZED = SOFTMAX + "softmax_loss_naive", SOFTMAX + "softmax_loss_vectorized"
CONVENTIONS = {"reg * sum(W^2)": 1.0, "0.5 * reg * sum(W^2)": 0.5}
NO_SHIFT = ("the scores are exponentiated without subtracting each row's maximum "
            "(overflow)")
GLOBAL_SHIFT = ("the scores are shifted by the largest score of the whole batch, not of "
                "each row (rows far below it underflow to log 0)")


def _reference(reference):
    return reference.module("cs231n.classifiers.softmax")


def _name(target):
    return target.rsplit(".", 1)[-1]


def data_loss(student, reference, target, W, X, y):
    want, _ = _reference(reference).softmax_loss_naive(W, X, y, 0.0)
    loss, _ = loss_and_grad(student, target, W, X, y, 0.0)
    compare(f"{_name(target)} loss with reg = 0", loss, want, 1e-10, hypotheses=[
        ("the loss is summed over the batch, not averaged", want * len(y))])


def data_gradient(student, reference, target, W, X, y):
    _, want = _reference(reference).softmax_loss_naive(W, X, y, 0.0)
    with_numeric_note(student, target, W, X, y, lambda dW: compare(
        f"{_name(target)} dW with reg = 0", dW, want, 1e-8,
        hypotheses=bugs.softmax_grad_bugs(W, X, y, want)))


def reg_share(student, target, W, X, y, reg):
    """The regularisation's share of the loss and of dW: loss(reg) - loss(0), and the
    same for dW."""
    loss0, dW0 = loss_and_grad(student, target, W, X, y, 0.0)
    loss, dW = loss_and_grad(student, target, W, X, y, reg)
    return loss - loss0, dW - dW0


def convention(share, W, reg):
    """The name of the convention the loss's regularisation share follows, or None."""
    for name, factor in CONVENTIONS.items():
        if abs(share - factor * reg * np.sum(W * W)) <= 1e-9 * reg * np.sum(W * W):
            return name
    return None


def reg_loss(student, target, W, X, y, reg):
    share, _ = reg_share(student, target, W, X, y, reg)
    if convention(share, W, reg) is None:
        full = reg * np.sum(W * W)
        hint = (" This looks like: the regularisation is missing from the loss."
                if abs(share) <= 1e-12 * full else "")
        fail(f"{_name(target)}: the regularisation term, loss(reg={reg:.3g}) - loss(reg=0), "
             f"is {share:.10g}; expected reg * sum(W^2) = {full:.10g} or, the other "
             f"convention, 0.5 * reg * sum(W^2) = {0.5 * full:.10g}.{hint}")


def reg_gradient(student, target, W, X, y, reg):
    share, dshare = reg_share(student, target, W, X, y, reg)
    name = convention(share, W, reg)
    if name is None:
        # The loss's term is charged in its own part; the gradient may follow either.
        candidates = [2 * f * reg * W for f in CONVENTIONS.values()]
        if any(np.max(np.abs(dshare - c)) <= 1e-8 * np.max(np.abs(c)) for c in candidates):
            return
        compare(f"{_name(target)}: the regularisation's share of dW", dshare, 2 * reg * W,
                1e-8, hypotheses=[("the regularisation gradient is missing",
                                   np.zeros_like(W))])
        return
    factor = CONVENTIONS[name]
    other = 1.5 - factor
    compare(f"{_name(target)}: the regularisation's share of dW, dW(reg={reg:.3g}) - "
            f"dW(reg=0), for your loss's {name}", dshare, 2 * factor * reg * W, 1e-8,
            hypotheses=[(f"the regularisation gradient does not match your own loss: the "
                         f"loss adds {name}, whose gradient is {2 * factor:g} * reg * W, but "
                         f"dW adds {2 * other:g} * reg * W (a numeric gradient check with "
                         "reg > 0 fails)", 2 * other * reg * W),
                        ("the regularisation gradient is missing", np.zeros_like(W))])


def _all_finite(value) -> bool:
    """Whether the numbers of a (loss, dW) answer are all finite (True for answers of
    another form: the ordinary checks say what is wrong with those)."""
    try:
        return all(bool(np.all(np.isfinite(np.asarray(part, dtype=float)))) for part in value)
    except (TypeError, ValueError):
        return True


def _large(student, reference, target, W, X, y, what, bug):
    """What is wrong with ``target`` on large scores ('' when nothing); ``bug`` is named
    only when the values are not finite, the mark of an exponential that over- or
    underflowed (a wrong but finite value is some other bug, charged where it lives)."""
    want_loss, want_dW = _reference(reference).softmax_loss_naive(W, X, y, 0.0)
    try:
        raw = call(student, target, W, X, y, 0.0).value
    except (AssertionError, StudentException) as error:
        return f"{what}: {error}"
    if not _all_finite(raw):
        return (f"{what}: {_name(target)} gives a loss or dW that is not finite.\n"
                f"This looks like: {bug}.")
    try:
        loss, dW = loss_and_grad(student, target, W, X, y, 0.0)
    except AssertionError as error:
        return f"{what}: {error}"
    except StudentException as error:
        return f"{what}: {error}"
    finite = True
    try:
        compare(f"{_name(target)} loss ({what})", loss, want_loss, 1e-8)
        compare(f"{_name(target)} dW ({what})", dW, want_dW, 1e-8)
    except AssertionError as error:
        return str(error) if finite else f"{error}\nThis looks like: {bug}."
    return ""


def stable(student, reference, target, rng):
    """Scores near 1000: first rows close together (no shift overflows), then rows
    hundreds apart (a shift by the global maximum underflows)."""
    N, D, C = 6, 5, 4
    X = np.hstack([0.3 * rng.standard_normal((N, D - 1)), rng.uniform(900, 1000, (N, 1))])
    W = np.vstack([rng.standard_normal((D - 1, C)), 1 + 0.002 * rng.standard_normal(C)])
    y = rng.integers(0, C, N)
    close = _large(student, reference, target, W, X, y, "scores near 1000", NO_SHIFT)
    if close:
        fail(close)
    W2, X2, y2 = bugs.softmax_large(rng)
    apart = _large(student, reference, target, W2, X2, y2, "rows of scores hundreds apart",
                   GLOBAL_SHIFT)
    if apart:
        fail(apart)


def _check(student, reference, rng, credit, target, weights):
    W, X, y = bugs.softmax_inputs(rng)
    reg = float(rng.uniform(0.5, 2.0))
    parts = Parts(credit)
    data = parts.run(weights[0], "data loss", lambda: data_loss(
        student, reference, target, W, X, y))
    parts.run(weights[1], "data gradient", lambda: data_gradient(
        student, reference, target, W, X, y))
    parts.run(weights[2], "regularisation in the loss", lambda: reg_loss(
        student, target, W, X, y, reg))
    parts.run(weights[3], "regularisation gradient", lambda: reg_gradient(
        student, target, W, X, y, reg))
    parts.run(weights[4], "large scores", lambda: stable(student, reference, target, rng),
              needs=data, why="stability counts once the loss is right")
    return parts, data


@pytest.mark.grade(number="3.3", points=34, notebook="softmax", files=[SOFTMAX_PY])
def test_softmax_naive(student, reference, rng, credit):
    """softmax_loss_naive

    Data loss and gradient against the reference; a regularisation term of either
    convention with the gradient that matches it; scores near 1000.
    """
    parts, _ = _check(student, reference, rng, credit, NAIVE, (0.3, 0.3, 0.15, 0.15, 0.1))
    parts.finish()


@pytest.mark.grade(number="3.4", points=36, notebook="softmax", files=[SOFTMAX_PY])
def test_softmax_vectorized(student, reference, rng, credit):
    """softmax_loss_vectorized

    As the naive check, and without Python loops.
    """
    parts, data = _check(student, reference, rng, credit, VECTORIZED,
                         (0.3, 0.25, 0.15, 0.1, 0.1))

    def no_loops():
        if has_loops(read_source(Path(student.folder) / SOFTMAX_PY),
                     "softmax_loss_vectorized"):
            fail("softmax_loss_vectorized has a Python loop; the notebook asks for none.")

    parts.run(0.1, "no Python loops", no_loops, needs=data,
              why="the rule counts once the loss is right")
    parts.finish()


@pytest.mark.grade(number="3.5", points=10, notebook="softmax", files=[SOFTMAX_PY])
def test_softmax_same_convention(student, rng, credit):
    """Softmax: naive and vectorized regularise alike

    Both use reg * sum(W^2) or both 0.5 * reg * sum(W^2), so that they return the same
    loss and gradient for every reg.
    """
    W, X, y = bugs.softmax_inputs(rng)
    reg = float(rng.uniform(0.5, 2.0))

    def agree():
        names = {}
        for target, check in ((NAIVE, test_softmax_naive),
                              (VECTORIZED, test_softmax_vectorized)):
            loss, _ = loss_and_grad(student, target, W, X, y, 0.0)
            if loss == 0:
                fail(f"Not checked: {_name(target)} returns a zero loss (not implemented "
                     "yet?).")
            share, _ = reg_share(student, target, W, X, y, reg)
            names[target] = convention(share, W, reg)
            if names[target] is None:
                raise charged_elsewhere(
                    f"{_name(target)}'s regularisation follows neither convention.",
                    "a wrong regularisation term", check)
        if names[NAIVE] != names[VECTORIZED]:
            fail(f"softmax_loss_naive adds {names[NAIVE]} but softmax_loss_vectorized adds "
                 f"{names[VECTORIZED]}: with reg > 0 they return different losses and "
                 "gradients. This looks like: the regularisation 1/2 in one of naive and "
                 "vectorized and not the other; use one convention in both.")

    parts = Parts(credit)
    parts.run(1.0, "one convention", agree)
    parts.finish()
