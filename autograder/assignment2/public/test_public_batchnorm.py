"""Public checks: the batch normalization cells of the notebook, on its fixed inputs."""

import numpy as np
import pytest

import notebook_inputs as nb
from checklib import LAYERS_PY, bn_param, call, forward, norm_gradient_check
from gradekit.checklib import (Parts, array, compare, fail, implemented, max_abs_error,
                               outputs, relative_error)

DDOF1 = np.sqrt(199 / 200)  # how the stds shrink at N = 200 when the variance uses N - 1


def _check_train_stats(student, a, gamma, beta):
    out, _, _ = forward(student, "batchnorm_forward", a, gamma, beta, bn_param(),
                        shape=a.shape)
    label = f"with gamma={gamma.tolist()}, beta={beta.tolist()}"
    compare(f"per-feature means of out {label}", out.mean(axis=0), beta, 1e-6,
            error=max_abs_error,
            hypotheses=[("gamma and beta not applied, or applied before normalizing",
                         np.zeros(3))])
    compare(f"per-feature stds of out {label}", out.std(axis=0), gamma, 1e-6,
            error=max_abs_error,
            hypotheses=[("gamma and beta not applied, or applied before normalizing",
                         np.ones(3)),
                        ("variance divided by N - 1 instead of N (ddof=1)", gamma * DDOF1)])


@pytest.mark.grade(number="2.1", points=3, files=[LAYERS_PY])
def test_batchnorm_train_notebook(student, credit):
    """Batchnorm train forward, under "Batch normalization: forward pass"

    Means of the output equal beta and stds equal gamma, on the notebook's batch.
    """
    a = nb.forward_batch()
    parts = Parts(credit)
    parts.run(0.4, "gamma=1, beta=0",
              lambda: _check_train_stats(student, a, np.ones(3), np.zeros(3)))
    parts.run(0.6, "gamma=[1, 2, 3], beta=[11, 12, 13]",
              lambda: _check_train_stats(student, a, np.array([1.0, 2.0, 3.0]),
                                         np.array([11.0, 12.0, 13.0])))
    parts.finish()


@pytest.mark.grade(number="2.4", points=3, files=[LAYERS_PY])
def test_batchnorm_test_mode_notebook(student, cell_reference):
    """Batchnorm test mode, under "Batch normalization: forward pass"

    After 50 train batches, a test batch gives the means and stds the notebook prints
    (in the grade, the reference makes the 50 train steps: this check is about test mode).
    """
    train, test = nb.test_mode_batches()
    gamma, beta = np.ones(3), np.zeros(3)
    param = bn_param()
    for a in train if cell_reference is None else ():
        _, _, result = forward(student, "batchnorm_forward", a, gamma, beta, param,
                               shape=a.shape)
        param = result.args[3]
        if not isinstance(param, dict) or not {"running_mean", "running_var"} <= set(param):
            fail("After a train-mode call, bn_param has no 'running_mean' and 'running_var'. "
                 "This looks like: running statistics not written back into bn_param.")
    if cell_reference is not None:
        for a in train:
            cell_reference.batchnorm_forward(a, gamma, beta, param)
    param["mode"] = "test"
    out, _, _ = forward(student, "batchnorm_forward", test, gamma, beta, param,
                        shape=test.shape, train=False)
    batch_stats = "test mode normalizes with the batch statistics, not the running ones"
    compare("test-time means of out (notebook prints about -0.04, -0.04, -0.10)",
            out.mean(axis=0), nb.TEST_MODE_MEANS, 2e-3, error=max_abs_error,
            hypotheses=[(batch_stats, np.zeros(3))])
    compare("test-time stds of out (notebook prints about 1.015, 1.012, 0.978)",
            out.std(axis=0), nb.TEST_MODE_STDS, 1e-3, error=max_abs_error,
            hypotheses=[(batch_stats, np.ones(3)),
                        ("unbiased variance (ddof=1) in the running variance",
                         nb.TEST_MODE_STDS * DDOF1)])


