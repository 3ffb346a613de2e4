"""Reference layer normalization, spatial batch normalization and spatial group normalization."""

import numpy as np
import pytest

from .reference_helpers import check_grads, notebook_gradient_inputs, ref

layers = ref("layers")


def test_layernorm_normalizes_each_row():
    rng = np.random.default_rng(0)
    x = 4 * rng.standard_normal((5, 8)) + rng.standard_normal((5, 1)) * 10
    gamma, beta = rng.uniform(0.5, 3, 8), rng.standard_normal(8)
    out, _ = layers.layernorm_forward(x, gamma, beta, {})
    mean, var = x.mean(1, keepdims=True), x.var(1, keepdims=True)
    np.testing.assert_allclose(out, gamma * (x - mean) / np.sqrt(var + 1e-5) + beta, rtol=1e-12)
    # eps from ln_param; no running statistics; train and test alike
    ln_param = {"eps": 0.5, "mode": "test"}
    out, _ = layers.layernorm_forward(x, gamma, beta, ln_param)
    np.testing.assert_allclose(out, gamma * (x - mean) / np.sqrt(var + 0.5) + beta, rtol=1e-12)
    assert set(ln_param) == {"eps", "mode"}


def test_layernorm_notebook_section16_forward():
    np.random.seed(231)
    N, D1, D2, D3 = 4, 50, 60, 3
    X = np.random.randn(N, D1)
    W1 = np.random.randn(D1, D2)
    W2 = np.random.randn(D2, D3)
    a = np.maximum(0, X.dot(W1)).dot(W2)
    out, _ = layers.layernorm_forward(a, np.ones(D3), np.zeros(D3), {})
    np.testing.assert_allclose(out.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=1), 1, atol=1e-4)
    out, _ = layers.layernorm_forward(a, 3 * np.ones(D3), 5 * np.ones(D3), {})
    np.testing.assert_allclose(out.mean(axis=1), 5, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=1), 3, atol=1e-3)


def test_layernorm_gradients_with_non_constant_gamma():
    rng = np.random.default_rng(1)
    x = 5 * rng.standard_normal((4, 7)) + 12
    gamma, beta = rng.standard_normal(7), rng.standard_normal(7)
    dout = rng.standard_normal((4, 7))
    check_grads(lambda x, g, b: layers.layernorm_forward(x, g, b, {}), layers.layernorm_backward,
                [x, gamma, beta], ["x", "gamma", "beta"], dout)


def test_layernorm_notebook_section17_gradient_errors():
    x, gamma, beta, dout = notebook_gradient_inputs()
    check_grads(lambda x, g, b: layers.layernorm_forward(x, g, b, {}), layers.layernorm_backward,
                [x, gamma, beta], ["x", "gamma", "beta"], dout, tol=1e-8)


def test_spatial_batchnorm_statistics_per_channel():
    rng = np.random.default_rng(2)
    N, C, H, W = 3, 4, 5, 6
    x = 4 * rng.standard_normal((N, C, H, W)) + 10 * rng.standard_normal((1, C, 1, 1))
    gamma, beta = rng.uniform(0.5, 3, C), rng.standard_normal(C)
    bn_param = {"mode": "train"}
    out, _ = layers.spatial_batchnorm_forward(x, gamma, beta, bn_param)
    assert out.shape == x.shape
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), beta, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=(0, 2, 3)), gamma, rtol=1e-4)
    np.testing.assert_allclose(bn_param["running_mean"], 0.1 * x.mean(axis=(0, 2, 3)), rtol=1e-12)
    assert bn_param["running_var"].shape == (C,)
    # test mode: running statistics, per channel
    bn_param["mode"] = "test"
    out, _ = layers.spatial_batchnorm_forward(x, gamma, beta, bn_param)
    rm = bn_param["running_mean"].reshape(1, C, 1, 1)
    rv = bn_param["running_var"].reshape(1, C, 1, 1)
    expected = gamma.reshape(1, C, 1, 1) * (x - rm) / np.sqrt(rv + 1e-5) + beta.reshape(1, C, 1, 1)
    np.testing.assert_allclose(out, expected, rtol=1e-10)


def test_spatial_batchnorm_gradients():
    rng = np.random.default_rng(3)
    N, C, H, W = 2, 3, 4, 5
    x = 5 * rng.standard_normal((N, C, H, W)) + 12
    gamma, beta = rng.standard_normal(C), rng.standard_normal(C)
    dout = rng.standard_normal((N, C, H, W))
    check_grads(lambda x, g, b: layers.spatial_batchnorm_forward(x, g, b, {"mode": "train"}),
                layers.spatial_batchnorm_backward, [x, gamma, beta], ["x", "gamma", "beta"], dout)


def test_spatial_groupnorm_statistics_per_group():
    rng = np.random.default_rng(4)
    N, C, H, W, G = 2, 6, 4, 5, 2
    x = 4 * rng.standard_normal((N, C, H, W)) + 10 * rng.standard_normal((N, C, 1, 1))
    gamma = rng.uniform(0.5, 3, (1, C, 1, 1))
    beta = rng.standard_normal((1, C, 1, 1))
    out, _ = layers.spatial_groupnorm_forward(x, gamma, beta, G, {})
    assert out.shape == x.shape
    xhat = (out - beta) / gamma
    groups = xhat.reshape(N, G, C // G, H, W)  # contiguous channels per group
    np.testing.assert_allclose(groups.mean(axis=(2, 3, 4)), 0, atol=1e-12)
    np.testing.assert_allclose(groups.std(axis=(2, 3, 4)), 1, rtol=1e-4)
    # a single group is layer norm over (C, H, W)
    out1, _ = layers.spatial_groupnorm_forward(x, gamma, beta, 1, {})
    flat = x.reshape(N, -1)
    ln = (flat - flat.mean(1, keepdims=True)) / np.sqrt(flat.var(1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(out1, gamma * ln.reshape(x.shape) + beta, rtol=1e-10)


@pytest.mark.parametrize("G", [1, 2, 3])
def test_spatial_groupnorm_gradients(G):
    rng = np.random.default_rng(5)
    N, C, H, W = 2, 6, 3, 4
    x = 2 * rng.standard_normal((N, C, H, W)) + 1
    gamma = rng.standard_normal((1, C, 1, 1))
    beta = rng.standard_normal((1, C, 1, 1))
    dout = rng.standard_normal((N, C, H, W))
    # Each output sums 72 terms; h = 1e-4 keeps the numeric gradient's rounding
    # error below the tolerance on the smallest entries of dx.
    check_grads(lambda x, g, b: layers.spatial_groupnorm_forward(x, g, b, G, {}),
                layers.spatial_groupnorm_backward, [x, gamma, beta], ["x", "gamma", "beta"], dout,
                h=1e-4)
