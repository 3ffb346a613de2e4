import numpy as np

# Layers for assignment 2. Vectorised where I could; caches are dicts so I can
# remember what is inside them.


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
    """inverted dropout, p = keep probability; returns out and (dropout_param, mask)"""
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])

    mask = None
    out = None

    if mode == "train":
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        keep = np.random.rand(*x.shape) >= p
        mask = keep.astype(x.dtype) / (1 - p)
        out = mask * x
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    elif mode == "test":
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        out = x.copy()
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)

    return out, cache


def dropout_backward(dout, cache):
    """dx = dout * mask in training, dout in test mode"""
    dropout_param, mask = cache
    mode = dropout_param["mode"]

    dx = None
    if mode == "train":
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        dx = mask * dout
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    elif mode == "test":
        dx = dout
    return dx


def conv_forward_naive(x, w, b, conv_param):
    """x (N, C, H, W), w (F, C, HH, WW), b (F,), conv_param stride/pad -> out (N, F, H', W')"""
    out = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    S, P = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho = (H + 2 * P - HH) // S + 1
    Wo = (W + 2 * P - WW) // S + 1
    xp = np.pad(x, [(0, 0), (0, 0), (P, P), (P, P)])
    out = np.empty((N, F, Ho, Wo), dtype=x.dtype)
    for i in range(Ho):
        for j in range(Wo):
            patch = xp[:, :, i * S:i * S + HH, j * S:j * S + WW]   # (N, C, HH, WW)
            out[:, :, i, j] = np.einsum('nckl,fckl->nf', patch, w) + b
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """dout (N, F, H', W') -> dx (N, C, H, W), dw (F, C, HH, WW), db (F,)"""
    dx, dw, db = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    x, w, b, conv_param = cache
    S, P = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = dout.shape[2], dout.shape[3]
    xp = np.pad(x, [(0, 0), (0, 0), (P, P), (P, P)])
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = np.einsum('nfij->f', dout)
    for i in range(Ho):
        for j in range(Wo):
            g = dout[:, :, i, j]                                   # (N, F)
            dw += np.einsum('nf,nckl->fckl', g, xp[:, :, i * S:i * S + HH, j * S:j * S + WW])
            dxp[:, :, i * S:i * S + HH, j * S:j * S + WW] += np.einsum('nf,fckl->nckl', g, w)
    dx = dxp[:, :, P:P + H, P:P + W]
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """x (N, C, H, W), pool_height/pool_width/stride -> out (N, C, H', W')"""
    out = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ph, pw, S = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    N, C, H, W = x.shape
    Ho, Wo = (H - ph) // S + 1, (W - pw) // S + 1
    out = np.empty((N, C, Ho, Wo), dtype=x.dtype)
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = x[:, :, i * S:i * S + ph, j * S:j * S + pw].max(axis=(2, 3))
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """dout (N, C, H', W') -> dx (N, C, H, W), each gradient to its window's max"""
    dx = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    x, pool_param = cache
    ph, pw, S = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    N, C, H, W = x.shape
    Ho, Wo = dout.shape[2], dout.shape[3]
    dx = np.zeros_like(x)
    for i in range(Ho):
        for j in range(Wo):
            win = x[:, :, i * S:i * S + ph, j * S:j * S + pw].reshape(N, C, ph * pw)
            onehot = np.zeros_like(win)
            np.put_along_axis(onehot, win.argmax(axis=2)[:, :, None], 1.0, axis=2)
            dx[:, :, i * S:i * S + ph, j * S:j * S + pw] += \
                (onehot * dout[:, :, i, j][:, :, None]).reshape(N, C, ph, pw)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """x (N, C, H, W), gamma/beta (C,) -> out (N, C, H, W); stats per channel"""
    out, cache = None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    N, C, H, W = x.shape
    x2 = np.moveaxis(x, 1, -1).reshape(-1, C)
    y2, cache = batchnorm_forward(x2, gamma, beta, bn_param)
    out = np.moveaxis(y2.reshape(N, H, W, C), -1, 1)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """dout (N, C, H, W) -> dx (N, C, H, W), dgamma (C,), dbeta (C,)"""
    dx, dgamma, dbeta = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    N, C, H, W = dout.shape
    d2 = np.moveaxis(dout, 1, -1).reshape(-1, C)
    dx2, dgamma, dbeta = batchnorm_backward(d2, cache)
    dx = np.moveaxis(dx2.reshape(N, H, W, C), -1, 1)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """x (N, C, H, W), gamma/beta (1, C, 1, 1), G groups of C//G channels"""
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    N, C, H, W = x.shape
    # every (sample, group) becomes one row, then it is a layer norm over the row
    rows = x.reshape(N * G, -1)
    mu = rows.mean(axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(rows.var(axis=1, keepdims=True) + eps)
    xhat = ((rows - mu) * inv_std).reshape(N, C, H, W)
    out = gamma * xhat + beta
    cache = {'xhat': xhat, 'inv_std': inv_std, 'gamma': gamma, 'G': G}
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """dout (N, C, H, W) -> dx (N, C, H, W), dgamma, dbeta (1, C, 1, 1)"""
    dx, dgamma, dbeta = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    xhat, inv_std, gamma, G = cache['xhat'], cache['inv_std'], cache['gamma'], cache['G']
    N, C, H, W = dout.shape
    dbeta = np.sum(dout, axis=(0, 2, 3), keepdims=True)
    dgamma = np.sum(dout * xhat, axis=(0, 2, 3), keepdims=True)
    g = (dout * gamma).reshape(N * G, -1)
    xh = xhat.reshape(N * G, -1)
    dx = inv_std * (g - g.mean(axis=1, keepdims=True) - xh * (g * xh).mean(axis=1, keepdims=True))
    dx = dx.reshape(N, C, H, W)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dgamma, dbeta
