"""Hidden checks of the Dropout notebook: dropout_forward and dropout_backward, and the
fully connected net with dropout.

Fair to every mask draw (spec A2.2): the checks look at the fraction of units kept (with a
statistical tolerance), the values of the kept units (x / p exactly), test mode (x),
determinism under a seed, and backward through the student's own cache.
"""

import copy

import numpy as np
import pytest

from checklib import FC_FILES, LAYERS_PY, call, forward
from dropout_checks import check_kept_fraction, check_kept_values, check_test_mode
from fc_nets import C, D, H, Twins, random_params, student_loss
from gradekit.checklib import (Parts, array, charged_elsewhere, compare, directional_errors,
                               fail, outputs)
from gradekit.grading.checks import CheckFailed


def _away_from_zero(rng, shape):
    """Values in +-[1, 2]: the ratio out / x is exact and no unit is zero by chance."""
    return rng.uniform(1, 2, shape) * rng.choice([-1.0, 1.0], shape)


@pytest.mark.grade(number="11.3", points=22, notebook="Dropout", files=[LAYERS_PY])
def test_dropout_forward(student, rng, credit):
    """Dropout forward

    Inverted dropout with p the keep probability: about a fraction p kept (statistical
    tolerance), kept units equal to x / p, the mean kept; x left unchanged; a seed repeats
    the mask; test mode is the identity.
    """
    x = _away_from_zero(rng, (120, 150))
    p = float(rng.uniform(0.3, 0.45))
    seed = int(rng.integers(1_000_000))
    parts = Parts(credit)
    result = {}

    def train():
        before = x.copy()
        out, _, call_result = forward(student, "dropout_forward", x,
                                      {"mode": "train", "p": p, "seed": seed}, shape=x.shape)
        result["out"] = out
        # 18000 units: the kept fraction's standard deviation is below 0.004.
        check_kept_fraction(out, p, 0.02, f"dropout_forward train mode (p = {p:.3f})")
        if not np.array_equal(np.asarray(call_result.args[0]), before):
            fail("dropout_forward changed its input x in place; return a new array.")

    def values():
        check_kept_values(result["out"], x, p, f"dropout_forward train mode (p = {p:.3f})")
        y = np.full((200, 200), 3.0)
        out = forward(student, "dropout_forward", y, {"mode": "train", "p": p},
                      shape=y.shape)[0]
        if abs(out.mean() - 3.0) > 0.15:
            fail(f"dropout_forward on x = 3 everywhere (p = {p:.3f}): mean of the output "
                 f"{out.mean():.3f}; inverted dropout keeps the mean (3).")

    def seeded():
        again = forward(student, "dropout_forward", x, {"mode": "train", "p": p,
                                                         "seed": seed}, shape=x.shape)[0]
        if not np.array_equal(result["out"], again):
            fail("dropout_forward with the same 'seed' in dropout_param gave two different "
                 "outputs; the given code seeds numpy's generator, so draw the mask with "
                 "np.random (after that line), not with a generator of your own.")

    def test_mode():
        out = forward(student, "dropout_forward", x, {"mode": "test", "p": p},
                      shape=x.shape, train=False)[0]
        check_test_mode(out, x, p, "dropout_forward")

    trained = parts.run(0.35, "train mode: fraction kept", train)
    parts.run(0.3, "train mode: kept values x / p", values, needs=trained,
              why="train mode failed")
    parts.run(0.15, "a seed repeats the mask", seeded, needs=trained,
              why="train mode failed")
    parts.run(0.2, "test mode", test_mode)
    parts.finish()


