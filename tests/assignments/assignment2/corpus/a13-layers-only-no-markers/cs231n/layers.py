import numpy as np


def affine_forward(x, w, b):
    """out = x_flat @ w + b, x of shape (N, d_1, ..., d_k)."""
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """Returns dx (shape of x), dw (D, M), db (M,)."""
    x, w, b = cache
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T.dot(dout)
    db = dout.sum(axis=0)
    return dx, dw, db


def relu_forward(x):
    """max(0, x)."""
    out = np.maximum(0, x)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """Pass the gradient where x > 0."""
    x = cache
    dx = dout * (x > 0)
    return dx


def softmax_loss(x, y):
    """Mean cross-entropy of scores x (N, C) against labels y (N,), and d/dx."""
    N = x.shape[0]
    z = x - x.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(N), y].sum() / N
    dx = np.exp(logp)
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch norm over the batch axis of x (N, D); running stats kept in bn_param."""
    mode = bn_param.get("mode")
    if mode not in ("train", "test"):
        raise ValueError(f"Invalid batchnorm mode {mode!r}: use 'train' or 'test'")
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        mean = x.mean(axis=0)
        xm = x - mean
        var = (xm * xm).mean(axis=0)
        inv_var = 1.0 / np.sqrt(var + eps)
        x_norm = xm * inv_var
        out = gamma * x_norm + beta
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
        cache = (x, x_norm, mean, var, inv_var, gamma)
    else:
        out = gamma * ((x - running_mean) / np.sqrt(running_var + eps)) + beta

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    """Backprop through the graph mean -> centre -> var -> 1/sqrt -> scale -> shift."""
    x, x_norm, mean, var, inv_var, gamma = cache
    N = x.shape[0]
    xm = x - mean

    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_norm).sum(axis=0)
    dx_norm = dout * gamma

    # x_norm = xm * inv_var
    dxm = dx_norm * inv_var
    dinv_var = (dx_norm * xm).sum(axis=0)
    # inv_var = (var + eps) ** -0.5  ->  derivative -0.5 * inv_var ** 3
    dvar = -0.5 * inv_var ** 3 * dinv_var
    # var = mean(xm ** 2)
    dxm += dvar * 2 * xm / N
    # xm = x - mean
    dmean = -dxm.sum(axis=0)
    # mean = sum(x) / N
    dx = dxm + dmean / N
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """Closed-form dx, same cache as batchnorm_backward."""
    x, x_norm, mean, var, inv_var, gamma = cache
    N = x.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_norm).sum(axis=0)
    dx = gamma * inv_var * (dout - (dbeta + x_norm * dgamma) / N)
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """Normalise each row of x (N, D) over its D features."""
    eps = ln_param.get("eps", 1e-5)
    mean = x.mean(axis=1, keepdims=True)
    xm = x - mean
    inv_var = 1.0 / np.sqrt((xm * xm).mean(axis=1, keepdims=True) + eps)
    x_norm = xm * inv_var
    out = gamma * x_norm + beta
    cache = (x_norm, inv_var, gamma)
    return out, cache


def layernorm_backward(dout, cache):
    """dx, dgamma (D,), dbeta (D,) for layernorm_forward."""
    x_norm, inv_var, gamma = cache
    D = dout.shape[1]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_norm).sum(axis=0)
    g = dout * gamma
    dx = inv_var * (g - (g.sum(axis=1, keepdims=True)
                         + x_norm * (g * x_norm).sum(axis=1, keepdims=True)) / D)
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """Inverted dropout; p = keep probability."""
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])

    mask, out = None, None
    if mode == "train":
        mask = (np.random.rand(*x.shape) < p) / p
        out = (x * mask).astype(x.dtype, copy=False)
    elif mode == "test":
        out = x

    cache = (dropout_param, mask)
    return out, cache


def dropout_backward(dout, cache):
    dropout_param, mask = cache
    mode = dropout_param["mode"]

    dx = None
    if mode == "train":
        dx = dout * mask
    elif mode == "test":
        dx = dout
    return dx


def conv_forward_naive(x, w, b, conv_param):
    out = None
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    dx, dw, db = None, None, None
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    out = None
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    dx = None
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    out, cache = None, None
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    dx, dgamma, dbeta = None, None, None
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    dx, dgamma, dbeta = None, None, None
    return dx, dgamma, dbeta
