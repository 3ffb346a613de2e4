"""Forward and backward passes of the layers used in this assignment.

Every ``*_forward`` function returns ``(out, cache)``; the matching ``*_backward``
function takes the upstream gradient ``dout`` and that cache, and returns the
gradients with respect to the forward inputs, in the order of those inputs.
"""

import numpy as np


# ---------------------------------------------------------------------------
# my helpers
# ---------------------------------------------------------------------------

def _flatten(x):
    """(N, d1, ..., dk) -> (N, d1 * ... * dk)"""
    return x.reshape(x.shape[0], -1)


def _log_softmax(scores):
    """Row-wise log of the softmax, computed stably. scores: (N, C)."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _moments(x, axis):
    """Mean and biased (1/n) variance along axis, kept broadcastable."""
    mean = x.mean(axis=axis, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axis, keepdims=True)
    return mean, var


def _closed_form_dx(dxhat, xhat, inv_std, axis):
    """dL/dx for xhat = (x - mean) * inv_std, with the statistics taken along axis.

    dxhat, xhat: same shape; inv_std broadcastable against them.
    """
    n = dxhat.shape[axis]
    return inv_std / n * (n * dxhat - dxhat.sum(axis=axis, keepdims=True)
                          - xhat * (dxhat * xhat).sum(axis=axis, keepdims=True))



def affine_forward(x, w, b):
    """Fully connected (affine) layer, forward pass.

    Each example is flattened into a row vector of D = d_1 * ... * d_k numbers.

    Inputs:
    - x: array of shape (N, d_1, ..., d_k), a minibatch of N examples
    - w: weights, shape (D, M)
    - b: biases, shape (M,)

    Returns a tuple of:
    - out: shape (N, M), equal to x_flat @ w + b
    - cache: what the backward pass needs, (x, w, b)
    """
    out = None
    out = _flatten(x) @ w + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """Fully connected (affine) layer, backward pass.

    Inputs:
    - dout: upstream gradient, shape (N, M)
    - cache: (x, w, b) from affine_forward, x of shape (N, d_1, ..., d_k)

    Returns a tuple of:
    - dx: gradient w.r.t. x, shape (N, d_1, ..., d_k)
    - dw: gradient w.r.t. w, shape (D, M)
    - db: gradient w.r.t. b, shape (M,)
    """
    x, w, b = cache
    dx, dw, db = None, None, None
    dx = (dout @ w.T).reshape(x.shape)
    dw = _flatten(x).T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db


def relu_forward(x):
    """Rectified linear unit, forward pass.

    Inputs:
    - x: array of any shape

    Returns a tuple of:
    - out: max(0, x), same shape as x
    - cache: x
    """
    out = None
    out = np.maximum(0, x)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """Rectified linear unit, backward pass.

    Inputs:
    - dout: upstream gradient, any shape
    - cache: the input x of relu_forward, same shape as dout

    Returns:
    - dx: gradient w.r.t. x, same shape as dout
    """
    dx, x = None, cache
    dx = dout * (x > 0)
    return dx


def softmax_loss(x, y):
    """Softmax classifier: mean cross-entropy loss and its gradient.

    Inputs:
    - x: class scores, shape (N, C); x[i, j] is the score of class j for example i
    - y: correct labels, shape (N,), each an integer in [0, C)

    Returns a tuple of:
    - loss: the mean negative log-probability of the correct classes (a scalar)
    - dx: gradient of the loss w.r.t. x, shape (N, C)
    """
    loss, dx = None, None
    N = x.shape[0]
    logp = _log_softmax(x)
    loss = -logp[np.arange(N), y].mean()
    dx = np.exp(logp)
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch normalization, forward pass.

    In train mode each feature is normalized with the mean and the (biased, 1/N)
    variance of the current minibatch, then scaled by gamma and shifted by beta.
    Exponential running averages of the batch statistics are kept,

        running_mean = momentum * running_mean + (1 - momentum) * batch_mean
        running_var  = momentum * running_var  + (1 - momentum) * batch_var

    and test mode normalizes with them instead of the batch statistics.

    Inputs:
    - x: data, shape (N, D)
    - gamma: scale, shape (D,)
    - beta: shift, shape (D,)
    - bn_param: dict with
      - mode: 'train' or 'test' (required)
      - eps: added to the variance for numerical stability (default 1e-5)
      - momentum: weight of the old running average (default 0.9)
      - running_mean, running_var: shape (D,); zeros of x's dtype when absent.
        The updated values are stored back into bn_param.

    Returns a tuple of:
    - out: shape (N, D)
    - cache: what batchnorm_backward and batchnorm_backward_alt need
    """
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
        mean, var = _moments(x, axis=0)           # both (1, D)
        inv_std = 1.0 / np.sqrt(var + eps)
        xhat = (x - mean) * inv_std
        out = gamma * xhat + beta
        running_mean = momentum * running_mean + (1 - momentum) * mean[0]
        running_var = momentum * running_var + (1 - momentum) * var[0]
        cache = (x, mean, var, eps, xhat, inv_std, gamma)
    else:
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    """Batch normalization, backward pass along the computation graph.

    Inputs:
    - dout: upstream gradient, shape (N, D)
    - cache: from batchnorm_forward in train mode

    Returns a tuple of:
    - dx: gradient w.r.t. x, shape (N, D)
    - dgamma: gradient w.r.t. gamma, shape (D,)
    - dbeta: gradient w.r.t. beta, shape (D,)
    """
    dx, dgamma, dbeta = None, None, None
    x, mean, var, eps, xhat, inv_std, gamma = cache
    N = x.shape[0]
    xc = x - mean

    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    # xhat = xc * inv_std
    dinv = (dxhat * xc).sum(axis=0, keepdims=True)
    dxc = dxhat * inv_std
    # inv_std = 1 / s with s = sqrt(var + eps): d(1/s) = -ds / s^2
    dsqrt = -dinv * inv_std ** 2
    # s = sqrt(var + eps): ds = dvar / (2 s)
    dvar = dsqrt * 0.5 * inv_std
    # var = mean(xc ** 2)
    dxc += 2.0 * xc * dvar / N
    # xc = x - mean
    dmean = -dxc.sum(axis=0, keepdims=True)
    dx = dxc + dmean / N
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """Batch normalization, backward pass in simplified closed form.

    Same inputs and outputs as batchnorm_backward (and the same cache), but the
    gradient w.r.t. x is computed from a formula derived on paper, which needs far
    fewer passes over the data:

        dx = gamma / (N * sigma) * (N * dout - sum_i dout_i - xhat * sum_i dout_i * xhat_i)

    Inputs:
    - dout: upstream gradient, shape (N, D)
    - cache: from batchnorm_forward in train mode

    Returns a tuple of:
    - dx: shape (N, D)
    - dgamma: shape (D,)
    - dbeta: shape (D,)
    """
    dx, dgamma, dbeta = None, None, None
    x, mean, var, eps, xhat, inv_std, gamma = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dx = _closed_form_dx(dout * gamma, xhat, inv_std, axis=0)
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """Layer normalization, forward pass.

    Each data point (row) is normalized with the mean and (1/D) variance of its own
    D features, then scaled by gamma and shifted by beta. There are no running
    statistics: train and test time behave the same.

    Inputs:
    - x: data, shape (N, D)
    - gamma: scale, shape (D,)
    - beta: shift, shape (D,)
    - ln_param: dict; key 'eps' (default 1e-5)

    Returns a tuple of:
    - out: shape (N, D)
    - cache: what layernorm_backward needs
    """
    out, cache = None, None
    eps = ln_param.get("eps", 1e-5)
    mean, var = _moments(x, axis=1)           # both (N, 1)
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x - mean) * inv_std
    out = gamma * xhat + beta
    cache = (xhat, inv_std, gamma)
    return out, cache


