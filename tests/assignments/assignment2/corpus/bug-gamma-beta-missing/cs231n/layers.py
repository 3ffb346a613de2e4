from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """
    affine layer forward.
    x: (N, d_1, ..., d_k), w: (D, M), b: (M,) -> out (N, M), cache (x, w, b)
    """
    out = x.reshape(len(x), -1) @ w + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    affine layer backward -> dx (N, d1..dk), dw (D, M), db (M,)
    """
    x, w, b = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(len(x), -1).T @ dout
    db = dout.sum(0)
    return dx, dw, db


def relu_forward(x):
    """relu forward"""
    out = np.maximum(0, x)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """relu backward"""
    x = cache
    dx = dout * (x > 0)
    return dx


def softmax_loss(x, y):
    """
    softmax loss, x: (N, C) scores, y: (N,) labels -> (loss, dx)
    """
    n = x.shape[0]
    lse = np.log(np.sum(np.exp(x - x.max(1, keepdims=True)), axis=1)) + x.max(1)
    loss = np.mean(lse - x[np.arange(n), y])
    p = np.exp(x - lse[:, None])
    p[np.arange(n), y] -= 1
    dx = p / n
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """
    batchnorm forward.
    x: (N, D), gamma/beta: (D,), bn_param: mode, eps, momentum, running_mean, running_var
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        mu = x.mean(0)
        v = x.var(0)
        iv = 1 / np.sqrt(v + eps)
        xn = (x - mu) * iv
        # normalized output
        out = xn
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * v
        cache = [x, mu, v, iv, xn, gamma]
    elif mode == "test":
        xn = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * xn + beta
    else:
        raise ValueError("bad mode " + repr(mode))

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache


def batchnorm_backward(dout, cache):
    """
    batchnorm backward, one node of the graph at a time.
    -> dx (N, D), dgamma (D,), dbeta (D,)
    """
    x, mu, v, iv, xn, gamma = cache
    N = x.shape[0]

    dbeta = dout.sum(0)
    dgamma = (dout * xn).sum(0)
    dxn = dout * gamma

    # xn = xc * iv
    xc = x - mu
    dxc = dxn * iv
    div = (dxn * xc).sum(0)
    # iv = (v + eps) ** -0.5  ->  d iv / d v = -0.5 * iv ** 3
    dv = -0.5 * iv ** 3 * div
    # v = mean(xc ** 2)
    dxc = dxc + 2 * xc * dv / N
    # xc = x - mu, mu = mean(x)
    dmu = -dxc.sum(0)
    dx = dxc + dmu / N

    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """
    batchnorm backward, simplified formula.
    """
    x, mu, v, iv, xn, gamma = cache
    N = x.shape[0]
    dbeta = dout.sum(0)
    dgamma = (dout * xn).sum(0)
    s1 = np.sum(dout, axis=0, keepdims=True)
    s2 = np.sum(dout * xn, axis=0, keepdims=True)
    dx = (gamma * iv / N) * (N * dout - s1 - xn * s2)
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """
    layernorm forward: statistics of each row.
    """
    eps = ln_param.get("eps", 1e-5)
    mu = x.mean(1, keepdims=True)
    v = x.var(1, keepdims=True)
    iv = 1 / np.sqrt(v + eps)
    xn = (x - mu) * iv
    out = gamma * xn + beta
    cache = [x, mu, v, iv, xn, gamma]
    return out, cache


def layernorm_backward(dout, cache):
    """
    layernorm backward, same graph as batchnorm but along axis 1.
    """
    x, mu, v, iv, xn, gamma = cache
    D = x.shape[1]
    dbeta = dout.sum(0)
    dgamma = (dout * xn).sum(0)
    dxn = dout * gamma
    xc = x - mu
    dv = (-0.5 * iv ** 3 * (dxn * xc)).sum(1, keepdims=True)
    dmu = (-dxn * iv).sum(1, keepdims=True) + dv * (-2 * xc).mean(1, keepdims=True)
    dx = dxn * iv + dv * 2 * xc / D + dmu / D
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """
    inverted dropout forward, p = keep probability
    """
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])

    mask = None
    out = None

    if mode == "train":
        pass
    elif mode == "test":
        pass

    cache = (dropout_param, mask)
    return out, cache


def dropout_backward(dout, cache):
    """dropout backward"""
    dropout_param, mask = cache
    mode = dropout_param["mode"]
    dx = None
    if mode == "train":
        pass
    elif mode == "test":
        dx = dout
    return dx


def conv_forward_naive(x, w, b, conv_param):
    """conv forward (naive)"""
    out = None
    pass
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """conv backward (naive)"""
    dx, dw, db = None, None, None
    pass
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """max pool forward (naive)"""
    out = None
    pass
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """max pool backward (naive)"""
    dx = None
    pass
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """spatial batchnorm forward"""
    out, cache = None, None
    pass
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """spatial batchnorm backward"""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """spatial groupnorm forward"""
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    pass
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """spatial groupnorm backward"""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta
