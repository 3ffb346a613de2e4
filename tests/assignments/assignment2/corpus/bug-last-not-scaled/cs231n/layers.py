from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """Fully connected forward. x (N, ...) is flattened to (N, D); out = x w + b, shape (N, M)."""
    out = np.reshape(x, (len(x), -1)) @ w + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """Fully connected backward: dx (shape of x), dw (D, M), db (M,)."""
    x, w, b = cache
    x2 = np.reshape(x, (len(x), -1))
    dx = np.reshape(dout @ w.T, x.shape)
    dw = x2.T @ dout
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    """ReLU forward."""
    out = np.maximum(0, x)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """ReLU backward."""
    x = cache
    dx = dout * np.greater(x, 0)
    return dx


def softmax_loss(x, y):
    """Softmax cross-entropy averaged over the batch; returns (loss, dx)."""
    N = len(y)
    shifted = x - np.max(x, axis=1, keepdims=True)
    exps = np.exp(shifted)
    sums = np.sum(exps, axis=1)
    loss = np.mean(np.log(sums) - shifted[np.arange(N), y])
    dx = exps / sums[:, None]
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """
    Batch norm forward.

    x: (N, D); gamma, beta: (D,)
    bn_param keys: mode, eps, momentum, running_mean, running_var
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        batch_mean = np.mean(x, axis=0)
        centered = x - batch_mean
        batch_var = np.mean(centered * centered, axis=0)
        denom = np.sqrt(batch_var + eps)
        normalized = centered / denom
        out = gamma * normalized + beta

        running_mean = momentum * running_mean + (1 - momentum) * batch_mean
        running_var = momentum * running_var + (1 - momentum) * batch_var
        # keep the last batch statistics around for debugging
        bn_param["last_batch_mean"] = batch_mean
        bn_param["last_batch_var"] = batch_var

        cache = {
            "centered": centered,
            "denom": denom,
            "normalized": normalized,
            "gamma": gamma,
        }
    elif mode == "test":
        normalized = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * normalized + beta
    else:
        raise ValueError(f"bad batchnorm mode {mode!r}")

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache


def batchnorm_backward(dout, cache):
    """
    Batch norm backward through the computation graph.
    Returns dx (N, D), dgamma (D,), dbeta (D,).
    """
    centered, denom = cache["centered"], cache["denom"]
    normalized, gamma = cache["normalized"], cache["gamma"]
    N = dout.shape[0]

    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * normalized, axis=0)
    dnormalized = dout * gamma

    # normalized = centered / denom
    dcentered = dnormalized / denom
    ddenom = -np.sum(dnormalized * centered, axis=0) / denom ** 2
    # denom = sqrt(var + eps)
    dvar = ddenom / (2.0 * denom)
    # var = mean(centered * centered)
    dcentered = dcentered + (2.0 / N) * centered * dvar
    # centered = x - mean, mean = mean(x)
    dmean = -np.sum(dcentered, axis=0)
    dx = dcentered + np.ones_like(dcentered) * dmean / N

    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """
    Batch norm backward, simplified.
    """
    denom, normalized, gamma = cache["denom"], cache["normalized"], cache["gamma"]
    N = dout.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * normalized, axis=0)
    # both sums are already in dbeta and dgamma
    dx = gamma / (N * denom) * (N * dout - dbeta - normalized * dgamma)
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """
    Layer norm forward: every row of x (N, D) is normalized with its own statistics.
    """
    eps = ln_param.get("eps", 1e-5)
    centered = x - np.mean(x, axis=1, keepdims=True)
    denom = np.sqrt(np.mean(centered * centered, axis=1, keepdims=True) + eps)
    normalized = centered / denom
    out = gamma * normalized + beta
    cache = {"denom": denom, "normalized": normalized, "gamma": gamma}
    return out, cache


def layernorm_backward(dout, cache):
    """
    Layer norm backward.
    """
    denom, normalized, gamma = cache["denom"], cache["normalized"], cache["gamma"]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * normalized, axis=0)
    dnormalized = dout * gamma
    dx = (dnormalized - np.mean(dnormalized, axis=1, keepdims=True)
          - normalized * np.mean(dnormalized * normalized, axis=1, keepdims=True)) / denom
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """Inverted dropout forward (p = keep probability)."""
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
    """Naive max-pool forward."""
    out = None
    pass
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """Naive max-pool backward."""
    dx = None
    pass
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """Spatial batch norm forward."""
    out, cache = None, None
    pass
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """Spatial batch norm backward."""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """Spatial group norm forward."""
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    pass
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """Spatial group norm backward."""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta
