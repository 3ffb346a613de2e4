"""Hidden checks of later assignments (they score nothing in this one): dropout, naive
convolution and pooling, spatial batch and group norm."""

import numpy as np
import pytest

import bug_models as bugs
from checklib import LAYERS_PY, call, forward
from gradekit.checklib import Parts, array, compare, fail, outputs
from draws import features, scale_shift
from layer_checks import check_layer


def _dropout_train(student, x, p, seed, result):
    param = {"mode": "train", "p": p, "seed": seed}
    out, cache, _ = forward(student, "dropout_forward", x, param, shape=x.shape)
    result["out"], result["cache"] = out, cache  # the backward is checked against these
    again = forward(student, "dropout_forward", x, dict(param), shape=x.shape)[0]
    if not np.array_equal(out, again):
        fail("dropout_forward with the same seed gave two different outputs; a 'seed' "
             "in dropout_param must make it deterministic.")
    kept = out != 0
    fraction = kept.mean()
    if abs(fraction - p) > 0.03:
        hint = (" This looks like: p used as the drop probability instead of the keep "
                "probability." if abs(fraction - (1 - p)) < 0.03 else "")
        fail(f"dropout_forward with p={p:.3f} kept {fraction:.3f} of the units; expected "
             f"about {p:.3f} (p is the probability of keeping a unit).{hint}")
    compare(f"dropout_forward kept units (p={p:.3f})", out[kept], x[kept] / p, 1e-12,
            hypotheses=[("kept units scaled by p instead of 1/p", x[kept] * p),
                        ("kept units not divided by p (not inverted dropout)", x[kept])])


@pytest.mark.grade(number="6.1", points=3, notebook="Dropout", files=[LAYERS_PY])
def test_dropout(student, rng, credit):
    """Dropout

    Inverted dropout, p is the keep probability, seeded; identity at test time.
    """
    x = rng.uniform(1, 2, (100, 100)) * rng.choice([-1.0, 1.0], (100, 100))
    p = float(rng.uniform(0.25, 0.4))
    dout = rng.standard_normal(x.shape)
    result = {}

    def train():
        _dropout_train(student, x, p, int(rng.integers(1e6)), result)

    def test_mode():
        out = forward(student, "dropout_forward", x, {"mode": "test", "p": p}, shape=x.shape,
                      train=False)[0]
        compare("dropout_forward out in test mode", out, x, 1e-12,
                hypotheses=[("test mode scales by p", x * p)])

    def backward():
        dx = call(student, "dropout_backward", dout, result["cache"]).value
        mask = result["out"] / x
        compare("dropout_backward dx (train mode)",
                array(outputs(dx, "dropout_backward", ("dx",))[0], "dx", x.shape),
                dout * mask, 1e-12,
                hypotheses=[("dx not divided by p", dout * mask * p)])

    parts = Parts(credit)
    parts.run(0.4, "train mode", train)
    parts.run(0.2, "test mode", test_mode)
    parts.run(0.4, "backward", backward, needs="cache" in result)
    parts.finish()


@pytest.mark.grade(number="6.2", points=3, notebook="ConvolutionalNetworks", files=[LAYERS_PY])
def test_conv_naive(student, ref_layers, rng, credit):
    """Convolution (naive)

    Forward and backward with stride 2 and padding 1, non-square input.
    """
    x, w, b = (rng.standard_normal(s) for s in ((2, 3, 5, 7), (4, 3, 3, 3), (4,)))
    parts = Parts(credit)
    check_layer(student, ref_layers, rng, parts, "conv_forward_naive", "conv_backward_naive",
                (x, w, b, {"stride": 2, "pad": 1}), ("dx", "dw", "db"),
                shape_hints={(2, 4, 5, 7): "stride ignored", (2, 4, 2, 3): "padding ignored",
                             (2, 4, 3, 3): "output width from the height"})
    parts.finish()


@pytest.mark.grade(number="6.3", points=3, notebook="ConvolutionalNetworks", files=[LAYERS_PY])
def test_max_pool_naive(student, ref_layers, rng, credit):
    """Max pooling (naive)

    Forward and backward with overlapping 2x3 windows.
    """
    x = rng.standard_normal((2, 3, 6, 9))
    pool = {"pool_height": 2, "pool_width": 3, "stride": 2}
    parts = Parts(credit)
    check_layer(student, ref_layers, rng, parts, "max_pool_forward_naive",
                "max_pool_backward_naive", (x, pool), ("dx",),
                grad_hints=lambda dout: {"dx": [(
                    "the gradient goes to every position of the window, not only its maximum",
                    bugs.pool_every_position(x, dout, 2, 3, 2))]})
    parts.finish()


@pytest.mark.grade(number="6.4", points=3, notebook="ConvolutionalNetworks", files=[LAYERS_PY])
def test_spatial_batchnorm(student, ref_layers, rng, credit):
    """Spatial batchnorm

    Statistics per channel over N, H, W; forward and backward.
    """
    x = features(rng, 3 * 2 * 5, 4).reshape(3, 2, 5, 4).transpose(0, 3, 1, 2).copy()
    gamma, beta = scale_shift(rng, 4)
    parts = Parts(credit)
    check_layer(student, ref_layers, rng, parts, "spatial_batchnorm_forward",
                "spatial_batchnorm_backward", (x, gamma, beta, {"mode": "train"}),
                ("dx", "dgamma", "dbeta"), out_hints=bugs.spatial_batchnorm(x, gamma, beta))
    parts.finish()


@pytest.mark.grade(number="6.5", points=3, notebook="ConvolutionalNetworks", files=[LAYERS_PY])
def test_spatial_groupnorm(student, ref_layers, rng, credit):
    """Spatial groupnorm

    G groups of consecutive channels per sample; forward and backward.
    """
    x = features(rng, 2 * 3 * 4, 6).reshape(2, 3, 4, 6).transpose(0, 3, 1, 2).copy()
    gamma, beta = scale_shift(rng, 6, shape=(1, 6, 1, 1))
    parts = Parts(credit)
    check_layer(student, ref_layers, rng, parts, "spatial_groupnorm_forward",
                "spatial_groupnorm_backward", (x, gamma, beta, 3, {}),
                ("dx", "dgamma", "dbeta"), out_hints=bugs.groupnorm(x, gamma, beta, 3))
    parts.finish()
