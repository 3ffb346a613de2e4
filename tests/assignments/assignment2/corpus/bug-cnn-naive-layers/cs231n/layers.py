from builtins import range
import numpy as np



def affine_forward(x, w, b):
    """out = x.reshape(N, D) @ w + b.   x (N, d1..dk), w (D, M), b (M,) -> out (N, M)"""
    out = None
    out = np.einsum('nd,dm->nm', x.reshape(len(x), -1), w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """dout (N, M) -> dx (N, d1..dk), dw (D, M), db (M,)"""
    x, w, b = cache
    dx, dw, db = None, None, None
    x2 = x.reshape(len(x), -1)
    dw = np.einsum('nd,nm->dm', x2, dout)
    dx = np.einsum('nm,dm->nd', dout, w).reshape(x.shape)
    db = dout.sum(0)
    return dx, dw, db


def relu_forward(x):
    """max(x, 0) elementwise"""
    out = None
    out = np.where(x > 0, x, 0)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """gradient flows only where x > 0"""
    dx, x = None, cache
    dx = np.where(x > 0, dout, 0)
    return dx


def softmax_loss(x, y):
    """mean cross-entropy of softmax(x) against y; x (N, C), y (N,) -> loss, dx (N, C)"""
    loss, dx = None, None
    n = x.shape[0]
    z = x - x.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    loss = -log_p[np.arange(n), y].mean()
    dx = np.exp(log_p)
    dx[np.arange(n), y] -= 1
    dx = dx / n
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """batch norm on x (N, D); gamma, beta (D,); bn_param: mode, eps, momentum, running stats"""
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
        out = xhat * gamma + beta
        running_mean = momentum * running_mean + (1.0 - momentum) * mu
        running_var = momentum * running_var + (1.0 - momentum) * var
        cache = {'x': x, 'mu': mu, 'var': var, 'eps': eps, 'gamma': gamma,
                 'xhat': xhat, 'inv_std': inv_std}
    elif mode == "test":
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache


def batchnorm_backward(dout, cache):
    """staged backward: dout (N, D) -> dx, dgamma (D,), dbeta (D,)"""
    dx, dgamma, dbeta = None, None, None
    x, mu, var, eps, gamma = cache['x'], cache['mu'], cache['var'], cache['eps'], cache['gamma']
    N = x.shape[0]
    xmu = x - mu
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * cache['xhat'], axis=0)
    dxhat = dout * gamma
    dvar = np.sum(dxhat * xmu, axis=0) * -0.5 * (var + eps) ** -1.5
    dmu = -np.sum(dxhat, axis=0) / np.sqrt(var + eps) + dvar * np.mean(-2.0 * xmu, axis=0)
    dx = dxhat / np.sqrt(var + eps) + dvar * 2.0 * xmu / N + dmu / N
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """closed-form backward, same cache and outputs as batchnorm_backward"""
    dx, dgamma, dbeta = None, None, None
    xhat, inv_std, gamma = cache['xhat'], cache['inv_std'], cache['gamma']
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * xhat, axis=0)
    dx = gamma * inv_std * (dout - dout.mean(axis=0) - xhat * (dout * xhat).mean(axis=0))
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """layer norm: every row of x (N, D) normalised over its features"""
    out, cache = None, None
    eps = ln_param.get("eps", 1e-5)
    mu = x.mean(axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(x.var(axis=1, keepdims=True) + eps)
    xhat = (x - mu) * inv_std
    out = xhat * gamma + beta
    cache = {'xhat': xhat, 'inv_std': inv_std, 'gamma': gamma}
    return out, cache


def layernorm_backward(dout, cache):
    """dout (N, D) -> dx (N, D), dgamma (D,), dbeta (D,)"""
    dx, dgamma, dbeta = None, None, None
    xhat, inv_std, gamma = cache['xhat'], cache['inv_std'], cache['gamma']
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=1, keepdims=True)
                    - xhat * (g * xhat).mean(axis=1, keepdims=True))
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """
    Inverted dropout. dropout_param: p = probability of keeping each unit,
    mode = 'train' or 'test', seed (optional).
    Returns out (like x) and cache = (dropout_param, mask).
    """
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])

    mask = None
    out = None

    if mode == "train":
        #######################################################################
        # TODO: training phase forward pass for inverted dropout              #
        #######################################################################
        u = np.random.rand(*x.shape)
        mask = np.zeros_like(u)
        mask[u < p] = 1.0 / p
        out = x * mask
        #######################################################################
        #                           END OF YOUR CODE                          #
        #######################################################################
    elif mode == "test":
        #######################################################################
        # TODO: test phase forward pass for inverted dropout                  #
        #######################################################################
        out = np.copy(x)
        #######################################################################
        #                            END OF YOUR CODE                         #
        #######################################################################

    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)

    return out, cache


