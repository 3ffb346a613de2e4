"""Hidden checks: batch normalization forward pass (train, running statistics, test mode)."""

import numpy as np
import pytest

import bug_models as bugs
from checklib import LAYERS_PY, EPS, MOMENTUM, bn_param, call, forward, ln_param
from gradekit.checklib import (Elsewhere, Parts, Shapes, array, compare, diagnose, fail,
                               implemented, scaled_error, show)
from draws import features, scale_shift
from gradekit.sandbox.controller import StudentException

N, D = 13, 7


def _bn_out(student, x, gamma, beta, bn_param, train=True):
    return forward(student, "batchnorm_forward", x, gamma, beta, bn_param, shape=x.shape,
                   train=train)


@pytest.mark.grade(number="2.2", points=6, files=[LAYERS_PY])
def test_batchnorm_train_forward(student, ref_layers, rng, credit):
    """Batchnorm train forward

    Output on random inputs (some features with a variance below eps), with the spec's
    eps and another one.
    """
    parts = Parts(credit)
    for weight, eps in ((0.6, EPS), (0.4, 1e-3)):
        x = features(rng, N, D, low=1e-3)  # some columns with a variance below eps
        gamma, beta = scale_shift(rng, D)
        param = bn_param(eps=eps)
        expected = ref_layers.batchnorm_forward(x, gamma, beta, dict(param))[0]
        label = f"out with bn_param['eps'] = {eps}"
        parts.run(weight, label, lambda: compare(
            f"batchnorm_forward {label} ({N}x{D} input)",
            _bn_out(student, x, gamma, beta, dict(param))[0], expected, 1e-8,
            hypotheses=bugs.norm_forward(x, gamma, beta, eps)))
    parts.finish()


def _train_steps(student, batches, gamma, beta, bn_param):
    """Run train-mode steps threading bn_param through; return it after the last one."""
    for step, x in enumerate(batches, 1):
        bn_param = _bn_out(student, x, gamma, beta, bn_param)[2].args[3]
        missing = {"running_mean", "running_var"} - set(bn_param)
        if missing:
            fail(f"After train step {step}, bn_param has no {' or '.join(sorted(missing))}. "
                 "This looks like: running statistics not written back into bn_param.")
    return bn_param


def _with_forward_bugs(student, batches, gamma, beta, momentum):
    """Hypotheses for (running_mean, running_var): first the train-forward bugs that show
    in batchnorm_forward's output too (test_batchnorm_train_forward charges them), then the
    others."""
    means, variances = [], []
    for label, mean, var, out_of in bugs.forward_bug_stats(batches, gamma, beta, momentum):
        confirm = _shows(student, batches[0], gamma, beta, out_of)
        means.append(Elsewhere(label, mean, test_batchnorm_train_forward, confirm))
        variances.append(Elsewhere(label, var, test_batchnorm_train_forward, confirm))
    own_means, own_variances = bugs.running_stats(batches, momentum=momentum)
    return means + own_means, variances + own_variances


def _shows(student, x, gamma, beta, out_of):
    """A callable: does the student's train output on x match ``out_of(x)``?"""
    def confirm():
        out = _bn_out(student, x, gamma, beta, bn_param())[0]
        return scaled_error(out, out_of(x)) <= 1e-6
    return confirm


@pytest.mark.grade(number="2.3", points=5, files=[LAYERS_PY])
def test_batchnorm_running_stats(student, ref_layers, rng, credit):
    """Batchnorm running mean and variance

    The momentum recurrence after several steps, stored back into bn_param, the spec's
    momentum and another one; the shape (D,) is a small part of its own.
    """
    gamma, beta = scale_shift(rng, D)
    # Spreads near 1e-3: a variance of 1e-6, well below eps, so eps in it shows.
    batches = [features(rng, N, D, low=5e-4, high=2e-3) for _ in range(5)]
    ours = bn_param()
    for x in batches:
        ref_layers.batchnorm_forward(x, gamma, beta, ours)
    shapes = Shapes()
    parts = Parts(credit)
    result = {}

    def steps():
        result["theirs"] = _train_steps(student, batches, gamma, beta, bn_param())
        return result["theirs"]

    means, variances = _with_forward_bugs(student, batches, gamma, beta, MOMENTUM)
    for weight, key, hints in ((0.3, "running_mean", means), (0.35, "running_var", variances)):
        parts.run(weight, key, lambda: compare(
            f"{key} after 5 steps (momentum {MOMENTUM})",
            shapes.take((result.get("theirs") or steps())[key], f"bn_param[{key!r}]", (D,)),
            ours[key], 1e-6, hypotheses=hints))

    def custom_momentum():
        batches = [features(rng, N, D) for _ in range(3)]
        ours = bn_param(momentum=0.5)
        for x in batches:
            ref_layers.batchnorm_forward(x, gamma, beta, ours)
        theirs = _train_steps(student, batches, gamma, beta, bn_param(momentum=0.5))
        hints = _with_forward_bugs(student, batches, gamma, beta, 0.5)
        for key, hints in zip(("running_mean", "running_var"), hints):
            compare(f"{key} after 3 steps with bn_param['momentum'] = 0.5",
                    shapes.take(theirs[key], f"bn_param[{key!r}]", (D,)), ours[key], 1e-6,
                    hypotheses=hints)

    parts.run(0.25, "momentum from bn_param", custom_momentum)
    parts.shapes(0.1, "running statistics of shape (D,)", shapes,
                 needs="theirs" in result, why="no running statistics were stored")
    parts.finish()


@pytest.mark.grade(number="2.5", points=5, files=[LAYERS_PY])
def test_batchnorm_test_mode(student, ref_layers, rng, credit):
    """Batchnorm test mode

    Normalizes with the running statistics, and leaves them unchanged.
    """
    x = features(rng, N + 2, D)
    gamma, beta = scale_shift(rng, D)
    running_mean = rng.standard_normal(D)
    running_var = np.exp(rng.uniform(np.log(1e-6), np.log(4.0), D))  # some far below eps
    param = bn_param("test", running_mean=running_mean, running_var=running_var)
    expected = ref_layers.batchnorm_forward(x, gamma, beta, dict(param))[0]
    result = {}

    def output():
        result["out"], _, result["call"] = _bn_out(student, x, gamma, beta, dict(param),
                                                   train=False)
        compare("batchnorm_forward out in test mode", result["out"], expected, 1e-8,
                hypotheses=bugs.test_mode(x, gamma, beta, running_mean, running_var))

    def untouched():
        after = result["call"].args[3]
        for key, before in (("running_mean", running_mean), ("running_var", running_var)):
            value = array(after.get(key), f"bn_param[{key!r}] after a test-mode call",
                          reshape=True, shape=(D,))
            if not np.array_equal(value, before):
                fail(f"bn_param[{key!r}] changed in test mode: {show(before)} became "
                     f"{show(value)}. This looks like: running stats updated in test mode.")

    parts = Parts(credit)
    parts.run(0.7, "test-mode output", output)
    # Whether the statistics stay as they were does not depend on the output being right,
    # only on there being one (a stub that returns a constant proves nothing).
    parts.run(0.3, "running stats unchanged", untouched,
              needs="call" in result and implemented(result["out"]),
              why="batchnorm_forward gave no test-mode output to go with it")
    parts.finish()


@pytest.mark.grade(number="2.6", points=1, files=[LAYERS_PY])
def test_batchnorm_bad_mode(student, rng):
    """Batchnorm rejects an unknown mode

    A mode other than 'train' or 'test' raises ValueError.
    """
    x = features(rng, N, D)
    gamma, beta = scale_shift(rng, D)
    if not implemented(_bn_out(student, x, gamma, beta, bn_param())[0]):
        fail("batchnorm_forward returns a constant in train mode: implement it first.")
    try:
        call(student, "batchnorm_forward", x, gamma, beta, {"mode": "evaluate"})
    except StudentException as error:
        if error.type_name != "ValueError":
            fail(f"With bn_param['mode'] = 'evaluate', batchnorm_forward raised "
                 f"{error.type_name}; expected ValueError.")
        return
    fail("With bn_param['mode'] = 'evaluate', batchnorm_forward returned normally; "
         "expected it to raise ValueError.")


def _unchanged(student, function, x, *args, train=True):
    """Fail when ``function`` changed its input x (the sandbox reports args after the call)."""
    out, _, result = forward(student, function, x, *args, shape=x.shape, train=train)
    if not implemented(out):
        fail(f"{function} returns a constant: implement it first (an x left alone by a stub "
             "proves nothing).")
    after = result.args[0]
    if np.array_equal(after, x):
        return
    centered = ("x mutated in place (x -= mean)", "x normalized in place")
    hint = diagnose(after, [(centered[0], x - x.mean(axis=0)),
                            (centered[1], bugs.normalize(x, 0)),
                            (centered[0], x - x.mean(axis=1, keepdims=True)),
                            (centered[1], bugs.normalize(x, 1))])
    fail(f"{function} changed its input x in place: it was {show(x)} and is now {show(after)}; "
         "x must be left as it was." + (f" This looks like: {hint}." if hint else ""))


@pytest.mark.grade(number="2.7", points=2, files=[LAYERS_PY])
def test_inputs_not_modified(student, rng, credit):
    """Norm layers leave x unchanged

    Batchnorm (train and test) and layer norm forward do not modify x in place.
    """
    x = features(rng, N, D)
    gamma, beta = scale_shift(rng, D)
    stats = {"running_mean": rng.standard_normal(D), "running_var": rng.uniform(0.5, 2, D)}
    parts = Parts(credit)
    parts.run(0.5, "batchnorm train", lambda: _unchanged(
        student, "batchnorm_forward", x, gamma, beta, bn_param()))
    parts.run(0.25, "batchnorm test", lambda: _unchanged(
        student, "batchnorm_forward", x, gamma, beta, bn_param("test", **stats), train=False))
    parts.run(0.25, "layernorm", lambda: _unchanged(
        student, "layernorm_forward", x, gamma, beta, ln_param()))
    parts.finish()