@pytest.mark.grade(number="3.1", points=3, files=[LAYERS_PY])
def test_batchnorm_gradient_check_notebook(student, credit, cell_reference):
    """Batchnorm gradient check, under "Batch normalization: backward pass"

    Centered differences of the student's forward against its backward (N, D = 4, 5),
    once the forward normalizes; in the grade, of the reference's forward (a forward bug
    is charged in the forward's check, not here).
    """
    parts = Parts(credit)
    norm_gradient_check(student, parts, "batchnorm", bn_param(),
                        nb.gradient_check_inputs(), reference_layers=cell_reference)
    parts.finish()


@pytest.mark.grade(number="3.3", points=2, files=[LAYERS_PY])
def test_batchnorm_alt_agrees_notebook(student, credit, cell_reference):
    """Batchnorm backward_alt agrees, under "A faster backward pass"

    Same cache, same gradients as batchnorm_backward at N, D = 100, 500 (once
    batchnorm_backward returns more than zeros); in the grade, the reference's
    batchnorm_backward gives them: this check is about batchnorm_backward_alt.
    """
    x, gamma, beta, dout = nb.gradient_check_inputs(100, 500)
    theirs_out, cache, _ = forward(student, "batchnorm_forward", x, gamma, beta, bn_param(),
                                   shape=x.shape)
    labels = ("dx", "dgamma", "dbeta")
    if cell_reference is not None:
        _alt_against_reference(student, credit, cell_reference, (x, gamma, beta, dout),
                               theirs_out, cache, labels)
        return
    staged = outputs(call(student, "batchnorm_backward", dout, cache).value,
                     "batchnorm_backward", labels)
    staged = [array(s, f"batchnorm_backward {name}", shape, reshape=True)
              for name, s, shape in zip(labels, staged, (x.shape, (500,), (500,)))]
    if not all(implemented(s) for s in staged):
        fail("batchnorm_backward returns a constant (zeros?) for dx, dgamma or dbeta: "
             "implement it first; this check compares batchnorm_backward_alt with it.")
    alt = outputs(call(student, "batchnorm_backward_alt", dout, cache).value,
                  "batchnorm_backward_alt", labels)
    parts = Parts(credit)
    for name, s, a, weight in zip(labels, staged, alt, (0.6, 0.2, 0.2)):
        parts.run(weight, name, lambda: compare(
            f"{name} of batchnorm_backward_alt vs batchnorm_backward (notebook: about 1e-12)",
            array(a, f"batchnorm_backward_alt {name}", s.shape, reshape=True), s, 1e-9,
            error=relative_error))
    parts.finish()


def _alt_against_reference(student, credit, ref_layers, inputs, theirs_out, cache, labels):
    """The "A faster backward pass" check in the grade: the student's alt on its own cache
    against the reference's staged gradients; a forward that differs (charged in its own
    checks) lets an alt right for what that forward computes pass too."""
    from pathlib import Path

    import bug_models as bugs  # hidden: only in the grade
    from gradekit.checklib import Elsewhere, check_number, scaled_error

    x, gamma, beta, dout = inputs
    ref_out, ref_cache = ref_layers.batchnorm_forward(x, gamma, beta, bn_param())
    expected = ref_layers.batchnorm_backward(dout, ref_cache)
    hints = [[], [], []]
    if scaled_error(theirs_out, ref_out) > 1e-8:
        for_forward = bugs.backward_for_forward(x, theirs_out, gamma, beta, dout, 0)
        if for_forward is not None:
            where = check_number("test_batchnorm_forward.py::test_batchnorm_train_forward",
                                 Path(bugs.__file__).parent)
            hints = [[Elsewhere("an alt that is right for what your batchnorm_forward "
                                "computes; that forward differs from the expected one",
                                value, where)] for value in for_forward]
    alt = outputs(call(student, "batchnorm_backward_alt", dout, cache).value,
                  "batchnorm_backward_alt", labels)
    parts = Parts(credit)
    for name, a, want, hint, weight in zip(labels, alt, expected, hints, (0.6, 0.2, 0.2)):
        parts.run(weight, name, lambda: compare(
            f"{name} of batchnorm_backward_alt vs the expected batchnorm_backward "
            f"(notebook: about 1e-12)",
            array(a, f"batchnorm_backward_alt {name}", want.shape, reshape=True), want, 1e-9,
            error=relative_error, hypotheses=hint))
    parts.finish()