def layernorm_backward(dout, cache):
    """Layer normalization, backward pass.

    Inputs:
    - dout: upstream gradient, shape (N, D)
    - cache: from layernorm_forward

    Returns a tuple of:
    - dx: shape (N, D)
    - dgamma: shape (D,)
    - dbeta: shape (D,)
    """
    dx, dgamma, dbeta = None, None, None
    xhat, inv_std, gamma = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dx = _closed_form_dx(dout * gamma, xhat, inv_std, axis=1)
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """Inverted dropout, forward pass.

    In train mode each unit is kept with probability p and zeroed otherwise; kept
    units are divided by p so that the expected output equals x. Test mode is the
    identity.

    Inputs:
    - x: data of any shape
    - dropout_param: dict with
      - p: probability of KEEPING each unit
      - mode: 'train' or 'test'
      - seed: optional; when given, the mask is drawn after np.random.seed(seed),
        which makes the pass deterministic (for gradient checking)

    Returns a tuple of:
    - out: same shape and dtype as x
    - cache: (dropout_param, mask); mask is None in test mode
    """
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])

    mask, out = None, None
    if mode == "train":
        pass
    elif mode == "test":
        pass

    cache = (dropout_param, mask)
    return out, cache


def dropout_backward(dout, cache):
    """Inverted dropout, backward pass.

    Inputs:
    - dout: upstream gradient, any shape
    - cache: (dropout_param, mask) from dropout_forward

    Returns:
    - dx: same shape as dout
    """
    dropout_param, mask = cache
    mode = dropout_param["mode"]

    dx = None
    if mode == "train":
        pass
    elif mode == "test":
        dx = dout
    return dx


