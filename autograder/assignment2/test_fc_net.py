"""Hidden checks: FullyConnectedNet scores, losses and gradients, with batchnorm and
layernorm, against a reference net with the same parameters.

Each bug of the net is charged in one check: test-time bugs (and a ReLU on the scores) in
5.4, the loss and gradients in 5.5 (batchnorm) and 5.6 (layernorm), regularisation in 5.7.
A net that is wired right but built from buggy layers is not charged here (those layers'
checks are); nor is a bug another check of the net charges.
"""

import functools

import numpy as np
import pytest

from checklib import FC_FILES, call
from gradekit.checklib import (Elsewhere, Parts, array, charged_elsewhere, check_number,
                               compare, fail, implemented)
from fc_nets import C, D, H, Twins, compare_grads, student_loss
from gradekit.sandbox.controller import StudentException


RELU_ON_SCORES = "ReLU applied to the output scores"
# Checks in other files that charge bugs these checks see too.
NORM_LAST_CHECK = check_number("test_fc_net_params.py::test_fc_net_batchnorm_structure")
TEST_MODE_CHECK = check_number("test_batchnorm_forward.py::test_batchnorm_test_mode")
# The FullyConnectedNets notebook's checks own the bugs of the net without normalization
# (COURSE_SPEC A2.3) when the grade scores them: a ReLU on the scores (10.4) and the L2
# term of the weights (10.5). Batch Normalization alone charges them here.
PLAIN_LOSS_CHECK = check_number("test_fc_nets_plain.py::test_fc_net_any_depth_loss")
PLAIN_REG_CHECK = check_number("test_fc_nets_plain.py::test_fc_net_plain_regularization")


def _owner(scoring, number):
    return number if scoring is not None and scoring.scores(number) else None


def _hint(label, value, owner):
    """A named bug: charged here, or (``owner`` a check number) in its owner."""
    return (label, value) if owner is None else Elsewhere(label, value, owner)


def _memo(thunk):
    """``thunk`` computed once, on first use (predictions are only needed on a mismatch)."""
    return functools.lru_cache(maxsize=None)(thunk)


@pytest.mark.grade(number="5.4", points=4, files=FC_FILES)
def test_fc_net_test_mode(student, reference, rng, credit, scoring):
    """FC net with batchnorm: test-time scores

    With y None, batchnorm uses (and keeps) the running statistics; the scores are the last
    affine layer's output.
    """
    twins = Twins(student, reference, rng, normalization="batchnorm")
    bn_params = [{"mode": "train", "running_mean": rng.standard_normal(h),
                  "running_var": rng.uniform(0.5, 2.0, h)} for h in H]
    twins.set_bn_params(bn_params)
    X = rng.standard_normal((7, D))
    expected = twins.ours.loss(X)
    result = {}

    def stats_changed():
        after = student.getattr(twins.theirs, "bn_params")
        for k, (before, now) in enumerate(zip(bn_params, after)):
            for key in ("running_mean", "running_var"):
                value = now.get(key) if isinstance(now, dict) else None
                if not isinstance(value, np.ndarray) or value.size != before[key].size or \
                        not np.array_equal(value.reshape(before[key].shape), before[key]):
                    return f"bn_params[{k}][{key!r}] changed during model.loss(X)"
        return ""

    train_mode = ("bn_params mode not set to 'test' when y is None, or running stats "
                  "updated in test mode")

    def scores():
        result["scores"] = array(call(student, (twins.theirs, "loss"), X).value, "scores",
                                 (7, C))
        result["changed"] = stats_changed()
        # Changed statistics explain wrong scores: name that bug in the message.
        hints = [(train_mode, result["scores"])] if result["changed"] else []
        hints += [
            ("test-time forward ignores the running statistics (fresh {'mode': 'test'} "
             "dicts instead of self.bn_params)",
             lambda: twins.reference_with(X, bn_params=bn_params, fresh_test=True)),
            _hint(RELU_ON_SCORES, lambda: twins.reference_with(X, bn_params=bn_params,
                                                               relu_scores=True),
                  _owner(scoring, PLAIN_LOSS_CHECK)),
            Elsewhere("normalization applied to the last affine layer",
                      lambda: twins.reference_with(X, bn_params=bn_params, norm_last=True)
                      if twins.last_normalized else None, NORM_LAST_CHECK),
            *twins.with_their_layers(X, bn_params=bn_params),
        ]
        compare("model.loss(X) scores with batchnorm (running statistics set)",
                result["scores"], expected, 1e-8, hypotheses=hints)

    def stats_untouched():
        if not result["changed"]:
            return
        message = f"{result['changed']}."
        if _test_mode_updates_stats(student, rng):
            raise charged_elsewhere(
                message, "your batchnorm_forward updates the running statistics in test mode",
                TEST_MODE_CHECK)
        fail(f"{message} This looks like: {train_mode}.")

    parts = Parts(credit)
    parts.run(0.7, "test-time scores", scores)
    parts.run(0.3, "running statistics untouched", stats_untouched,
              needs="changed" in result and implemented(result.get("scores")),
              why="model.loss(X) gave no scores to go with it")
    parts.finish()


def _test_mode_updates_stats(student, rng) -> bool:
    """Does the student's batchnorm_forward itself change the statistics in test mode?"""
    x = rng.standard_normal((5, 3))
    stats = {"running_mean": rng.standard_normal(3), "running_var": rng.uniform(0.5, 2, 3)}
    try:
        after = call(student, "batchnorm_forward", x, np.ones(3), np.zeros(3),
                     {"mode": "test", **stats}).args[3]
    except StudentException:
        return False
    return any(not isinstance(after.get(k), np.ndarray) or after[k].size != 3
               or not np.array_equal(after[k].ravel(), v) for k, v in stats.items())