def dropout_backward(dout, cache):
    """
    Backward pass of inverted dropout: dout, cache -> dx
    """
    dropout_param, mask = cache
    mode = dropout_param["mode"]

    dx = None
    if mode == "train":
        #######################################################################
        # TODO: training phase backward pass for inverted dropout             #
        #######################################################################
        dx = np.multiply(dout, mask)
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################
    elif mode == "test":
        dx = dout
    return dx


def conv_forward_naive(x, w, b, conv_param):
    """
    Naive conv layer.
    x: (N, C, H, W); w: (F, C, HH, WW); b: (F,); conv_param: stride, pad
    out: (N, F, 1 + (H + 2*pad - HH) // stride, 1 + (W + 2*pad - WW) // stride)
    cache: (x, w, b, conv_param)
    """
    out = None
    ###########################################################################
    # TODO: Implement the convolutional forward pass.                         #
    ###########################################################################
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    stride = conv_param['stride']
    pad = conv_param['pad']
    Hn = int(1 + (H + 2 * pad - HH) / stride)
    Wn = int(1 + (W + 2 * pad - WW) / stride)
    xpad = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    xpad[:, :, pad:pad + H, pad:pad + W] = x
    out = np.zeros((N, F, Hn, Wn))
    for n in range(N):
        for i in range(Hn):
            for j in range(Wn):
                field = xpad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                # all F filters at once
                out[n, :, i, j] = np.sum(w * field, axis=(1, 2, 3)) + b
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """
    Naive conv backward: dout (N, F, H', W') -> dx, dw, db
    """
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO: Implement the convolutional backward pass.                        #
    ###########################################################################
    x, w, b, conv_param = cache
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    stride = conv_param['stride']
    pad = conv_param['pad']
    Hn, Wn = dout.shape[2], dout.shape[3]
    xpad = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    xpad[:, :, pad:pad + H, pad:pad + W] = x
    dxpad = np.zeros_like(xpad)
    dw = np.zeros_like(w)
    db = np.sum(dout, axis=(0, 2, 3))
    for n in range(N):
        for i in range(Hn):
            for j in range(Wn):
                field = xpad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                g = dout[n, :, i, j]                       # (F,)
                dw += g[:, None, None, None] * field[None]
                dxpad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += \
                    np.sum(g[:, None, None, None] * w, axis=0)
    dx = dxpad[:, :, pad:pad + H, pad:pad + W]
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """
    Naive max pooling. x: (N, C, H, W); pool_param: pool_height, pool_width, stride
    out: (N, C, H', W'); cache: (x, pool_param)
    """
    out = None
    ###########################################################################
    # TODO: Implement the max-pooling forward pass                            #
    ###########################################################################
    N, C, H, W = x.shape
    HP, WP = pool_param['pool_height'], pool_param['pool_width']
    S = pool_param['stride']
    Hn = int(1 + (H - HP) / S)
    Wn = int(1 + (W - WP) / S)
    out = np.zeros((N, C, Hn, Wn))
    for i in range(Hn):
        for j in range(Wn):
            out[:, :, i, j] = np.amax(x[:, :, i * S:i * S + HP, j * S:j * S + WP], axis=(-1, -2))
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """
    Naive max pooling backward: dout (N, C, H', W') -> dx (N, C, H, W).
    If a window has several equal maxima the gradient is split between them.
    """
    dx = None
    ###########################################################################
    # TODO: Implement the max-pooling backward pass                           #
    ###########################################################################
    x, pool_param = cache
    N, C, H, W = x.shape
    HP, WP = pool_param['pool_height'], pool_param['pool_width']
    S = pool_param['stride']
    Hn, Wn = dout.shape[2], dout.shape[3]
    dx = np.zeros_like(x)
    for i in range(Hn):
        for j in range(Wn):
            win = x[:, :, i * S:i * S + HP, j * S:j * S + WP]
            m = np.amax(win, axis=(2, 3), keepdims=True)
            hit = (win == m).astype(x.dtype)
            hit /= hit.sum(axis=(2, 3), keepdims=True)
            dx[:, :, i * S:i * S + HP, j * S:j * S + WP] += hit * dout[:, :, i, j][:, :, None, None]
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """
    Spatial batch norm. x: (N, C, H, W); gamma, beta: (C,); bn_param as for batchnorm.
    Returns out (N, C, H, W), cache.
    """
    out, cache = None, None
    ###########################################################################
    # TODO: Implement the forward pass for spatial batch normalization.       #
    ###########################################################################
    N, C, H, W = x.shape
    # (C, N*H*W) then transposed -> one row per pixel, one column per channel
    cols = x.transpose(1, 0, 2, 3).reshape(C, -1).T
    y, cache = batchnorm_forward(cols, gamma, beta, bn_param)
    out = y.T.reshape(C, N, H, W).transpose(1, 0, 2, 3)
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """
    Spatial batch norm backward: dout (N, C, H, W) -> dx, dgamma (C,), dbeta (C,)
    """
    dx, dgamma, dbeta = None, None, None
    ###########################################################################
    # TODO: Implement the backward pass for spatial batch normalization.      #
    ###########################################################################
    N, C, H, W = dout.shape
    dcols = dout.transpose(1, 0, 2, 3).reshape(C, -1).T
    dy, dgamma, dbeta = batchnorm_backward_alt(dcols, cache)
    dx = dy.T.reshape(C, N, H, W).transpose(1, 0, 2, 3)
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """
    Spatial group norm. x: (N, C, H, W); gamma, beta: (1, C, 1, 1); G groups.
    Returns out (N, C, H, W), cache.
    """
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    ###########################################################################
    # TODO: Implement the forward pass for spatial group normalization.       #
    ###########################################################################
    N, C, H, W = x.shape
    x5 = x.reshape(N, G, C // G, H, W)
    mean = np.mean(x5, axis=(2, 3, 4), keepdims=True)
    var = np.mean((x5 - mean) ** 2, axis=(2, 3, 4), keepdims=True)
    x5n = (x5 - mean) / np.sqrt(var + eps)
    out = gamma * x5n.reshape(N, C, H, W) + beta
    cache = (x, mean, var, eps, gamma, G)
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """
    Spatial group norm backward: dout (N, C, H, W) -> dx, dgamma, dbeta (1, C, 1, 1)
    """
    dx, dgamma, dbeta = None, None, None
    ###########################################################################
    # TODO: Implement the backward pass for spatial group normalization.      #
    ###########################################################################
    x, mean, var, eps, gamma, G = cache
    N, C, H, W = x.shape
    x5 = x.reshape(N, G, C // G, H, W)
    xmu = x5 - mean
    ivar = 1.0 / np.sqrt(var + eps)
    xn = (xmu * ivar).reshape(N, C, H, W)
    dbeta = np.sum(dout, axis=(0, 2, 3), keepdims=True)
    dgamma = np.sum(dout * xn, axis=(0, 2, 3), keepdims=True)
    dxn = (dout * gamma).reshape(N, G, C // G, H, W)
    M = (C // G) * H * W
    dvar = np.sum(dxn * xmu, axis=(2, 3, 4), keepdims=True) * -0.5 * ivar ** 3
    dmean = np.sum(-dxn * ivar, axis=(2, 3, 4), keepdims=True) + dvar * np.mean(-2.0 * xmu, axis=(2, 3, 4), keepdims=True)
    dx = dxn * ivar + dvar * 2.0 * xmu / M + dmean / M
    dx = dx.reshape(N, C, H, W)
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dgamma, dbeta
