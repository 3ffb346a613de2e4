from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """
    Affine layer forward pass.

    x: (N, d_1, ..., d_k), w: (D, M), b: (M,)
    Returns out (N, M), cache (x, w, b)
    """
    N = x.shape[0]
    out = np.dot(x.reshape(N, -1), w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    Affine layer backward pass: dx (N, d_1, ..., d_k), dw (D, M), db (M,)
    """
    x, w, b = cache
    N = x.shape[0]
    dx = np.dot(dout, w.T).reshape(x.shape)
    dw = np.dot(x.reshape(N, -1).T, dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    """ReLU forward pass."""
    out = np.maximum(0, x)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """ReLU backward pass."""
    x = cache
    dx = dout * (x > 0)
    return dx


def softmax_loss(x, y):
    """
    Softmax loss. x: (N, C) scores, y: (N,) labels. Returns loss, dx.
    """
    N = x.shape[0]
    shifted = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted), axis=1, keepdims=True)
    log_probs = shifted - np.log(Z)
    probs = np.exp(log_probs)
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """
    Batch normalization forward pass.

    x: (N, D), gamma: (D,), beta: (D,)
    bn_param: 'mode' ('train' or 'test'), 'eps', 'momentum', 'running_mean', 'running_var'
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        mu = np.mean(x, axis=0)
        var = np.var(x, axis=0)
        x_norm = (x - mu) / np.sqrt(var + eps)
        out = gamma * x_norm + beta

        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var

        cache = (x, mu, var, gamma, eps)
    elif mode == "test":
        x_norm = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_norm + beta
    else:
        raise ValueError("mode should be 'train' or 'test', got %r" % mode)

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache


def batchnorm_backward(dout, cache):
    """
    Batch normalization backward pass (computation graph).

    Returns dx (N, D), dgamma (D,), dbeta (D,)
    """
    x, mu, var, gamma, eps = cache
    N = x.shape[0]

    x_mu = x - mu
    std = np.sqrt(var + eps)
    x_norm = x_mu / std

    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_norm, axis=0)

    # gradient wrt the normalized input
    dx_norm = dout * gamma

    # gradient wrt the variance: x_norm depends on var through 1/std
    dvar = np.sum(dx_norm * x_mu, axis=0) * -0.5 * (var + eps) ** (-1.5)

    # gradient wrt the mean: directly through x_mu and indirectly through var
    dmu = np.sum(dx_norm * -1.0 / std, axis=0) + dvar * np.sum(-2.0 * x_mu, axis=0) / N

    # x reaches the output through x_mu, var and mu
    dx = dx_norm / std + dvar * 2.0 * x_mu / N + dmu / N

    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """
    Batch normalization backward pass, simplified.
    """
    x, mu, var, gamma, eps = cache
    N = x.shape[0]
    inv_std = 1.0 / np.sqrt(var + eps)
    x_norm = (x - mu) * inv_std

    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_norm).sum(axis=0)
    dx_norm = dout * gamma
    dvar = -0.5 * inv_std ** 3 * (dx_norm * (x - mu)).sum(axis=0)
    dmean = -inv_std * dx_norm.sum(axis=0) - 2.0 * dvar * (x - mu).mean(axis=0)
    dx = dx_norm * inv_std + 2.0 * dvar * (x - mu) / N + dmean / N

    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """
    Layer normalization forward pass: normalize every data point over its features.
    """
    eps = ln_param.get("eps", 1e-5)
    mu = np.mean(x, axis=1)
    var = np.var(x, axis=1)
    std = np.sqrt(var + eps)
    x_norm = (x - mu[:, np.newaxis]) / std[:, np.newaxis]
    out = gamma * x_norm + beta
    cache = (x_norm, std, gamma)
    return out, cache


def layernorm_backward(dout, cache):
    """
    Layer normalization backward pass.
    """
    x_norm, std, gamma = cache
    D = dout.shape[1]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_norm, axis=0)
    dx_norm = dout * gamma
    s1 = np.sum(dx_norm, axis=1)[:, np.newaxis]
    s2 = np.sum(dx_norm * x_norm, axis=1)[:, np.newaxis]
    dx = (D * dx_norm - s1 - x_norm * s2) / (D * std[:, np.newaxis])
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """
    Inverted dropout forward; p = probability of keeping a neuron.
    """
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])

    mask = None
    out = None

    if mode == "train":
        mask = (np.random.rand(*x.shape) < p) / p
        out = x * mask
    elif mode == "test":
        out = x

    cache = (dropout_param, mask)
    return out, cache


def dropout_backward(dout, cache):
    """Inverted dropout backward."""
    dropout_param, mask = cache
    mode = dropout_param["mode"]

    dx = None
    if mode == "train":
        dx = dout * mask
    elif mode == "test":
        dx = dout
    return dx


def conv_forward_naive(x, w, b, conv_param):
    """
    Naive convolution forward pass.
    x: (N, C, H, W), w: (F, C, HH, WW), b: (F,), conv_param: stride, pad
    """
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    out = np.zeros((N, F, H_out, W_out), dtype=x.dtype)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * stride, j * stride
                    out[n, f, i, j] = np.sum(xp[n, :, hs:hs + HH, ws:ws + WW] * w[f]) + b[f]
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """
    Naive convolution backward pass: dx, dw, db.
    """
    x, w, b, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = np.sum(dout, axis=(0, 2, 3))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * stride, j * stride
                    dw[f] += xp[n, :, hs:hs + HH, ws:ws + WW] * dout[n, f, i, j]
                    dxp[n, :, hs:hs + HH, ws:ws + WW] += w[f] * dout[n, f, i, j]
    dx = dxp[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """Naive max pooling forward pass."""
    out = None
    pass
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """Naive max pooling backward pass."""
    dx = None
    pass
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """Spatial batch normalization forward pass."""
    out, cache = None, None
    pass
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """Spatial batch normalization backward pass."""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """Spatial group normalization forward pass."""
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    pass
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """Spatial group normalization backward pass."""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta
