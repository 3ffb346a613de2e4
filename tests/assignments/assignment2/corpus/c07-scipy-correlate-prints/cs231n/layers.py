from builtins import range
import numpy as np
from scipy import signal



def affine_forward(x, w, b):
    """out = x.reshape(N, D) @ w + b.   x (N, d1..dk), w (D, M), b (M,) -> out (N, M)"""
    out = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    out = np.einsum('nd,dm->nm', x.reshape(len(x), -1), w) + b
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """dout (N, M) -> dx (N, d1..dk), dw (D, M), db (M,)"""
    x, w, b = cache
    dx, dw, db = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    x2 = x.reshape(len(x), -1)
    dw = np.einsum('nd,nm->dm', x2, dout)
    dx = np.einsum('nm,dm->nd', dout, w).reshape(x.shape)
    db = dout.sum(0)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dw, db


def relu_forward(x):
    """max(x, 0) elementwise"""
    out = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    out = np.where(x > 0, x, 0)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """gradient flows only where x > 0"""
    dx, x = None, cache
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    dx = np.where(x > 0, dout, 0)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx


def softmax_loss(x, y):
    """mean cross-entropy of softmax(x) against y; x (N, C), y (N,) -> loss, dx (N, C)"""
    loss, dx = None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    n = x.shape[0]
    z = x - x.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    loss = -log_p[np.arange(n), y].mean()
    dx = np.exp(log_p)
    dx[np.arange(n), y] -= 1
    dx = dx / n
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
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
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        mu = x.mean(axis=0)
        var = x.var(axis=0)
        inv_std = 1.0 / np.sqrt(var + eps)
        xhat = (x - mu) * inv_std
        out = xhat * gamma + beta
        running_mean = momentum * running_mean + (1.0 - momentum) * mu
        running_var = momentum * running_var + (1.0 - momentum) * var
        cache = {'x': x, 'mu': mu, 'var': var, 'eps': eps, 'gamma': gamma,
                 'xhat': xhat, 'inv_std': inv_std}
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    elif mode == "test":
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache


def batchnorm_backward(dout, cache):
    """staged backward: dout (N, D) -> dx, dgamma (D,), dbeta (D,)"""
    dx, dgamma, dbeta = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    x, mu, var, eps, gamma = cache['x'], cache['mu'], cache['var'], cache['eps'], cache['gamma']
    N = x.shape[0]
    xmu = x - mu
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * cache['xhat'], axis=0)
    dxhat = dout * gamma
    dvar = np.sum(dxhat * xmu, axis=0) * -0.5 * (var + eps) ** -1.5
    dmu = -np.sum(dxhat, axis=0) / np.sqrt(var + eps) + dvar * np.mean(-2.0 * xmu, axis=0)
    dx = dxhat / np.sqrt(var + eps) + dvar * 2.0 * xmu / N + dmu / N
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """closed-form backward, same cache and outputs as batchnorm_backward"""
    dx, dgamma, dbeta = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    xhat, inv_std, gamma = cache['xhat'], cache['inv_std'], cache['gamma']
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * xhat, axis=0)
    dx = gamma * inv_std * (dout - dout.mean(axis=0) - xhat * (dout * xhat).mean(axis=0))
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """layer norm: every row of x (N, D) normalised over its features"""
    out, cache = None, None
    eps = ln_param.get("eps", 1e-5)
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    mu = x.mean(axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(x.var(axis=1, keepdims=True) + eps)
    xhat = (x - mu) * inv_std
    out = xhat * gamma + beta
    cache = {'xhat': xhat, 'inv_std': inv_std, 'gamma': gamma}
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return out, cache


def layernorm_backward(dout, cache):
    """dout (N, D) -> dx (N, D), dgamma (D,), dbeta (D,)"""
    dx, dgamma, dbeta = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    xhat, inv_std, gamma = cache['xhat'], cache['inv_std'], cache['gamma']
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=1, keepdims=True)
                    - xhat * (g * xhat).mean(axis=1, keepdims=True))
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """inverted dropout (p = keep prob); returns out, (dropout_param, mask)"""
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])

    mask = None
    out = None

    if mode == "train":
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        mask = (np.random.rand(*x.shape) < p) / p
        out = x * mask
        # print("kept fraction", (mask > 0).mean())
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    elif mode == "test":
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        out = x
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)

    return out, cache


def dropout_backward(dout, cache):
    """dx = dout * mask (train) / dout (test)"""
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


def conv_forward_naive(x, w, b, conv_param):
    """x (N, C, H, W), w (F, C, HH, WW), b (F,) -> out (N, F, H', W'); uses scipy's correlate"""
    out = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F = w.shape[0]
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = None
    for n in range(N):
        for f in range(F):
            # 'valid' correlation over (C, H, W) leaves a single channel
            full = signal.correlate(xp[n], w[f], mode='valid')[0]
            res = full[::stride, ::stride] + b[f]
            if out is None:
                out = np.zeros((N, F) + res.shape)
            out[n, f] = res
    print('conv forward out', out.shape)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """dout (N, F, H', W') -> dx (N, C, H, W), dw (F, C, HH, WW), db (F,)"""
    dx, dw, db = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    x, w, b, conv_param = cache
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Hp, Wp = xp.shape[2], xp.shape[3]
    # put dout back on the stride-1 grid (zeros in between)
    Hv, Wv = Hp - HH + 1, Wp - WW + 1
    up = np.zeros((N, F, Hv, Wv))
    up[:, :, ::stride, ::stride] = dout
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    for n in range(N):
        for f in range(F):
            for c in range(C):
                dw[f, c] += signal.correlate(xp[n, c], up[n, f], mode='valid')
                dxp[n, c] += signal.convolve(up[n, f], w[f, c], mode='full')
    db = dout.sum(axis=(0, 2, 3))
    dx = dxp[:, :, pad:pad + H, pad:pad + W]
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """x (N, C, H, W) -> out (N, C, H', W'), cache (x, pool_param)"""
    out = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ph, pw, st = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    N, C, H, W = x.shape
    Ho, Wo = (H - ph) // st + 1, (W - pw) // st + 1
    out = np.zeros((N, C, Ho, Wo))
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    out[n, c, i, j] = x[n, c, i * st:i * st + ph, j * st:j * st + pw].max()
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """dout (N, C, H', W') -> dx (N, C, H, W)"""
    dx = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    x, pool_param = cache
    ph, pw, st = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    N, C, Ho, Wo = dout.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    region = x[n, c, i * st:i * st + ph, j * st:j * st + pw]
                    flat_idx = region.argmax()
                    dx[n, c, i * st + flat_idx // pw, j * st + flat_idx % pw] += dout[n, c, i, j]
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """x (N, C, H, W), gamma/beta (C,); per-channel statistics, running stats (C,)"""
    out, cache = None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    N, C, H, W = x.shape
    x_t = x.transpose(0, 2, 3, 1)              # N, H, W, C
    o, cache = batchnorm_forward(x_t.reshape(N * H * W, C), gamma, beta, bn_param)
    out = o.reshape(N, H, W, C).transpose(0, 3, 1, 2)
    print('spatial bn', bn_param['mode'], out.shape)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """dout (N, C, H, W) -> dx, dgamma (C,), dbeta (C,)"""
    dx, dgamma, dbeta = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    N, C, H, W = dout.shape
    d, dgamma, dbeta = batchnorm_backward(dout.transpose(0, 2, 3, 1).reshape(N * H * W, C), cache)
    dx = d.reshape(N, H, W, C).transpose(0, 3, 1, 2)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """x (N, C, H, W), gamma/beta (1, C, 1, 1), G groups -> out, cache"""
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    N, C, H, W = x.shape
    grouped = x.reshape(N, G, C // G * H * W).transpose(2, 0, 1)   # (m, N, G): stats over axis 0
    mu = grouped.mean(axis=0)
    var = grouped.var(axis=0)
    std = np.sqrt(var + eps)
    xhat = ((grouped - mu) / std).transpose(1, 2, 0).reshape(N, C, H, W)
    out = xhat * gamma + beta
    cache = {'xhat': xhat, 'std': std, 'gamma': gamma, 'G': G}
    print('group norm', x.shape, 'G =', G)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """dout (N, C, H, W) -> dx (N, C, H, W), dgamma (1, C, 1, 1), dbeta (1, C, 1, 1)"""
    dx, dgamma, dbeta = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    xhat, std, gamma, G = cache['xhat'], cache['std'], cache['gamma'], cache['G']
    N, C, H, W = dout.shape
    dbeta = dout.sum(axis=(0, 2, 3)).reshape(1, C, 1, 1)
    dgamma = (dout * xhat).sum(axis=(0, 2, 3)).reshape(1, C, 1, 1)
    g = (dout * gamma).reshape(N, G, -1).transpose(2, 0, 1)        # (m, N, G)
    xh = xhat.reshape(N, G, -1).transpose(2, 0, 1)
    m = g.shape[0]
    dx = (m * g - g.sum(axis=0) - xh * (g * xh).sum(axis=0)) / (m * std)
    dx = dx.transpose(1, 2, 0).reshape(N, C, H, W)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dgamma, dbeta
