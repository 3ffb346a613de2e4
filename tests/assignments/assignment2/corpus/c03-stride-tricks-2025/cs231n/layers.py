from builtins import range
import numpy as np
from numpy.lib.stride_tricks import as_strided


def affine_forward(x, w, b):
    """x (N, d_1..d_k), w (D, M), b (M,) -> out (N, M), cache (x, w, b)"""
    out = None
    ###########################################################################
    # TODO: affine forward                                                    #
    ###########################################################################
    out = x.reshape(x.shape[0], -1) @ w + b
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """dout (N, M) -> dx (N, d_1..d_k), dw (D, M), db (M,)"""
    x, w, b = cache
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO: affine backward                                                   #
    ###########################################################################
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    db = dout.sum(axis=0)
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dw, db


def relu_forward(x):
    """elementwise ReLU"""
    out = None
    out = x * (x > 0)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """ReLU backward"""
    dx, x = None, cache
    dx = dout.copy()
    dx[x <= 0] = 0
    return dx


def softmax_loss(x, y):
    """x (N, C) scores, y (N,) -> (loss, dx)"""
    loss, dx = None, None
    N = len(y)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    loss = -np.log(p[range(N), y]).sum() / N
    p[range(N), y] -= 1.0
    dx = p / N
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """batch norm forward, x (N, D)"""
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        #######################################################################
        # TODO: training-time batch norm                                      #
        #######################################################################
        mean = x.sum(axis=0) / N
        var = ((x - mean) ** 2).sum(axis=0) / N
        sd = np.sqrt(var + eps)
        xn = (x - mean) / sd
        out = gamma * xn + beta
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
        cache = (xn, sd, gamma, x - mean)
        #######################################################################
        #                           END OF YOUR CODE                          #
        #######################################################################
    elif mode == "test":
        #######################################################################
        # TODO: test-time batch norm                                          #
        #######################################################################
        out = gamma * ((x - running_mean) / np.sqrt(running_var + eps)) + beta
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache


def batchnorm_backward(dout, cache):
    """staged chain rule"""
    dx, dgamma, dbeta = None, None, None
    xn, sd, gamma, xc = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (xn * dout).sum(axis=0)
    dxn = gamma * dout
    d_sigma2 = -0.5 * (dxn * xc).sum(axis=0) / sd ** 3
    d_mu = -(dxn / sd).sum(axis=0) - 2.0 * d_sigma2 * xc.sum(axis=0) / N
    dx = dxn / sd + 2.0 * d_sigma2 * xc / N + d_mu / N
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """closed form"""
    dx, dgamma, dbeta = None, None, None
    xn, sd, gamma, xc = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (xn * dout).sum(axis=0)
    dx = gamma / sd / N * (N * dout - dbeta - xn * dgamma)
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """layer norm forward, x (N, D), statistics per row"""
    out, cache = None, None
    eps = ln_param.get("eps", 1e-5)
    # same as batch norm on the transpose
    xt = x.T
    mean = xt.mean(axis=0)
    var = xt.var(axis=0)
    sd = np.sqrt(var + eps)
    xn = ((xt - mean) / sd).T
    out = gamma * xn + beta
    cache = (xn, sd, gamma)
    return out, cache


def layernorm_backward(dout, cache):
    """layer norm backward"""
    dx, dgamma, dbeta = None, None, None
    xn, sd, gamma = cache
    D = dout.shape[1]
    dbeta = dout.sum(axis=0)
    dgamma = (xn * dout).sum(axis=0)
    dxn = (gamma * dout).T                  # (D, N)
    xnt = xn.T
    dx = (D * dxn - dxn.sum(axis=0) - xnt * (dxn * xnt).sum(axis=0)) / (D * sd)
    dx = dx.T
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """inverted dropout; p = probability to keep"""
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])

    mask = None
    out = None

    if mode == "train":
        #######################################################################
        # TODO: training-time dropout                                         #
        #######################################################################
        mask = np.where(np.random.random_sample(x.shape) < p, 1.0 / p, 0.0)
        out = x * mask
        #######################################################################
        #                           END OF YOUR CODE                          #
        #######################################################################
    elif mode == "test":
        #######################################################################
        # TODO: test-time dropout                                             #
        #######################################################################
        out = x
        #######################################################################
        #                            END OF YOUR CODE                         #
        #######################################################################

    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)

    return out, cache


def dropout_backward(dout, cache):
    """dropout backward"""
    dropout_param, mask = cache
    mode = dropout_param["mode"]

    dx = None
    if mode == "train":
        #######################################################################
        # TODO: training-time dropout backward                                #
        #######################################################################
        dx = dout * mask
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################
    elif mode == "test":
        dx = dout
    return dx


def _windows(a, hh, ww, stride):
    """View of all (hh, ww) windows of a (N, C, H, W) array: (N, C, Ho, Wo, hh, ww)."""
    N, C, H, W = a.shape
    Ho = (H - hh) // stride + 1
    Wo = (W - ww) // stride + 1
    sN, sC, sH, sW = a.strides
    return as_strided(a, shape=(N, C, Ho, Wo, hh, ww),
                      strides=(sN, sC, sH * stride, sW * stride, sH, sW), writeable=False)


