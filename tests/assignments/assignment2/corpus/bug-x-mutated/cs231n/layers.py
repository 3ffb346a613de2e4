from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """
    Affine layer forward: each example flattened, times w, plus b.
    x: (N, d_1, ..., d_k); w: (D, M); b: (M,)
    Returns out (N, M) and cache (x, w, b).
    """
    out = x.reshape(x.shape[0], -1).dot(w)
    out += b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    Backward pass for an affine layer. Returns dx (same shape as x), dw (D, M), db (M,).
    """
    x, w, b = cache
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T.dot(dout)
    db = dout.sum(axis=0)
    return dx, dw, db


def relu_forward(x):
    """ReLU forward."""
    out = x.copy()
    out[out < 0] = 0
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """ReLU backward."""
    x = cache
    dx = dout.copy()
    dx[x <= 0] = 0
    return dx


def softmax_loss(x, y):
    """
    Softmax loss and gradient. x: (N, C), y: (N,)
    """
    N = x.shape[0]
    probs = x - x.max(axis=1, keepdims=True)
    np.exp(probs, out=probs)
    probs /= probs.sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(N), y]).sum() / N
    dx = probs
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """
    Forward pass for batch normalization.
    x: (N, D), gamma: (D,), beta: (D,)
    bn_param: mode, eps, momentum, running_mean, running_var
    Returns out (N, D) and cache.
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        mean = x.mean(axis=0)
        x -= mean                    # center in place, saves a copy
        var = (x ** 2).mean(axis=0)
        std = np.sqrt(var + eps)
        x /= std                     # x is now x_hat
        out = gamma * x + beta

        running_mean *= momentum
        running_mean += (1 - momentum) * mean
        running_var *= momentum
        running_var += (1 - momentum) * var

        cache = (x, gamma, std)
    elif mode == "test":
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_hat + beta
    else:
        raise ValueError("batchnorm_forward: mode must be train/test, not " + str(mode))

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache


def batchnorm_backward(dout, cache):
    """
    Backward pass for batch normalization, following the graph.
    Returns dx (N, D), dgamma (D,), dbeta (D,).
    """
    x_hat, gamma, std = cache
    N = dout.shape[0]

    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)

    dx_hat = dout * gamma
    xc = x_hat * std               # x - mean, recovered from the cache

    # x_hat = xc / std
    dxc = dx_hat / std
    dstd = -(dx_hat * xc).sum(axis=0) / std ** 2
    # std = sqrt(var + eps)
    dvar = 0.5 * dstd / std
    # var = mean(xc ** 2)
    dxc += (2.0 / N) * xc * dvar
    # xc = x - mean
    dmean = -dxc.sum(axis=0)
    dx = dxc + dmean / N

    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """
    Backward pass for batch normalization, simplified on paper.
    """
    x_hat, gamma, std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = (1.0 / N) * gamma / std * (N * dout - dout.sum(axis=0) - x_hat * (dout * x_hat).sum(axis=0))
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """
    Forward pass for layer normalization (statistics per data point).
    x: (N, D), gamma: (D,), beta: (D,)
    """
    eps = ln_param.get("eps", 1e-5)
    x_hat = x - x.mean(axis=1, keepdims=True)
    std = np.sqrt((x_hat ** 2).mean(axis=1, keepdims=True) + eps)
    x_hat /= std                   # x_hat is our own array here
    out = gamma * x_hat + beta
    cache = (x_hat, gamma, std)
    return out, cache


def layernorm_backward(dout, cache):
    """
    Backward pass for layer normalization.
    """
    x_hat, gamma, std = cache
    D = dout.shape[1]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    dx = D * dx_hat
    dx -= dx_hat.sum(axis=1, keepdims=True)
    dx -= x_hat * (dx_hat * x_hat).sum(axis=1, keepdims=True)
    dx /= D * std
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """
    Inverted dropout forward; p is the probability of keeping a unit.
    """
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])

    mask = None
    out = None

    if mode == "train":
        mask = np.random.rand(*x.shape) < p
        out = x * mask
        out /= p
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
        dx = dout * mask / dropout_param["p"]
    elif mode == "test":
        dx = dout
    return dx


def conv_forward_naive(x, w, b, conv_param):
    """Naive convolution forward."""
    out = None
    pass
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """Naive convolution backward."""
    dx, dw, db = None, None, None
    pass
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """Naive max pooling forward."""
    out = None
    pass
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """Naive max pooling backward."""
    dx = None
    pass
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """Spatial batch normalization forward."""
    out, cache = None, None
    pass
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """Spatial batch normalization backward."""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """Spatial group normalization forward."""
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    pass
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """Spatial group normalization backward."""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta
