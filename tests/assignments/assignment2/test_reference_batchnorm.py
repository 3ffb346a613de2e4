"""Reference batch normalization: forward semantics, gradients, and the notebook's numbers."""

import time

import numpy as np
import pytest

from .reference_helpers import check_grads, notebook_gradient_inputs, ref, rel_error

layers = ref("layers")


def _data(rng, N=7, D=4, dtype=np.float64):
    x = (3 * rng.standard_normal((N, D)) + 5).astype(dtype)
    gamma = rng.standard_normal(D).astype(dtype)
    beta = rng.standard_normal(D).astype(dtype)
    return x, gamma, beta


def test_train_mode_normalizes_with_batch_statistics():
    rng = np.random.default_rng(0)
    x, gamma, beta = _data(rng, N=50, D=3)
    out, _ = layers.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    xhat = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5)  # 1/N variance
    np.testing.assert_allclose(out, gamma * xhat + beta, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out.mean(0), beta, atol=1e-12)


def test_train_mode_uses_biased_variance():
    # With N = 2 the 1/N and 1/(N-1) variances differ by a factor of 2.
    x = np.array([[0.0, 1.0], [2.0, 5.0]])
    out, _ = layers.batchnorm_forward(x, np.ones(2), np.zeros(2), {"mode": "train", "eps": 0.0})
    np.testing.assert_allclose(out, [[-1.0, -1.0], [1.0, 1.0]], atol=1e-12)


def test_eps_and_momentum_are_read_from_bn_param():
    rng = np.random.default_rng(1)
    x, gamma, beta = _data(rng, N=5, D=3)
    x *= 1e-2
    out, _ = layers.batchnorm_forward(x, gamma, beta, {"mode": "train", "eps": 1e-2})
    np.testing.assert_allclose(out, gamma * (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-2) + beta,
                               rtol=1e-12)
    bn_param = {"mode": "train", "momentum": 0.5}
    layers.batchnorm_forward(x, gamma, beta, bn_param)
    np.testing.assert_allclose(bn_param["running_mean"], 0.5 * x.mean(0), rtol=1e-12)


def test_running_statistics_follow_the_momentum_recurrence():
    # Small-variance inputs (var ~ 1e-6 < eps = 1e-5): eps added into the stored
    # variance, or the unbiased variance, would be far off.
    rng = np.random.default_rng(2)
    D, momentum = 6, 0.9
    gamma, beta = rng.standard_normal(D), rng.standard_normal(D)
    bn_param = {"mode": "train"}
    mean, var = np.zeros(D), np.zeros(D)
    for _ in range(5):
        x = 1e-3 * rng.standard_normal((9, D)) + rng.standard_normal(D)
        layers.batchnorm_forward(x, gamma, beta, bn_param)
        mean = momentum * mean + (1 - momentum) * x.mean(0)
        var = momentum * var + (1 - momentum) * x.var(0)
    assert bn_param["running_mean"].shape == (D,)
    assert bn_param["running_var"].shape == (D,)
    np.testing.assert_allclose(bn_param["running_mean"], mean, rtol=1e-10)
    np.testing.assert_allclose(bn_param["running_var"], var, rtol=1e-8)


def test_running_statistics_default_to_zeros_of_x_dtype():
    rng = np.random.default_rng(3)
    x, gamma, beta = _data(rng, N=5, D=3, dtype=np.float32)
    bn_param = {"mode": "test"}
    out, _ = layers.batchnorm_forward(x, gamma, beta, bn_param)
    for key in ("running_mean", "running_var"):
        assert bn_param[key].shape == (3,) and bn_param[key].dtype == np.float32
        assert not bn_param[key].any()
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, gamma * x / np.sqrt(np.float32(1e-5)) + beta, rtol=1e-5)


def test_test_mode_uses_running_statistics_with_gamma_and_beta():
    rng = np.random.default_rng(4)
    x, gamma, beta = _data(rng, N=6, D=4)
    running_mean, running_var = rng.standard_normal(4), rng.uniform(0.5, 2.0, 4)
    bn_param = {"mode": "test", "running_mean": running_mean.copy(),
                "running_var": running_var.copy()}
    out, _ = layers.batchnorm_forward(x, gamma, beta, bn_param)
    expected = gamma * (x - running_mean) / np.sqrt(running_var + 1e-5) + beta
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    np.testing.assert_array_equal(bn_param["running_mean"], running_mean)
    np.testing.assert_array_equal(bn_param["running_var"], running_var)


def test_bad_mode_raises_value_error():
    rng = np.random.default_rng(5)
    x, gamma, beta = _data(rng)
    with pytest.raises(ValueError):
        layers.batchnorm_forward(x, gamma, beta, {"mode": "eval"})


