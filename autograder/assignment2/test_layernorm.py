"""Hidden checks: layer normalization forward and backward."""

import pytest

import bug_models as bugs
from checklib import LAYERS_PY, forward
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
    for weight, ln_param in ((0.6, {}), (0.4, {"eps": 1e-2})):
        x = features(rng, D, N).T.copy()  # each row with its own offset and spread
        gamma, beta = scale_shift(rng, D)
        expected = ref_layers.layernorm_forward(x, gamma, beta, dict(ln_param))[0]
        label = "out" + (f" with ln_param['eps'] = {ln_param['eps']}" if ln_param else "")
        parts.run(weight, label, lambda: compare(
            f"layernorm_forward {label} ({N}x{D} input)",
            forward(student, "layernorm_forward", x, gamma, beta, dict(ln_param),
                    shape=x.shape)[0], expected, 1e-8,
            hypotheses=bugs.norm_forward(x, gamma, beta, ln_param.get("eps", bugs.EPS),
                                         axis=1)))
    parts.finish()


@pytest.mark.grade(number="4.4", points=5, files=[LAYERS_PY])
def test_layernorm_backward(student, ref_layers, rng, credit):
    """Layer norm backward

    dx, dgamma, dbeta against centered differences of the reference forward; their
    shapes (a small part).
    """
    check_backward(student, ref_layers, rng, credit, "layernorm", "layernorm_backward", {},
                   shapes_weight=0.1)
