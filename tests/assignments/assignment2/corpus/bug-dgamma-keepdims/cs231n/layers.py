from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """
    Forward pass for an affine layer.
    x: (N, d_1, ..., d_k) -> flattened to (N, D); w: (D, M); b: (M,)
    """
    out = x.reshape(x.shape[0], -1) @ w + b      # (N, M)
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    Backward pass for an affine layer.
    dout: (N, M) -> dx (N, d_1, ..., d_k), dw (D, M), db (M,)
    """
    x, w, b = cache
    dx = (dout @ w.T).reshape(x.shape)           # (N, d_1, ..., d_k)
    dw = x.reshape(x.shape[0], -1).T @ dout      # (D, M)
    db = dout.sum(axis=0)                        # (M,)
    return dx, dw, db


def relu_forward(x):
    """ReLU forward: elementwise max(0, x)."""
    out = np.maximum(0, x)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """ReLU backward."""
    x = cache
    dx = np.where(x > 0, dout, 0.0)
    return dx


def softmax_loss(x, y):
    """
    Softmax loss. x: (N, C), y: (N,) -> loss (scalar), dx (N, C)
    """
    N = x.shape[0]
    shifted = x - x.max(axis=1, keepdims=True)           # (N, C)
    log_z = np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (N, 1)
    log_probs = shifted - log_z
    loss = -log_probs[np.arange(N), y].mean()
    dx = np.exp(log_probs)
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """
    Forward pass for batch normalization.
    x: (N, D); gamma, beta: (D,); bn_param: mode, eps, momentum, running_mean, running_var
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        mean = x.mean(axis=0)                    # (D,)
        var = x.var(axis=0)                      # (D,)
        std = np.sqrt(var + eps)                 # (D,)
        x_hat = (x - mean) / std                 # (N, D)
        out = gamma * x_hat + beta               # (N, D)

        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var

        cache = {"x": x, "mean": mean, "std": std, "x_hat": x_hat, "gamma": gamma}
    elif mode == "test":
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    else:
        raise ValueError("batchnorm mode has to be 'train' or 'test' (got %s)" % mode)

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache


def batchnorm_backward(dout, cache):
    """
    Backward pass for batch normalization, node by node.
    dout: (N, D) -> dx (N, D), dgamma, dbeta
    """
    x, mean, std, x_hat, gamma = cache["x"], cache["mean"], cache["std"], cache["x_hat"], cache["gamma"]
    N = x.shape[0]

    # out = gamma * x_hat + beta
    dbeta = np.sum(dout, axis=0, keepdims=True)               # (1, D)
    dgamma = np.sum(dout * x_hat, axis=0, keepdims=True)      # (1, D)
    dx_hat = dout * gamma                                     # (N, D)

    # x_hat = xc / std
    xc = x - mean                                             # (N, D)
    dxc = dx_hat / std                                        # (N, D)
    dstd = -np.sum(dx_hat * xc, axis=0, keepdims=True) / std ** 2   # (1, D)

    # std = sqrt(var + eps)
    dvar = dstd / (2 * std)                                   # (1, D)

    # var = mean(xc ** 2)
    dxc = dxc + 2 * xc * dvar / N                             # (N, D)

    # xc = x - mean, mean = mean(x)
    dmean = -np.sum(dxc, axis=0, keepdims=True)               # (1, D)
    dx = dxc + dmean / N                                      # (N, D)

    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """
    Backward pass for batch normalization, simplified formula.
    """
    x_hat, std, gamma = cache["x_hat"], cache["std"], cache["gamma"]
    N = dout.shape[0]
    dbeta = np.sum(dout, axis=0, keepdims=True)               # (1, D)
    dgamma = np.sum(dout * x_hat, axis=0, keepdims=True)      # (1, D)
    dx = gamma / (N * std) * (N * dout - dbeta - x_hat * dgamma)   # (N, D)
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """
    Forward pass for layer normalization.
    x: (N, D); gamma, beta: (D,)
    """
    eps = ln_param.get("eps", 1e-5)
    mean = x.mean(axis=1, keepdims=True)         # (N, 1)
    var = x.var(axis=1, keepdims=True)           # (N, 1)
    std = np.sqrt(var + eps)                     # (N, 1)
    x_hat = (x - mean) / std                     # (N, D)
    out = gamma * x_hat + beta
    cache = {"x_hat": x_hat, "std": std, "gamma": gamma}
    return out, cache


def layernorm_backward(dout, cache):
    """
    Backward pass for layer normalization.
    """
    x_hat, std, gamma = cache["x_hat"], cache["std"], cache["gamma"]
    D = dout.shape[1]
    dbeta = dout.sum(axis=0)                     # (D,) like gamma and beta
    dgamma = (dout * x_hat).sum(axis=0)          # (D,)
    g = dout * gamma                             # (N, D)
    dx = (D * g - g.sum(axis=1, keepdims=True)
          - x_hat * (g * x_hat).sum(axis=1, keepdims=True)) / (D * std)
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """
    Inverted dropout forward; p = keep probability.
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
    """Naive convolution forward (not done yet)."""
    out = None
    pass
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """Naive convolution backward (not done yet)."""
    dx, dw, db = None, None, None
    pass
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """Naive max pooling forward (not done yet)."""
    out = None
    pass
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """Naive max pooling backward (not done yet)."""
    dx = None
    pass
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """Spatial batch normalization forward (not done yet)."""
    out, cache = None, None
    pass
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """Spatial batch normalization backward (not done yet)."""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """Spatial group normalization forward (not done yet)."""
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    pass
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """Spatial group normalization backward (not done yet)."""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta
