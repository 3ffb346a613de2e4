"""Hidden checks: FullyConnectedNet scores, losses and gradients, with batchnorm,
layernorm and dropout, against a reference net with the same parameters.
"""

import copy

import numpy as np
import pytest

from checklib import FC_FILES, Parts, array, call, fail
from fc_nets import C, D, H, random_params, student_loss, twin_nets
from numerics import compare, directional_errors


@pytest.mark.grade(number="5.4", points=3, visibility="hidden", files=FC_FILES)
def test_fc_net_test_mode(student, reference, rng, credit):
    """FC net with batchnorm: test-time scores

    With y None, batchnorm uses (and keeps) the running statistics.
    """
    theirs, ours, _ = twin_nets(student, reference, rng, normalization="batchnorm")
    bn_params = [{"mode": "train", "running_mean": rng.standard_normal(h),
                  "running_var": rng.uniform(0.5, 2.0, h)} for h in H]
    ours.bn_params = copy.deepcopy(bn_params)
    student.setattr(theirs, "bn_params", bn_params)
    X = rng.standard_normal((7, D))
    expected = ours.loss(X)
    result = {}

    def stats_changed():
        after = student.getattr(theirs, "bn_params")
        for k, (before, now) in enumerate(zip(bn_params, after)):
            for key in ("running_mean", "running_var"):
                value = now.get(key) if isinstance(now, dict) else None
                if not isinstance(value, np.ndarray) or not np.array_equal(value, before[key]):
                    return f"bn_params[{k}][{key!r}] changed during model.loss(X)"
        return ""

    train_mode = ("bn_params mode not set to 'test' when y is None, or running stats "
                  "updated in test mode")

    def scores():
        result["scores"] = array(call(student, (theirs, "loss"), X).value, "scores", (7, C))
        result["changed"] = stats_changed()
        # Changed statistics explain wrong scores: name that bug in the message.
        hint = [(train_mode, result["scores"])] if result["changed"] else []
        compare("model.loss(X) scores with batchnorm (running statistics set)",
                result["scores"], expected, 1e-8, hypotheses=hint)

    def stats_untouched():
        if result["changed"]:
            fail(f"{result['changed']}. This looks like: {train_mode}.")

    parts = Parts(credit)
    parts.run(0.7, "test-time scores", scores)
    parts.run(0.3, "running statistics untouched", stats_untouched, needs="changed" in result)
    parts.finish()


def _loss_hints(loss, params, reg):
    squares = {k: float(np.sum(v * v)) for k, v in params.items()}
    weights = sum(v for k, v in squares.items() if k[0] == "W")
    norms = sum(v for k, v in squares.items() if k.startswith(("gamma", "beta")))
    return [("L2 term without the 0.5 factor", loss + 0.5 * reg * weights),
            ("gamma/beta regularized too", loss + 0.5 * reg * norms),
            ("no L2 term in the loss", loss - 0.5 * reg * weights)]


def _grad_hints(name, grad, params, reg):
    value = params[name]
    if name[0] == "W":
        return [("L2 gradient without the 0.5 factor (2 * reg * W)", grad + reg * value),
                ("no L2 term in the gradient", grad - reg * value)]
    if name.startswith(("gamma", "beta")):
        return [("gamma/beta regularized too", grad + reg * value)]
    return []


def check_loss_and_grads(student, reference, rng, parts, weight, n, reg, **options):
    theirs, ours, params = twin_nets(student, reference, rng, reg=reg, **options)
    X, y = rng.standard_normal((n, D)), rng.integers(C, size=n)
    want_loss, want_grads = ours.loss(X, y)
    label = f"{options.get('normalization') or 'no normalization'}, reg={reg}, N={n}"
    result = {}

    def loss():
        result["loss"], result["grads"] = student_loss(student, theirs, X, y)
        compare(f"loss ({label})", result["loss"], want_loss, 1e-8,
                hypotheses=_loss_hints(want_loss, params, reg))

    def grads():
        got = result["grads"]
        missing = sorted(set(want_grads) - set(got))
        if missing:
            fail(f"grads ({label}) has no entry for {', '.join(missing)}.")
        for name in sorted(want_grads):
            compare(f"grads[{name!r}] ({label})",
                    array(got[name], f"grads[{name!r}]", params[name].shape),
                    want_grads[name], 1e-7, floor=1e-8,
                    hypotheses=_grad_hints(name, want_grads[name], params, reg))

    loss_ok = parts.run(weight * 0.4, f"loss, {label}", loss)
    parts.run(weight * 0.6, f"gradients, {label}", grads, needs=loss_ok)


