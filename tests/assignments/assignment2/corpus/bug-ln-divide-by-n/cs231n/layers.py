from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """
    Inputs: x (N, d_1, ..., d_k), w (D, M), b (M,)
    Returns: out (N, M), cache
    """
    x_flat = x.reshape(x.shape[0], -1)
    out = x_flat.dot(w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    Inputs: dout (N, M), cache
    Returns: dx (N, d_1, ..., d_k), dw (D, M), db (M,)
    """
    x, w, b = cache
    x_flat = x.reshape(x.shape[0], -1)
    dw = x_flat.T.dot(dout)
    db = dout.sum(axis=0)
    dx = dout.dot(w.T).reshape(x.shape)
    return dx, dw, db


def relu_forward(x):
    """ReLU: out = max(0, x)"""
    out = np.maximum(0, x)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """ReLU backward"""
    x = cache
    dx = dout.copy()
    dx[x <= 0] = 0.0
    return dx


def softmax_loss(x, y):
    """
    Inputs: x (N, C) class scores, y (N,) labels
    Returns: loss, dx (N, C)
    """
    N = x.shape[0]
    scores = x - x.max(axis=1, keepdims=True)
    scores_exp = np.exp(scores)
    p = scores_exp / scores_exp.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(N), y]).mean()
    dx = p.copy()
    dx[np.arange(N), y] -= 1.0
    dx /= N
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """
    Inputs: x (N, D), gamma (D,), beta (D,), bn_param dict
    Returns: out (N, D), cache
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        mu = x.mean(axis=0)
        var = x.var(axis=0)
        inv_std = 1.0 / np.sqrt(var + eps)
        xhat = (x - mu) * inv_std
        out = gamma * xhat + beta
        running_mean = momentum * running_mean + (1.0 - momentum) * mu
        running_var = momentum * running_var + (1.0 - momentum) * var
        cache = (x, xhat, mu, var, inv_std, gamma, beta, eps)
    elif mode == "test":
        xhat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * xhat + beta
    else:
        raise ValueError("Unrecognised batchnorm mode '%s'" % mode)

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache


def batchnorm_backward(dout, cache):
    """
    Inputs: dout (N, D), cache from batchnorm_forward
    Returns: dx (N, D), dgamma (D,), dbeta (D,)
    """
    x, xhat, mu, var, inv_std, gamma, beta, eps = cache
    N = x.shape[0]

    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma

    xc = x - mu
    # xhat = xc * inv_std
    dxc = dxhat * inv_std
    dinv_std = (dxhat * xc).sum(axis=0)
    # inv_std = 1 / sqrt(var + eps)
    dvar = -0.5 * dinv_std * inv_std ** 3
    # var = sum(xc ** 2) / N
    dxc += 2.0 * xc * dvar / N
    # xc = x - mu
    dmu = -dxc.sum(axis=0)
    # mu = sum(x) / N
    dx = dxc + dmu / N

    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """
    Same as batchnorm_backward, closed form.
    """
    x, xhat, mu, var, inv_std, gamma, beta, eps = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    dx = inv_std / N * (N * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """
    Inputs: x (N, D), gamma (D,), beta (D,), ln_param dict
    Returns: out (N, D), cache
    """
    eps = ln_param.get("eps", 1e-5)
    # transpose: now every column is one data point, like in batchnorm
    xt = x.T                                # (D, N)
    mu = xt.mean(axis=0)                    # (N,)
    var = xt.var(axis=0)                    # (N,)
    inv_std = 1.0 / np.sqrt(var + eps)      # (N,)
    xhat = ((xt - mu) * inv_std).T          # back to (N, D)
    out = gamma * xhat + beta
    cache = (xhat, inv_std, gamma)
    return out, cache


def layernorm_backward(dout, cache):
    """
    Inputs: dout (N, D), cache from layernorm_forward
    Returns: dx (N, D), dgamma (D,), dbeta (D,)
    """
    xhat, inv_std, gamma = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)

    # transpose and use the batchnorm closed form on the columns
    dxhat_t = (dout * gamma).T              # (D, N)
    xhat_t = xhat.T                         # (D, N)
    dx_t = inv_std / N * (N * dxhat_t - dxhat_t.sum(axis=0) - xhat_t * (dxhat_t * xhat_t).sum(axis=0))
    dx = dx_t.T
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """Inverted dropout, p = keep probability."""
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
    """Naive conv forward (todo)."""
    out = None
    pass
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """Naive conv backward (todo)."""
    dx, dw, db = None, None, None
    pass
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """Naive max pool forward (todo)."""
    out = None
    pass
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """Naive max pool backward (todo)."""
    dx = None
    pass
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """Spatial batchnorm forward (todo)."""
    out, cache = None, None
    pass
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """Spatial batchnorm backward (todo)."""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """Spatial groupnorm forward (todo)."""
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    pass
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """Spatial groupnorm backward (todo)."""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta
