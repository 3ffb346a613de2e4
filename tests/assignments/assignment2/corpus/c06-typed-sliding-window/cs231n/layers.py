from typing import Any, Dict, Tuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

Array = np.ndarray


def affine_forward(x: Array, w: Array, b: Array) -> Tuple[Array, tuple]:
    """Affine layer forward: flattens each of the N inputs and computes x @ w + b.

    x: (N, d_1, ..., d_k), w: (D, M), b: (M,) -> out (N, M), cache
    """
    out = None
    ###########################################################################
    # TODO: write this part (see the docstring for shapes).
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    x_row = x.reshape(N, -1)
    out = x_row.dot(w) + b

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (x, w, b)
    return out, cache


def affine_backward(dout: Array, cache: tuple) -> Tuple[Array, Array, Array]:
    """Affine layer backward.

    dout: (N, M), cache from affine_forward -> dx (N, d_1, ..., d_k), dw (D, M), db (M,)
    """
    x, w, b = cache
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO: write this part (see the docstring for shapes).
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(N, -1).T.dot(dout)
    db = np.sum(dout, axis=0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dw, db


def relu_forward(x: Array) -> Tuple[Array, Array]:
    """ReLU forward, elementwise max(0, x). Returns out (same shape as x) and the cache."""
    out = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    out = np.maximum(0, x)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = x
    return out, cache


def relu_backward(dout: Array, cache: Array) -> Array:
    """ReLU backward: passes dout where the input was positive."""
    dx, x = None, cache
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dx = dout * (x > 0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx


def softmax_loss(x: Array, y: Array) -> Tuple[float, Array]:
    """Softmax cross-entropy averaged over the batch.

    x: scores (N, C), y: labels (N,) -> loss (scalar), dx (N, C)
    """
    loss, dx = None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    shifted = x - np.max(x, axis=1, keepdims=True)
    exp_s = np.exp(shifted)
    probs = exp_s / np.sum(exp_s, axis=1, keepdims=True)
    loss = -np.sum(np.log(probs[np.arange(N), y])) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch norm forward over a batch of shape (N, D).

    gamma, beta: (D,); bn_param: mode ('train'/'test'), eps, momentum,
    running_mean, running_var (D,). Returns out (N, D) and a cache.
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        #######################################################################
        # TODO: write this part (see the docstring for shapes).
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        sample_mean = np.mean(x, axis=0)
        xc = x - sample_mean
        sample_var = np.mean(xc ** 2, axis=0)
        std = np.sqrt(sample_var + eps)
        x_hat = xc / std
        out = gamma * x_hat + beta

        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var

        cache = (x_hat, xc, std, gamma)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                           END OF YOUR CODE                          #
        #######################################################################
    elif mode == "test":
        #######################################################################
        # TODO: write this part (see the docstring for shapes).
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_hat + beta

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    # write the running averages back
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache


def batchnorm_backward(dout, cache):
    """Batch norm backward through the staged graph.

    dout: (N, D) -> dx (N, D), dgamma (D,), dbeta (D,)
    """
    dx, dgamma, dbeta = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    x_hat, xc, std, gamma = cache
    N = dout.shape[0]

    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma

    # x_hat = xc * (1/std)
    dinv = np.sum(dx_hat * xc, axis=0)
    dxc = dx_hat / std
    # 1/std -> std -> var
    dstd = -dinv / std ** 2
    dvar = 0.5 * dstd / std
    # var = mean(xc**2)
    dxc += 2.0 * xc * dvar / N
    # xc = x - mean
    dmean = -np.sum(dxc, axis=0)
    dx = dxc + dmean / N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """Batch norm backward in closed form; same inputs and outputs as batchnorm_backward."""
    dx, dgamma, dbeta = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    x_hat, xc, std, gamma = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = (gamma / (N * std)) * (N * dout - dbeta - x_hat * dgamma)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """Layer norm forward: each row of x (N, D) normalised over its D features.

    gamma, beta: (D,); ln_param may hold eps. Returns out (N, D), cache.
    """
    out, cache = None, None
    eps = ln_param.get("eps", 1e-5)
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    mu = np.mean(x, axis=1, keepdims=True)
    xc = x - mu
    var = np.mean(xc ** 2, axis=1, keepdims=True)
    std = np.sqrt(var + eps)
    x_hat = xc / std
    out = gamma * x_hat + beta
    cache = (x_hat, std, gamma)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return out, cache


def layernorm_backward(dout, cache):
    """Layer norm backward: dout (N, D) -> dx (N, D), dgamma (D,), dbeta (D,)"""
    dx, dgamma, dbeta = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    x_hat, std, gamma = cache
    D = dout.shape[1]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    g = dout * gamma
    dx = (D * g - np.sum(g, axis=1, keepdims=True)
          - x_hat * np.sum(g * x_hat, axis=1, keepdims=True)) / (D * std)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dgamma, dbeta


def dropout_forward(x: Array, dropout_param: Dict[str, Any]) -> Tuple[Array, tuple]:
    """Inverted dropout (p = keep probability). Returns out like x and (dropout_param, mask)."""
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])

    mask = None
    out = None

    if mode == "train":
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        mask = (np.random.rand(*x.shape) < p) * (1.0 / p)
        out = x * mask
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    elif mode == "test":
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        out = x
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)

    return out, cache


def dropout_backward(dout: Array, cache: tuple) -> Array:
    """Backward of inverted dropout."""
    dropout_param, mask = cache
    mode = dropout_param["mode"]

    dx = None
    if mode == "train":
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        dx = dout * mask
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    elif mode == "test":
        dx = dout
    return dx


def _pad_hw(a: Array, p: int) -> Array:
    return np.pad(a, ((0, 0), (0, 0), (p, p), (p, p)))


def conv_forward_naive(x: Array, w: Array, b: Array, conv_param: Dict[str, int]) -> Tuple[Array, tuple]:
    """Cross-correlation. x (N, C, H, W), w (F, C, HH, WW), b (F,) -> out (N, F, H', W')."""
    out = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    s, p = conv_param["stride"], conv_param["pad"]
    HH, WW = w.shape[2:]
    # (N, C, H'', W'', HH, WW) windows, then keep every s-th one
    win = sliding_window_view(_pad_hw(x, p), (HH, WW), axis=(2, 3))[:, :, ::s, ::s]
    out = np.einsum("nchwij,fcij->nfhw", win, w, optimize=True) + b[:, None, None]
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout: Array, cache: tuple) -> Tuple[Array, Array, Array]:
    """dout (N, F, H', W') -> dx (N, C, H, W), dw (F, C, HH, WW), db (F,).

    dw correlates the padded input with dout; dx is the "full" correlation of the
    stride-dilated dout with the flipped filters.
    """
    dx, dw, db = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    x, w, b, conv_param = cache
    s, p = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, Ho, Wo = dout.shape
    xp = _pad_hw(x, p)
    Hp, Wp = xp.shape[2:]

    db = dout.sum(axis=(0, 2, 3))

    # dilate dout by the stride so it lines up with the padded input
    dil = np.zeros((N, F, (Ho - 1) * s + 1, (Wo - 1) * s + 1), dtype=dout.dtype)
    dil[:, :, ::s, ::s] = dout
    Hd, Wd = dil.shape[2:]
    win_x = sliding_window_view(xp, (Hd, Wd), axis=(2, 3))[:, :, :HH, :WW]   # (N, C, HH, WW, Hd, Wd)
    dw = np.einsum("nckluv,nfuv->fckl", win_x, dil, optimize=True)

    # full correlation: pad the dilated dout by HH-1 / WW-1 and use flipped filters
    full = np.pad(dil, ((0, 0), (0, 0), (HH - 1, HH - 1 + Hp - (Hd + HH - 1)),
                        (WW - 1, WW - 1 + Wp - (Wd + WW - 1))))
    win_d = sliding_window_view(full, (HH, WW), axis=(2, 3))[:, :, :Hp, :Wp]   # (N, F, Hp, Wp, HH, WW)
    dxp = np.einsum("nfhwkl,fckl->nchw", win_d, w[:, :, ::-1, ::-1], optimize=True)
    dx = dxp[:, :, p:p + H, p:p + W]
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dw, db


def max_pool_forward_naive(x: Array, pool_param: Dict[str, int]) -> Tuple[Array, tuple]:
    """x (N, C, H, W) -> out (N, C, H', W'), cache (x, pool_param)."""
    out = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    out = sliding_window_view(x, (ph, pw), axis=(2, 3))[:, :, ::s, ::s].max(axis=(-2, -1))
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout: Array, cache: tuple) -> Array:
    """dout (N, C, H', W') -> dx (N, C, H, W); loops over the offsets inside a window."""
    dx = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, Ho, Wo = dout.shape
    win = sliding_window_view(x, (ph, pw), axis=(2, 3))[:, :, ::s, ::s].reshape(N, C, Ho, Wo, -1)
    first_max = win.argmax(axis=-1)
    dx = np.zeros_like(x, dtype=np.result_type(x, dout))
    for k in range(ph):
        for l in range(pw):
            hit = first_max == k * pw + l
            dx[:, :, k:k + s * (Ho - 1) + 1:s, l:l + s * (Wo - 1) + 1:s] += dout * hit
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx


def spatial_batchnorm_forward(x: Array, gamma: Array, beta: Array, bn_param: Dict[str, Any]) -> Tuple[Array, tuple]:
    """x (N, C, H, W), gamma/beta (C,) -> out (N, C, H, W), cache."""
    out, cache = None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    N, C, H, W = x.shape
    flat, cache = batchnorm_forward(np.einsum("nchw->nhwc", x).reshape(N * H * W, C), gamma, beta, bn_param)
    out = np.einsum("nhwc->nchw", flat.reshape(N, H, W, C))
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return out, cache


def spatial_batchnorm_backward(dout: Array, cache: tuple) -> Tuple[Array, Array, Array]:
    """dout (N, C, H, W) -> dx (N, C, H, W), dgamma (C,), dbeta (C,)."""
    dx, dgamma, dbeta = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    N, C, H, W = dout.shape
    dflat, dgamma, dbeta = batchnorm_backward_alt(np.einsum("nchw->nhwc", dout).reshape(-1, C), cache)
    dx = np.einsum("nhwc->nchw", dflat.reshape(N, H, W, C))
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x: Array, gamma: Array, beta: Array, G: int, gn_param: Dict[str, Any]) -> Tuple[Array, tuple]:
    """x (N, C, H, W), gamma/beta (1, C, 1, 1): a layer norm per (sample, group), then per-channel scale/shift."""
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    N, C, H, W = x.shape
    rows = x.reshape(N * G, -1)
    D = rows.shape[1]
    normed, ln_cache = layernorm_forward(rows, np.ones(D), np.zeros(D), {"eps": eps})
    xhat = normed.reshape(N, C, H, W)
    out = gamma * xhat + beta
    cache = (ln_cache, xhat, gamma, G)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return out, cache


def spatial_groupnorm_backward(dout: Array, cache: tuple) -> Tuple[Array, Array, Array]:
    """dout (N, C, H, W) -> dx (N, C, H, W), dgamma (1, C, 1, 1), dbeta (1, C, 1, 1)."""
    dx, dgamma, dbeta = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ln_cache, xhat, gamma, G = cache
    N, C, H, W = dout.shape
    dbeta = dout.sum(axis=(0, 2, 3))[None, :, None, None]
    dgamma = (dout * xhat).sum(axis=(0, 2, 3))[None, :, None, None]
    drows, _, _ = layernorm_backward((dout * gamma).reshape(N * G, -1), ln_cache)
    dx = drows.reshape(N, C, H, W)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dgamma, dbeta