def test_x_is_not_modified_in_place():
    rng = np.random.default_rng(6)
    x, gamma, beta = _data(rng)
    x_before = x.copy()
    _, cache = layers.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    layers.batchnorm_backward(rng.standard_normal(x.shape), cache)
    layers.batchnorm_backward_alt(rng.standard_normal(x.shape), cache)
    np.testing.assert_array_equal(x, x_before)


@pytest.mark.parametrize("backward", ["batchnorm_backward", "batchnorm_backward_alt"])
def test_backward_matches_numeric_gradients(backward):
    rng = np.random.default_rng(7)
    x, gamma, beta = _data(rng, N=6, D=4)
    dout = rng.standard_normal((6, 4))
    check_grads(lambda x, g, b: layers.batchnorm_forward(x, g, b, {"mode": "train"}),
                getattr(layers, backward), [x, gamma, beta], ["x", "gamma", "beta"], dout)


def test_alt_equals_staged_on_the_same_cache():
    rng = np.random.default_rng(8)
    x, gamma, beta = _data(rng, N=300, D=40)
    dout = rng.standard_normal(x.shape)
    _, cache = layers.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    staged = layers.batchnorm_backward(dout, cache)
    alt = layers.batchnorm_backward_alt(dout, cache)
    for a, b in zip(staged, alt):
        assert a.shape == b.shape
        assert rel_error(a, b) < 1e-11
    assert staged[1].shape == (40,) and staged[2].shape == (40,)


def test_alt_is_faster_than_staged():
    # Notebook section 7 sizes; the minimum of repeats is robust to a busy machine.
    rng = np.random.default_rng(9)
    x, gamma, beta = _data(rng, N=100, D=500)
    dout = rng.standard_normal(x.shape)
    _, cache = layers.batchnorm_forward(x, gamma, beta, {"mode": "train"})

    def best(fn):
        times = []
        for _ in range(15):
            start = time.perf_counter()
            for _ in range(5):
                fn(dout, cache)
            times.append(time.perf_counter() - start)
        return min(times)

    assert best(layers.batchnorm_backward) > 1.5 * best(layers.batchnorm_backward_alt)


# ---------------------------------------------------------------- notebook numbers


def _notebook_activations():
    np.random.seed(231)
    N, D1, D2, D3 = 200, 50, 60, 3
    X = np.random.randn(N, D1)
    W1 = np.random.randn(D1, D2)
    W2 = np.random.randn(D2, D3)
    return np.maximum(0, X.dot(W1)).dot(W2)


def test_notebook_section4_train_forward_numbers():
    a = _notebook_activations()
    np.testing.assert_array_equal(np.round(a.mean(axis=0), 2), [-2.38, -13.18, 1.92])
    np.testing.assert_array_equal(np.round(a.std(axis=0), 2), [27.19, 34.21, 37.69])
    out, _ = layers.batchnorm_forward(a, np.ones(3), np.zeros(3), {"mode": "train"})
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 1, atol=1e-6)
    gamma, beta = np.array([1.0, 2.0, 3.0]), np.array([11.0, 12.0, 13.0])
    out, _ = layers.batchnorm_forward(a, gamma, beta, {"mode": "train"})
    np.testing.assert_allclose(out.mean(axis=0), beta, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), gamma, atol=1e-5)


def test_notebook_section5_test_forward_numbers():
    np.random.seed(231)
    N, D1, D2, D3 = 200, 50, 60, 3
    W1 = np.random.randn(D1, D2)
    W2 = np.random.randn(D2, D3)
    bn_param = {"mode": "train"}
    gamma, beta = np.ones(D3), np.zeros(D3)
    for _ in range(50):
        X = np.random.randn(N, D1)
        a = np.maximum(0, X.dot(W1)).dot(W2)
        layers.batchnorm_forward(a, gamma, beta, bn_param)
    bn_param["mode"] = "test"
    X = np.random.randn(N, D1)
    a = np.maximum(0, X.dot(W1)).dot(W2)
    a_norm, _ = layers.batchnorm_forward(a, gamma, beta, bn_param)
    np.testing.assert_array_equal(np.round(a_norm.mean(axis=0), 2), [-0.04, -0.04, -0.10])
    np.testing.assert_array_equal(np.round(a_norm.std(axis=0), 3), [1.015, 1.012, 0.978])


@pytest.mark.parametrize("backward", ["batchnorm_backward", "batchnorm_backward_alt"])
def test_notebook_section6_gradient_errors(backward):
    x, gamma, beta, dout = notebook_gradient_inputs()
    errors = check_grads(lambda x, g, b: layers.batchnorm_forward(x, g, b, {"mode": "train"}),
                         getattr(layers, backward), [x, gamma, beta], ["x", "gamma", "beta"],
                         dout, tol=1e-8)
    assert max(errors.values()) < 1e-8
