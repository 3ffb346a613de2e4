"""Hidden checks: layer normalization forward and backward."""

import pytest

import bug_models as bugs
from checklib import LAYERS_PY, forward, ln_param
from gradekit.checklib import Parts, compare
from draws import features, scale_shift
from norm_checks import check_backward

N, D = 5, 8


@pytest.mark.grade(number="4.2", points=5, files=[LAYERS_PY])
def test_layernorm_forward(student, ref_layers, rng, credit):
    """Layer norm forward

    Output on random inputs, statistics per data point; default eps and a given one.
    """
    parts = Parts(credit)
    for weight, param in ((0.6, ln_param()), (0.4, ln_param(eps=1e-2))):
        x = features(rng, D, N).T.copy()  # each row with its own offset and spread
        gamma, beta = scale_shift(rng, D)
        expected = ref_layers.layernorm_forward(x, gamma, beta, dict(param))[0]
        label = f"out with ln_param['eps'] = {param['eps']}"
        parts.run(weight, label, lambda: compare(
            f"layernorm_forward {label} ({N}x{D} input)",
            forward(student, "layernorm_forward", x, gamma, beta, dict(param),
                    shape=x.shape)[0], expected, 1e-8,
            hypotheses=bugs.norm_forward(x, gamma, beta, param["eps"],
                                         axis=1)))
    parts.finish()


@pytest.mark.grade(number="4.4", points=5, files=[LAYERS_PY])
def test_layernorm_backward(student, ref_layers, rng, credit):
    """Layer norm backward

    dx, dgamma, dbeta against centered differences of the reference forward; their
    shapes (a small part).
    """
    check_backward(student, ref_layers, rng, credit, "layernorm", "layernorm_backward", ln_param(),
                   shapes_weight=0.1)