@pytest.mark.grade(number="11.4", points=14, notebook="Dropout", files=[LAYERS_PY])
def test_dropout_backward(student, rng, credit):
    """Dropout backward

    Through the cache of the student's own forward: dx = dout * out / x in train mode, dout
    in test mode.
    """
    x = _away_from_zero(rng, (30, 40))
    dout = rng.standard_normal(x.shape)
    p = float(rng.uniform(0.5, 0.7))
    parts = Parts(credit)

    def train():
        out, cache, _ = forward(student, "dropout_forward", x,
                                {"mode": "train", "p": p, "seed": 3}, shape=x.shape)
        if not np.any(out):
            fail("dropout_backward: not checked, dropout_forward returned all zeros.")
        dx = array(call(student, "dropout_backward", dout, cache).value,
                   "dropout_backward dx", x.shape)
        want = dout * out / x
        compare("dropout_backward dx (train mode)", dx, want, 1e-10, hypotheses=[
            ("the mask stored as booleans (or 0/1), so backward loses the 1/p factor",
             dout * (out != 0)),
            ("backward multiplies by p instead of dividing", dout * (out != 0) * p),
            ("backward ignores the mask", dout)])

    def test_mode():
        _, cache, _ = forward(student, "dropout_forward", x, {"mode": "test", "p": p},
                              shape=x.shape, train=False)
        dx = array(call(student, "dropout_backward", dout, cache).value,
                   "dropout_backward dx", x.shape)
        compare("dropout_backward dx (test mode)", dx, dout, 1e-12)

    parts.run(0.75, "train mode", train)
    parts.run(0.25, "test mode", test_mode)
    parts.finish()


def _test_mode_is_identity(student, rng) -> bool:
    x = _away_from_zero(rng, (6, 7))
    try:
        out = call(student, "dropout_forward", x, {"mode": "test", "p": 0.5}).value[0]
        return bool(np.array_equal(np.asarray(out), x))
    except Exception:  # noqa: BLE001 - a dropout_forward that fails is not the identity
        return False


def _backward_is_consistent(student, rng, p) -> bool:
    """Is the student's dropout_backward dout * out / x for its own train forward?"""
    x = _away_from_zero(rng, (6, 7))
    dout = rng.standard_normal(x.shape)
    try:
        out, cache = call(student, "dropout_forward", x, {"mode": "train", "p": p,
                                                           "seed": 1}).value
        dx = call(student, "dropout_backward", dout, cache).value
        return bool(np.allclose(np.asarray(dx, float), dout * np.asarray(out) / x,
                                rtol=1e-10, atol=1e-12))
    except Exception:  # noqa: BLE001 - a backward that fails is not consistent
        return False


def _with_their_dropout(student, reference, params, X, y, param, after_scores=False,
                        layers=None):
    """The loss of the net with the reference's affine, ReLU and softmax and the
    student's own dropout_forward (so any mask draw) after the hidden ReLUs in ``layers``
    (default every one), or after the scores too."""
    ref = reference.module("cs231n.layers")
    L = sum(1 for k in params if k.startswith("W"))
    layers = range(1, L) if layers is None else layers
    h = X.reshape(len(X), -1)
    for k in range(1, L + 1):
        h = ref.affine_forward(h, params[f"W{k}"], params[f"b{k}"])[0]
        if k < L:
            h = ref.relu_forward(h)[0]
        if (k < L and k in layers) or (k == L and after_scores):
            h = array(outputs(call(student, "dropout_forward", h, copy.deepcopy(param)).value,
                              "dropout_forward", ("out", "cache"))[0], "dropout out", h.shape)
    return ref.softmax_loss(h, y)[0]


@pytest.mark.grade(number="11.6", points=20, notebook="Dropout", files=FC_FILES)
def test_fc_net_with_dropout(student, reference, rng, credit):
    """FC net with dropout

    No dropout at test time; in train mode, dropout (the student's own dropout_forward,
    with the net's shared dropout_param and seed) after every hidden ReLU and never after
    the scores; gradients consistent with that loss.
    """
    keep, seed = 0.6, 7
    twins = Twins(student, reference, rng, dropout_keep_ratio=keep, seed=seed)
    theirs, params = twins.theirs, twins.params
    plain = reference.module("cs231n.classifiers.fc_net").FullyConnectedNet(
        H, input_dim=D, num_classes=C, dtype=np.float64)
    plain.params = dict(params)
    X, y = rng.standard_normal((8, D)), rng.integers(C, size=8)
    param = {"mode": "train", "p": keep, "seed": seed}
    parts = Parts(credit)

    def scores():
        got = [array(call(student, (theirs, "loss"), X).value, "scores", (8, C))
               for _ in range(2)]
        try:
            if not np.array_equal(got[0], got[1]):
                fail("model.loss(X) (test time) gave different scores in two calls. This "
                     "looks like: dropout active at test time (the dropout mode not switched "
                     "to 'test', or a dropout dict of its own per layer).")
            compare("model.loss(X) scores with dropout (test time: no dropout)", got[0],
                    plain.loss(X), 1e-8)
        except CheckFailed as error:
            if not _test_mode_is_identity(student, rng):
                raise charged_elsewhere(str(error), "your dropout_forward is not the "
                                        "identity in test mode", test_dropout_forward)
            raise

    scores_ok = parts.run(0.2, "test-time scores", scores)

    def train_loss():
        first, second = (student_loss(student, theirs, X, y)[0] for _ in range(2))
        if first != second:
            fail(f"Two train-mode losses with the same dropout seed differ ({first:.10g}, "
                 f"{second:.10g}); every dropout layer should get self.dropout_param (it "
                 "holds the seed).")
        without = plain.loss(X, y)[0]
        if abs(first - without) < 1e-9 * abs(without):
            fail(f"Train-mode loss with dropout_keep_ratio={keep} is {first:.6g}, the same as "
                 "without dropout. This looks like: dropout not applied in train mode.")
        want = _with_their_dropout(student, reference, params, X, y, param)
        compare(f"train-mode loss with dropout_keep_ratio={keep} (your own dropout_forward "
                "after each hidden ReLU)", first, want, 1e-8, hypotheses=[
                    ("dropout applied only after the first hidden layer", lambda:
                     _with_their_dropout(student, reference, params, X, y, param,
                                         layers=[1])),
                    ("dropout applied after the last affine layer (the scores) too", lambda:
                     _with_their_dropout(student, reference, params, X, y, param,
                                         after_scores=True))])

    def gradient_check(params, X, y):
        """The message of the first mismatch, or "" (the student's net gets ``params``)."""
        student.setattr(theirs, "params", params)
        grads = student_loss(student, theirs, X, y)[1]

        def loss_at(probe):
            student.setattr(theirs, "params", probe)
            return student_loss(student, theirs, X, y)[0]

        names = ("W1", "W2", "b2", "W3")
        grads = {k: array(grads.get(k), f"grads[{k!r}]", params[k].shape) for k in names}
        directions = {k: rng.standard_normal(params[k].shape) for k in names}
        for name, (num, ana, err) in directional_errors(loss_at, params, grads,
                                                        directions).items():
            if err > 1e-5:
                return (f"Gradient check with dropout: derivative along a random direction "
                        f"of {name}: numeric {num:.6g}, yours {ana:.6g} (rel error {err:.1e}; "
                        "expected 1e-05 or less). This looks like: the backward pass skips "
                        "dropout_backward, or uses another layer's cache.")
        return ""

    def gradients():
        # A ReLU input within rounding of 0 can fool centered differences: a mismatch
        # counts only if it repeats on fresh parameters and data.
        if gradient_check(params, X, y):
            message = gradient_check(random_params(rng, None), rng.standard_normal((8, D)),
                                     rng.integers(C, size=8))
            if message and not _backward_is_consistent(student, rng, keep):
                raise charged_elsewhere(message, "your dropout_backward is not dout times "
                                        "the forward's mask", test_dropout_backward)
            if message:
                fail(message)

    parts.run(0.4, "train-mode loss", train_loss, needs=scores_ok)
    parts.run(0.4, "gradients with dropout", gradients, needs=scores_ok)
    parts.finish()