def conv_forward_naive(x, w, b, conv_param):
    """Convolutional layer, forward pass (a plain loop version).

    Inputs:
    - x: data, shape (N, C, H, W)
    - w: filters, shape (F, C, HH, WW)
    - b: biases, shape (F,)
    - conv_param: dict with
      - stride: step between neighbouring receptive fields, both directions
      - pad: zeros added on every side of the height and width axes

    Returns a tuple of:
    - out: shape (N, F, H', W'), where
      H' = 1 + (H + 2 * pad - HH) // stride and W' = 1 + (W + 2 * pad - WW) // stride
    - cache: (x, w, b, conv_param)
    """
    out = None
    pass
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """Convolutional layer, backward pass (a plain loop version).

    Inputs:
    - dout: upstream gradient, shape (N, F, H', W')
    - cache: (x, w, b, conv_param) from conv_forward_naive

    Returns a tuple of:
    - dx: shape (N, C, H, W)
    - dw: shape (F, C, HH, WW)
    - db: shape (F,)
    """
    dx, dw, db = None, None, None
    pass
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """Max-pooling layer, forward pass (a plain loop version). No padding.

    Inputs:
    - x: data, shape (N, C, H, W)
    - pool_param: dict with 'pool_height', 'pool_width' and 'stride'

    Returns a tuple of:
    - out: shape (N, C, H', W'), where H' = 1 + (H - pool_height) // stride and
      W' = 1 + (W - pool_width) // stride
    - cache: (x, pool_param)
    """
    out = None
    pass
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """Max-pooling layer, backward pass (a plain loop version).

    Inputs:
    - dout: upstream gradient, shape (N, C, H', W')
    - cache: (x, pool_param) from max_pool_forward_naive

    Returns:
    - dx: shape (N, C, H, W)
    """
    dx = None
    pass
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """Spatial batch normalization, forward pass.

    Statistics are taken per channel over the batch and both spatial axes.

    Inputs:
    - x: data, shape (N, C, H, W)
    - gamma: scale, shape (C,)
    - beta: shift, shape (C,)
    - bn_param: as for batchnorm_forward

    Returns a tuple of:
    - out: shape (N, C, H, W)
    - cache: what spatial_batchnorm_backward needs
    """
    out, cache = None, None
    pass
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """Spatial batch normalization, backward pass.

    Inputs:
    - dout: upstream gradient, shape (N, C, H, W)
    - cache: from spatial_batchnorm_forward

    Returns a tuple of:
    - dx: shape (N, C, H, W)
    - dgamma: shape (C,)
    - dbeta: shape (C,)
    """
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """Spatial group normalization, forward pass.

    The C channels of each data point are split into G groups of C // G
    consecutive channels; each group is normalized with its own mean and (1/n)
    variance over its channels and both spatial axes.

    Inputs:
    - x: data, shape (N, C, H, W)
    - gamma: scale, shape (1, C, 1, 1)
    - beta: shift, shape (1, C, 1, 1)
    - G: number of groups; divides C
    - gn_param: dict; key 'eps' (default 1e-5)

    Returns a tuple of:
    - out: shape (N, C, H, W)
    - cache: what spatial_groupnorm_backward needs
    """
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    pass
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """Spatial group normalization, backward pass.

    Inputs:
    - dout: upstream gradient, shape (N, C, H, W)
    - cache: from spatial_groupnorm_forward

    Returns a tuple of:
    - dx: shape (N, C, H, W)
    - dgamma: shape (1, C, 1, 1)
    - dbeta: shape (1, C, 1, 1)
    """
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta
