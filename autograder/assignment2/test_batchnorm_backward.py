"""Hidden checks: batch normalization backward passes (staged, alt, shapes, speed)."""

import pytest

import bug_models as bugs
from alt_speed import measure_alt_speedup
from checklib import LAYERS_PY, bn_param, call, forward
from gradekit.checklib import array, fail, implemented, outputs
from draws import features, scale_shift
from norm_checks import LABELS, D, N, check_backward


@pytest.mark.grade(number="3.2", points=7, files=[LAYERS_PY])
def test_batchnorm_backward(student, ref_layers, rng, credit):
    """Batchnorm backward

    dx, dgamma, dbeta against centered differences of the reference forward.
    """
    check_backward(student, ref_layers, rng, credit, "batchnorm", "batchnorm_backward",
                   bn_param())


@pytest.mark.grade(number="3.4", points=4, files=[LAYERS_PY])
def test_batchnorm_backward_alt(student, ref_layers, rng, credit):
    """Batchnorm backward_alt

    Given the cache of batchnorm_forward: dx, dgamma, dbeta against centered
    differences.
    """
    check_backward(student, ref_layers, rng, credit, "batchnorm", "batchnorm_backward_alt",
                   bn_param())


@pytest.mark.grade(number="3.5", points=1, files=[LAYERS_PY])
def test_batchnorm_gradient_shapes(student, rng):
    """Batchnorm dgamma and dbeta shapes

    dgamma and dbeta of both backward functions have shape (D,). The only check that
    charges their shapes: the others compare the values after reshaping.
    """
    x = features(rng, N, D)
    gamma, beta = scale_shift(rng, D)
    cache = forward(student, "batchnorm_forward", x, gamma, beta, bn_param(),
                    shape=x.shape)[1]
    dout = rng.standard_normal((N, D))
    for backward in ("batchnorm_backward", "batchnorm_backward_alt"):
        grads = outputs(call(student, backward, dout, cache).value, backward, LABELS)
        for label, value in zip(LABELS[1:], grads[1:]):
            array(value, f"{backward} {label}", (D,),
                  shape_hints=bugs.vector_shape_hints(N, D, label))
        if not implemented(grads[1]) and not implemented(grads[2]):
            fail(f"{backward} returns constant dgamma and dbeta (zeros?): implement it "
                 "first; their shapes are checked then.")


@pytest.mark.grade(number="3.6", points=4, visibility="hidden", files=[LAYERS_PY])
def test_batchnorm_alt_speedup(student, ref_layers, rng, credit):
    """Batchnorm backward_alt speedup

    A closed form, not a copy of your staged batchnorm_backward, and not slower than it
    (CPU time, same cache and input sizes); the reference's staged backward is shown for
    comparison.
    """
    speed = measure_alt_speedup(student, ref_layers, rng)
    if not speed.passed:
        fail(speed.message())
    credit.earn(1.0, speed.message())