def conv_forward_naive(x, w, b, conv_param):
    """x (N, C, H, W), w (F, C, HH, WW), b (F,) -> out (N, F, Ho, Wo), cache (x, w, b, conv_param)"""
    out = None
    ###########################################################################
    # TODO: conv forward                                                      #
    ###########################################################################
    stride, pad = conv_param["stride"], conv_param["pad"]
    F, C, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = _windows(np.ascontiguousarray(xp), HH, WW, stride)    # N, C, Ho, Wo, HH, WW
    out = np.tensordot(win, w, axes=([1, 4, 5], [1, 2, 3]))      # N, Ho, Wo, F
    out = out.transpose(0, 3, 1, 2) + b.reshape(1, F, 1, 1)
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """dout (N, F, Ho, Wo) -> dx (N, C, H, W), dw (F, C, HH, WW), db (F,)"""
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO: conv backward                                                     #
    ###########################################################################
    x, w, b, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, Ho, Wo = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp = np.zeros(xp.shape)
    dw = np.zeros(w.shape)
    db = dout.sum(axis=(0, 2, 3))
    # loop over the kernel offsets instead of the output positions
    for k in range(HH):
        for l in range(WW):
            xs = xp[:, :, k:k + stride * (Ho - 1) + 1:stride, l:l + stride * (Wo - 1) + 1:stride]
            dw[:, :, k, l] = np.tensordot(dout, xs, axes=([0, 2, 3], [0, 2, 3]))
            dxp[:, :, k:k + stride * (Ho - 1) + 1:stride, l:l + stride * (Wo - 1) + 1:stride] += \
                np.tensordot(dout, w[:, :, k, l], axes=([1], [0])).transpose(0, 3, 1, 2)
    dx = dxp[:, :, pad:pad + H, pad:pad + W]
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """x (N, C, H, W) -> out (N, C, Ho, Wo), cache (x, pool_param)"""
    out = None
    ###########################################################################
    # TODO: max pool forward                                                  #
    ###########################################################################
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    out = _windows(np.ascontiguousarray(x), ph, pw, stride).max(axis=(4, 5))
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """dout (N, C, Ho, Wo) -> dx (N, C, H, W)"""
    dx = None
    ###########################################################################
    # TODO: max pool backward                                                 #
    ###########################################################################
    x, pool_param = cache
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, Ho, Wo = dout.shape
    win = _windows(np.ascontiguousarray(x), ph, pw, stride).reshape(N, C, Ho, Wo, ph * pw)
    arg = win.argmax(axis=-1)
    rows = np.arange(Ho)[None, None, :, None] * stride + arg // pw
    cols = np.arange(Wo)[None, None, None, :] * stride + arg % pw
    n_idx = np.arange(N)[:, None, None, None]
    c_idx = np.arange(C)[None, :, None, None]
    dx = np.zeros(x.shape)
    np.add.at(dx, (n_idx, c_idx, rows, cols), dout)
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """x (N, C, H, W), gamma/beta (C,) -> out, cache; written directly over axes (0, 2, 3)"""
    out, cache = None, None
    ###########################################################################
    # TODO: spatial batch norm forward                                        #
    ###########################################################################
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    C = x.shape[1]
    running_mean = bn_param.get("running_mean", np.zeros(C, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(C, dtype=x.dtype))
    g = gamma.reshape(1, C, 1, 1)
    bt = beta.reshape(1, C, 1, 1)
    if mode == "train":
        mean = x.mean(axis=(0, 2, 3), keepdims=True)
        var = x.var(axis=(0, 2, 3), keepdims=True)
        sd = np.sqrt(var + eps)
        xn = (x - mean) / sd
        out = g * xn + bt
        bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * mean.ravel()
        bn_param["running_var"] = momentum * running_var + (1 - momentum) * var.ravel()
        cache = (xn, sd, g)
    elif mode == "test":
        out = g * (x - running_mean.reshape(1, C, 1, 1)) / np.sqrt(running_var.reshape(1, C, 1, 1) + eps) + bt
    else:
        raise ValueError(mode)
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """dout (N, C, H, W) -> dx, dgamma (C,), dbeta (C,)"""
    dx, dgamma, dbeta = None, None, None
    ###########################################################################
    # TODO: spatial batch norm backward                                       #
    ###########################################################################
    xn, sd, g = cache
    m = dout.shape[0] * dout.shape[2] * dout.shape[3]
    dbeta = dout.sum(axis=(0, 2, 3))
    dgamma = (dout * xn).sum(axis=(0, 2, 3))
    dxn = dout * g
    dx = (m * dxn - dxn.sum(axis=(0, 2, 3), keepdims=True)
          - xn * (dxn * xn).sum(axis=(0, 2, 3), keepdims=True)) / (m * sd)
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """x (N, C, H, W), gamma/beta (1, C, 1, 1), G groups -> out, cache"""
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    ###########################################################################
    # TODO: spatial group norm forward                                        #
    ###########################################################################
    N, C, H, W = x.shape
    xg = x.reshape(N, G, -1)
    mean = xg.mean(axis=2, keepdims=True)
    var = xg.var(axis=2, keepdims=True)
    sd = np.sqrt(var + eps)
    xn = ((xg - mean) / sd).reshape(x.shape)
    out = xn * gamma + beta
    cache = (xn, sd, gamma, G)
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """dout (N, C, H, W) -> dx, dgamma (1, C, 1, 1), dbeta (1, C, 1, 1)"""
    dx, dgamma, dbeta = None, None, None
    ###########################################################################
    # TODO: spatial group norm backward                                       #
    ###########################################################################
    xn, sd, gamma, G = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=(0, 2, 3), keepdims=True)
    dgamma = (dout * xn).sum(axis=(0, 2, 3), keepdims=True)
    dxn = (dout * gamma).reshape(N, G, -1)
    xng = xn.reshape(N, G, -1)
    m = dxn.shape[2]
    # staged: through the variance, then through the mean
    dvar = (dxn * xng).sum(axis=2, keepdims=True) * (-0.5) / sd ** 2
    dxc = dxn / sd + dvar * 2.0 * xng * sd / m
    dx = (dxc - dxc.mean(axis=2, keepdims=True)).reshape(dout.shape)
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dgamma, dbeta