def _loss_hints(loss, params, reg, owner=None):
    """Named bugs of the L2 term; those of the weights' term are charged in ``owner``
    when given (gamma/beta regularized is a bug of the normalized net only)."""
    squares = {k: float(np.sum(v * v)) for k, v in params.items()}
    weights = sum(v for k, v in squares.items() if k[0] == "W")
    norms = sum(v for k, v in squares.items() if k.startswith(("gamma", "beta")))
    last = f"W{sum(1 for k in params if k[0] == 'W')}"
    return [_hint("L2 term without the 0.5 factor", loss + 0.5 * reg * weights, owner),
            ("gamma/beta regularized too", loss + 0.5 * reg * norms),
            _hint("no L2 term in the loss", loss - 0.5 * reg * weights, owner),
            _hint("the last affine layer's W not in the L2 term",
                  loss - 0.5 * reg * squares[last], owner)]


def _grad_hints(name, grad, params, reg, owner=None):
    value = params[name]
    if name[0] == "W":
        last = f"W{sum(1 for k in params if k[0] == 'W')}"
        hints = [_hint("L2 gradient without the 0.5 factor (2 * reg * W)", grad + reg * value,
                       owner)]
        if name == last:
            hints.append(_hint("the last affine layer's W not regularised (no reg * W in its "
                               "gradient)", grad - reg * value, owner))
        return hints + [_hint("no L2 term in the gradient", grad - reg * value, owner)]
    if name.startswith(("gamma", "beta")):
        return [("gamma/beta regularized too", grad + reg * value)]
    return []


def check_loss_and_grads(student, reference, rng, parts, weight, n, reg, own_reg_hints=False,
                         scoring=None, **options):
    """Two parts: the loss, then the gradients (which need only the loss call to return).

    ``scoring`` (the fixture): the bugs of the net without normalization are charged in
    the FullyConnectedNets notebook's checks when the grade scores them."""
    relu_owner = _owner(scoring, PLAIN_LOSS_CHECK) or check_number(test_fc_net_test_mode)
    reg_owner = _owner(scoring, PLAIN_REG_CHECK)
    twins = Twins(student, reference, rng, reg=reg, **options)
    X, y = rng.standard_normal((n, D)), rng.integers(C, size=n)
    want_loss, want_grads = twins.ours.loss(X, y)
    label = f"{options.get('normalization') or 'no normalization'}, reg={reg}, N={n}"
    result = {}
    relu_scores = _memo(lambda: twins.reference_with(X, y, relu_scores=True))
    norm_last = _memo(lambda: twins.reference_with(X, y, norm_last=True)
                      if twins.last_normalized else None)
    elsewhere = [
        Elsewhere(RELU_ON_SCORES, relu_scores, relu_owner),
        Elsewhere("normalization applied to the last affine layer", norm_last, NORM_LAST_CHECK),
        *(Elsewhere(e.label, _memo(e.prediction), e.charged_in)
          for e in twins.with_their_layers(X, y)),
    ]

    def part_of(index, hypothesis):
        def value():
            predicted = hypothesis.prediction()
            return None if predicted is None else predicted[index]
        return Elsewhere(hypothesis.label, value, hypothesis.charged_in)

    def loss():
        result["loss"], result["grads"] = student_loss(student, twins.theirs, X, y)
        hints = _loss_hints(want_loss, twins.params, reg, reg_owner) if own_reg_hints else []
        compare(f"loss ({label})", result["loss"], want_loss, 1e-8,
                hypotheses=[*hints, *(part_of(0, e) for e in elsewhere)])

    def grads():
        compare_grads(label, result["grads"], want_grads, 1e-7,
                      whole=[part_of(1, e) for e in elsewhere],
                      hints=lambda name: _grad_hints(name, want_grads[name], twins.params, reg,
                                                     reg_owner) if own_reg_hints else ())

    parts.run(weight * 0.4, f"loss, {label}", loss)
    parts.run(weight * 0.6, f"gradients, {label}", grads, needs="grads" in result,
              why="model.loss(X, y) returned no gradients")


@pytest.mark.grade(number="5.5", points=4, files=FC_FILES)
def test_fc_net_batchnorm_loss(student, reference, rng, credit, scoring):
    """FC net with batchnorm: loss and gradients

    Loss and gradients with the reference's parameters (reg 0), batches of 2 and 6.
    """
    parts = Parts(credit)
    for weight, n in ((0.4, 2), (0.6, 6)):
        check_loss_and_grads(student, reference, rng, parts, weight, n, 0.0, scoring=scoring,
                             normalization="batchnorm")
    parts.finish()


@pytest.mark.grade(number="5.6", points=3, files=FC_FILES)
def test_fc_net_layernorm_loss(student, reference, rng, credit, scoring):
    """FC net with layernorm: loss and gradients

    Loss and gradients with the reference's parameters (reg 0).
    """
    parts = Parts(credit)
    check_loss_and_grads(student, reference, rng, parts, 1.0, 5, 0.0, scoring=scoring,
                         normalization="layernorm")
    parts.finish()


@pytest.mark.grade(number="5.7", points=3, files=FC_FILES)
def test_fc_net_regularization(student, reference, rng, credit, scoring):
    """FC net: L2 regularisation

    Loss and gradients with reg 3.14: 0.5 * reg * sum(W**2) over every W (the last one
    too), not over gamma and beta.
    """
    parts = Parts(credit)
    check_loss_and_grads(student, reference, rng, parts, 1.0, 6, 3.14, own_reg_hints=True,
                         scoring=scoring, normalization="batchnorm")
    parts.finish()