@pytest.mark.grade(number="5.5", points=4, visibility="hidden", files=FC_FILES)
def test_fc_net_batchnorm_loss(student, reference, rng, credit):
    """FC net with batchnorm: loss and gradients

    Loss and gradients with the reference's parameters, reg 0 and 3.14.
    """
    parts = Parts(credit)
    check_loss_and_grads(student, reference, rng, parts, 0.4, 2, 0.0, normalization="batchnorm")
    check_loss_and_grads(student, reference, rng, parts, 0.6, 6, 3.14, normalization="batchnorm")
    parts.finish()


@pytest.mark.grade(number="5.6", points=3, visibility="hidden", files=FC_FILES)
def test_fc_net_layernorm_loss(student, reference, rng, credit):
    """FC net with layernorm: loss and gradients

    Loss and gradients with the reference's parameters.
    """
    parts = Parts(credit)
    check_loss_and_grads(student, reference, rng, parts, 1.0, 5, 0.7, normalization="layernorm")
    parts.finish()


@pytest.mark.grade(number="5.7", points=2, visibility="hidden", files=FC_FILES)
def test_fc_net_dropout(student, reference, rng, credit):
    """FC net with dropout

    Dropout in train mode only, seeded, with consistent gradients.
    """
    theirs, ours, params = twin_nets(student, reference, rng, dropout_keep_ratio=0.6, seed=7)
    plain = reference.module("cs231n.classifiers.fc_net").FullyConnectedNet(
        H, input_dim=D, num_classes=C, dtype=np.float64)
    plain.params = copy.deepcopy(params)
    X, y = rng.standard_normal((8, D)), rng.integers(C, size=8)
    parts = Parts(credit)

    scores_ok = parts.run(0.3, "test-time scores", lambda: compare(
        "model.loss(X) scores with dropout (test time: no dropout)",
        array(call(student, (theirs, "loss"), X).value, "scores", (8, C)), plain.loss(X),
        1e-8))

    def train_loss():
        first, second = (student_loss(student, theirs, X, y)[0] for _ in range(2))
        without = plain.loss(X, y)[0]
        if abs(first - without) < 1e-9 * abs(without):
            fail(f"Train-mode loss with dropout_keep_ratio=0.6 is {first:.6g}, the same as "
                 "without dropout. This looks like: dropout not applied in train mode.")
        if first != second:
            fail(f"Two train-mode losses with the same dropout seed differ ({first:.10g}, "
                 f"{second:.10g}); the seed should make dropout deterministic.")

    def gradient_check(params, X, y):
        """The message of the first mismatch, or "" (the student's net gets ``params``)."""
        student.setattr(theirs, "params", params)
        grads = student_loss(student, theirs, X, y)[1]

        def loss_at(probe):
            student.setattr(theirs, "params", probe)
            return student_loss(student, theirs, X, y)[0]

        names = ("W1", "W2", "b2")
        grads = {k: array(grads.get(k), f"grads[{k!r}]", params[k].shape) for k in names}
        directions = {k: rng.standard_normal(params[k].shape) for k in names}
        for name, (num, ana, err) in directional_errors(loss_at, params, grads,
                                                        directions).items():
            if err > 1e-5:
                return (f"Gradient check with dropout: derivative along a random direction "
                        f"of {name}: numeric {num:.6g}, yours {ana:.6g} (rel error {err:.1e}; "
                        "expected 1e-05 or less).")
        return ""

    def gradients():
        # A ReLU input within rounding of 0 can fool centered differences: a mismatch
        # counts only if it repeats on fresh parameters and data.
        if gradient_check(params, X, y):
            message = gradient_check(random_params(rng, None), rng.standard_normal((8, D)),
                                     rng.integers(C, size=8))
            if message:
                fail(message)

    parts.run(0.4, "train-mode loss", train_loss, needs=scores_ok)
    parts.run(0.3, "gradients with dropout", gradients, needs=scores_ok)
    parts.finish()
