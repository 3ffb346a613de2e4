"""Reference affine/relu/softmax, dropout, convolution and pooling layers, layer sandwiches
and the numeric gradient helpers."""

import numpy as np
import pytest

from .reference_helpers import check_grads, numeric_grad, ref, rel_error

layers = ref("layers")
layer_utils = ref("layer_utils")
gradient_check = ref("gradient_check")


def test_affine_forward_flattens_each_example():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 2, 5))
    w, b = rng.standard_normal((10, 4)), rng.standard_normal(4)
    out, _ = layers.affine_forward(x, w, b)
    np.testing.assert_allclose(out, x.reshape(3, 10) @ w + b, rtol=1e-12)


def test_affine_gradients():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 2, 5))
    w, b = rng.standard_normal((10, 4)), rng.standard_normal(4)
    check_grads(layers.affine_forward, layers.affine_backward, [x, w, b], ["x", "w", "b"],
                rng.standard_normal((3, 4)))


def test_relu_forward_and_gradient():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 6))
    x[np.abs(x) < 1e-3] = 0.5  # keep away from the kink
    x_before = x.copy()
    out, _ = layers.relu_forward(x)
    np.testing.assert_array_equal(out, np.where(x > 0, x, 0))
    np.testing.assert_array_equal(x, x_before)
    check_grads(layers.relu_forward, layers.relu_backward, [x], ["x"], rng.standard_normal((4, 6)))


def test_softmax_loss_value_and_gradient():
    rng = np.random.default_rng(3)
    N, C = 7, 5
    scores = rng.standard_normal((N, C))
    y = rng.integers(C, size=N)
    loss, dx = layers.softmax_loss(scores, y)
    probs = np.exp(scores) / np.exp(scores).sum(1, keepdims=True)
    assert abs(loss - (-np.log(probs[np.arange(N), y]).mean())) < 1e-12
    num = numeric_grad(lambda s: layers.softmax_loss(s, y)[0], scores.copy())
    assert rel_error(num, dx) < 1e-7
    # near-uniform scores give log(C); huge scores do not overflow
    assert abs(layers.softmax_loss(1e-3 * scores, y)[0] - np.log(C)) < 1e-2
    assert np.isfinite(layers.softmax_loss(1e4 * scores, y)[0])


def test_dropout_keeps_units_with_probability_p():
    x = np.ones((500, 400)) * 3.0
    for p in (0.25, 0.6, 0.9):
        out, _ = layers.dropout_forward(x, {"mode": "train", "p": p, "seed": 123})
        kept = out != 0
        assert abs(kept.mean() - p) < 0.01
        np.testing.assert_allclose(out[kept], 3.0 / p)  # inverted dropout
        assert abs(out.mean() - 3.0) < 0.05


def test_dropout_test_mode_is_identity():
    x = np.random.default_rng(4).standard_normal((20, 30))
    out, cache = layers.dropout_forward(x, {"mode": "test", "p": 0.3})
    np.testing.assert_array_equal(out, x)
    dout = np.random.default_rng(5).standard_normal((20, 30))
    np.testing.assert_array_equal(layers.dropout_backward(dout, cache), dout)


def test_dropout_seed_makes_it_deterministic():
    x = np.random.default_rng(6).standard_normal((30, 40))
    a, _ = layers.dropout_forward(x, {"mode": "train", "p": 0.5, "seed": 7})
    b, _ = layers.dropout_forward(x, {"mode": "train", "p": 0.5, "seed": 7})
    c, _ = layers.dropout_forward(x, {"mode": "train", "p": 0.5, "seed": 8})
    np.testing.assert_array_equal(a, b)
    assert (a != c).any()


def test_dropout_gradient_and_dtype():
    rng = np.random.default_rng(9)
    x = rng.standard_normal((6, 9))
    param = {"mode": "train", "p": 0.7, "seed": 3}
    check_grads(lambda x: layers.dropout_forward(x, param), layers.dropout_backward, [x], ["x"],
                rng.standard_normal((6, 9)))
    out, _ = layers.dropout_forward(x.astype(np.float32), param)
    assert out.dtype == np.float32


def _conv_loops(x, w, b, stride, pad):
    """Direct definition of the convolution, one output value at a time."""
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho, Wo = 1 + (H + 2 * pad - HH) // stride, 1 + (W + 2 * pad - WW) // stride
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    patch = xp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(patch * w[f]) + b[f]
    return out


@pytest.mark.parametrize("stride,pad", [(1, 1), (2, 1), (2, 0)])
def test_conv_forward_matches_definition(stride, pad):
    rng = np.random.default_rng(10)
    x = rng.standard_normal((2, 3, 7, 5))
    w, b = rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4)
    out, _ = layers.conv_forward_naive(x, w, b, {"stride": stride, "pad": pad})
    np.testing.assert_allclose(out, _conv_loops(x, w, b, stride, pad), rtol=1e-12, atol=1e-12)


def test_conv_gradients():
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 3, 5, 6))
    w, b = rng.standard_normal((3, 3, 3, 2)), rng.standard_normal(3)
    conv_param = {"stride": 2, "pad": 1}
    out, _ = layers.conv_forward_naive(x, w, b, conv_param)
    check_grads(lambda x, w, b: layers.conv_forward_naive(x, w, b, conv_param),
                layers.conv_backward_naive, [x, w, b], ["x", "w", "b"],
                rng.standard_normal(out.shape))


def test_max_pool_forward_by_hand():
    x = np.arange(16, dtype=np.float64).reshape(1, 1, 4, 4)
    x[0, 0, 0, 1] = 100.0
    out, _ = layers.max_pool_forward_naive(x, {"pool_height": 2, "pool_width": 2, "stride": 2})
    np.testing.assert_array_equal(out, [[[[100.0, 7.0], [13.0, 15.0]]]])


def test_max_pool_gradients():
    rng = np.random.default_rng(12)
    x = rng.permutation(2 * 3 * 6 * 5).reshape(2, 3, 6, 5) / 10.0  # distinct values: no ties
    pool_param = {"pool_height": 2, "pool_width": 3, "stride": 2}
    out, _ = layers.max_pool_forward_naive(x, pool_param)
    assert out.shape == (2, 3, 3, 2)
    check_grads(lambda x: layers.max_pool_forward_naive(x, pool_param),
                layers.max_pool_backward_naive, [x], ["x"], rng.standard_normal(out.shape))


def test_affine_relu_sandwich_gradients():
    rng = np.random.default_rng(13)
    x = rng.standard_normal((3, 2, 4))
    w, b = rng.standard_normal((8, 5)), rng.standard_normal(5)
    check_grads(layer_utils.affine_relu_forward, layer_utils.affine_relu_backward,
                [x, w, b], ["x", "w", "b"], rng.standard_normal((3, 5)))


@pytest.mark.parametrize("normalization", ["batchnorm", "layernorm"])
def test_affine_norm_relu_sandwich_gradients(normalization):
    rng = np.random.default_rng(14)
    x = rng.standard_normal((5, 6))
    w, b = rng.standard_normal((6, 4)), rng.standard_normal(4)
    gamma, beta = rng.standard_normal(4), rng.standard_normal(4)
    param = {"mode": "train"} if normalization == "batchnorm" else {}
    dout = rng.standard_normal((5, 4))
    # Batch norm cancels the bias: db is exactly zero in theory, so only its
    # absolute size is checked (a relative error of rounding noise means nothing).
    names = ["x", "w", None if normalization == "batchnorm" else "b", "gamma", "beta"]
    check_grads(lambda *a: layer_utils.affine_norm_relu_forward(*a, param, normalization),
                layer_utils.affine_norm_relu_backward, [x, w, b, gamma, beta], names, dout)
    if normalization == "batchnorm":
        _, cache = layer_utils.affine_norm_relu_forward(x, w, b, gamma, beta, param, normalization)
        assert np.abs(layer_utils.affine_norm_relu_backward(dout, cache)[2]).max() < 1e-12


def test_conv_sandwich_gradients():
    rng = np.random.default_rng(15)
    x = rng.standard_normal((2, 3, 6, 6))
    w, b = rng.standard_normal((3, 3, 3, 3)), rng.standard_normal(3)
    gamma, beta = rng.standard_normal(3), rng.standard_normal(3)
    conv_param = {"stride": 1, "pad": 1}
    pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}
    dout = rng.standard_normal((2, 3, 6, 6))
    check_grads(lambda x, w, b: layer_utils.conv_relu_forward(x, w, b, conv_param),
                layer_utils.conv_relu_backward, [x, w, b], ["x", "w", "b"], dout)
    check_grads(lambda *a: layer_utils.conv_bn_relu_forward(*a, conv_param, {"mode": "train"}),
                layer_utils.conv_bn_relu_backward, [x, w, b, gamma, beta],
                ["x", "w", None, "gamma", "beta"], dout, h=1e-4)  # db = 0, as above
    check_grads(lambda x, w, b: layer_utils.conv_relu_pool_forward(x, w, b, conv_param, pool_param),
                layer_utils.conv_relu_pool_backward, [x, w, b], ["x", "w", "b"],
                rng.standard_normal((2, 3, 3, 3)))


def test_gradient_check_helpers(capsys):
    rng = np.random.default_rng(16)
    x = rng.standard_normal((3, 4))
    grad = gradient_check.eval_numerical_gradient(lambda v: np.sum(v**3), x, verbose=False)
    assert rel_error(grad, 3 * x**2) < 1e-8
    x_before = x.copy()
    df = rng.standard_normal((3, 4))
    grad = gradient_check.eval_numerical_gradient_array(lambda v: np.sin(v), x, df)
    assert rel_error(grad, np.cos(x) * df) < 1e-8
    np.testing.assert_array_equal(x, x_before)
    gradient_check.grad_check_sparse(lambda v: np.sum(v**2), x, 2 * x, num_checks=4)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4
    assert all(float(line.rsplit(" ", 1)[1]) < 1e-7 for line in lines)
