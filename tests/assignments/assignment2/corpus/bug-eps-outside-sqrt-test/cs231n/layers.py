from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """Affine forward: flatten each example of x (N, d_1..d_k) and compute x @ w + b."""
    out = np.dot(x.reshape(x.shape[0], -1), w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """Affine backward: returns dx (shape of x), dw (D, M), db (M,)."""
    x, w, b = cache
    dx = np.dot(dout, w.T).reshape(x.shape)
    dw = np.dot(x.reshape(x.shape[0], -1).T, dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    """ReLU forward."""
    out = np.maximum(0, x)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """ReLU backward."""
    dx = dout * (cache > 0)
    return dx


def softmax_loss(x, y):
    """Softmax loss: x (N, C) scores, y (N,) labels -> loss, dx."""
    N = x.shape[0]
    z = x - np.max(x, axis=1, keepdims=True)
    probs = np.exp(z)
    probs /= np.sum(probs, axis=1, keepdims=True)
    loss = -np.sum(np.log(probs[np.arange(N), y])) / N
    dx = probs
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """
    Batchnorm forward.

    x: (N, D), gamma/beta: (D,)
    bn_param: mode, eps (1e-5), momentum (0.9), running_mean, running_var
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        mean = np.sum(x, axis=0) / N
        var = np.sum((x - mean) ** 2, axis=0) / N
        xhat = (x - mean) / np.sqrt(var + eps)
        out = gamma * xhat + beta

        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var

        cache = [x, xhat, mean, var, gamma, eps]
    elif mode == "test":
        xhat = (x - running_mean) / (np.sqrt(running_var) + eps)
        out = gamma * xhat + beta
    else:
        raise ValueError(f"mode {mode} is neither train nor test")

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache


def batchnorm_backward(dout, cache):
    """
    Batchnorm backward following the computation graph.
    """
    x, xhat, mean, var, gamma, eps = cache
    N = x.shape[0]

    dgamma = np.sum(dout * xhat, axis=0)
    dbeta = np.sum(dout, axis=0)

    # forward graph: xc = x - mean; sq = xc^2; var = sum(sq)/N; s = sqrt(var + eps);
    #                inv = 1/s; xhat = xc * inv; out = gamma * xhat + beta
    xc = x - mean
    s = np.sqrt(var + eps)
    inv = 1.0 / s

    dxhat = dout * gamma
    dinv = np.sum(dxhat * xc, axis=0)
    dxc = dxhat * inv
    ds = -dinv / s ** 2
    dvar = ds / (2 * s)
    dsq = np.ones_like(x) * dvar / N
    dxc = dxc + 2 * xc * dsq
    dmean = -np.sum(dxc, axis=0)
    dx = dxc + np.ones_like(x) * dmean / N

    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """
    Batchnorm backward, closed form.
    """
    x, xhat, mean, var, gamma, eps = cache
    N = x.shape[0]
    xc = x - mean
    dgamma = np.sum(dout * xhat, axis=0)
    dbeta = np.sum(dout, axis=0)
    dx = gamma * (var + eps) ** -0.5 / N * (N * dout - dbeta - xc * (var + eps) ** -1.0 * np.sum(dout * xc, axis=0))
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """
    Layernorm forward: normalize each row of x (N, D) over its D features.
    """
    eps = ln_param.get("eps", 1e-5)
    D = x.shape[1]
    mean = np.sum(x, axis=1, keepdims=True) / D
    var = np.sum((x - mean) ** 2, axis=1, keepdims=True) / D
    xhat = (x - mean) / np.sqrt(var + eps)
    out = gamma * xhat + beta
    cache = [xhat, var, gamma, eps]
    return out, cache


def layernorm_backward(dout, cache):
    """
    Layernorm backward.
    """
    xhat, var, gamma, eps = cache
    D = dout.shape[1]
    dgamma = np.sum(dout * xhat, axis=0)
    dbeta = np.sum(dout, axis=0)
    dxhat = dout * gamma
    dx = (D * dxhat - np.sum(dxhat, axis=1, keepdims=True)
          - xhat * np.sum(dxhat * xhat, axis=1, keepdims=True)) / (D * np.sqrt(var + eps))
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """Inverted dropout forward, p = keep probability."""
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
    """Naive conv forward."""
    out = None
    pass
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """Naive conv backward."""
    dx, dw, db = None, None, None
    pass
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """Naive max pool forward."""
    out = None
    pass
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """Naive max pool backward."""
    dx = None
    pass
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """Spatial batchnorm forward."""
    out, cache = None, None
    pass
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """Spatial batchnorm backward."""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """Spatial groupnorm forward."""
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    pass
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """Spatial groupnorm backward."""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta
