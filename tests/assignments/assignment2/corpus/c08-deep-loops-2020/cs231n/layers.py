from builtins import range
import numpy as np


def affine_forward(x, w, b):
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


def affine_backward(dout, cache):
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


def relu_forward(x):
    """ReLU forward, elementwise max(0, x). Returns out (same shape as x) and the cache."""
    out = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    out = x.copy()
    out[out < 0] = 0

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """ReLU backward: passes dout where the input was positive."""
    dx, x = None, cache
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dx = dout * (x > 0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx


def softmax_loss(x, y):
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


def dropout_forward(x, dropout_param):
    """Inverted dropout, p = keep probability. Returns out and (dropout_param, mask)."""
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])

    mask = None
    out = None

    if mode == "train":
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        r = np.random.rand(*x.shape)
        mask = (r < p).astype(np.float64)
        mask /= p
        out = x * mask

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    elif mode == "test":
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        mask = None
        out = x

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)

    return out, cache


def dropout_backward(dout, cache):
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


def conv_forward_naive(x, w, b, conv_param):
    """Naive convolution (cross-correlation), every sum written as a loop.

    x (N, C, H, W), w (F, C, HH, WW), b (F,), conv_param {'stride', 'pad'}
    -> out (N, F, H', W'), cache (x, w, b, conv_param)
    """
    out = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    s = conv_param['stride']
    p = conv_param['pad']
    Hout = 1 + (H + 2 * p - HH) // s
    Wout = 1 + (W + 2 * p - WW) // s
    out = np.zeros((N, F, Hout, Wout))
    for n in range(N):
        for f in range(F):
            for i in range(Hout):
                for j in range(Wout):
                    total = b[f]
                    for c in range(C):
                        for k in range(HH):
                            r = i * s + k - p          # row in the unpadded image
                            if r < 0 or r >= H:
                                continue               # zero padding
                            for l in range(WW):
                                q = j * s + l - p
                                if 0 <= q < W:
                                    total += x[n, c, r, q] * w[f, c, k, l]
                    out[n, f, i, j] = total

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """dout (N, F, H', W') -> dx (N, C, H, W), dw (F, C, HH, WW), db (F,); same loops as forward."""
    dx, dw, db = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    x, w, b, conv_param = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    s = conv_param['stride']
    p = conv_param['pad']
    _, _, Hout, Wout = dout.shape
    dx = np.zeros(x.shape)
    dw = np.zeros(w.shape)
    db = np.zeros(b.shape)
    for n in range(N):
        for f in range(F):
            for i in range(Hout):
                for j in range(Wout):
                    g = dout[n, f, i, j]
                    db[f] += g
                    for k in range(HH):
                        r = i * s + k - p
                        if r < 0 or r >= H:
                            continue
                        for l in range(WW):
                            q = j * s + l - p
                            if q < 0 or q >= W:
                                continue
                            dw[f, :, k, l] += g * x[n, :, r, q]
                            dx[n, :, r, q] += g * w[f, :, k, l]

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """x (N, C, H, W), {'pool_height', 'pool_width', 'stride'} -> out (N, C, H', W'), cache"""
    out = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N, C, H, W = x.shape
    ph, pw, s = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    Hout = 1 + (H - ph) // s
    Wout = 1 + (W - pw) // s
    out = np.zeros((N, C, Hout, Wout))
    for n in range(N):
        for c in range(C):
            for i in range(Hout):
                for j in range(Wout):
                    best = -np.inf
                    for k in range(ph):
                        for l in range(pw):
                            best = max(best, x[n, c, i * s + k, j * s + l])
                    out[n, c, i, j] = best

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """dout (N, C, H', W') -> dx (N, C, H, W); the first maximum of each window gets the gradient"""
    dx = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    x, pool_param = cache
    N, C, H, W = x.shape
    ph, pw, s = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    _, _, Hout, Wout = dout.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(Hout):
                for j in range(Wout):
                    bi, bj = i * s, j * s
                    for k in range(ph):
                        for l in range(pw):
                            if x[n, c, i * s + k, j * s + l] > x[n, c, bi, bj]:
                                bi, bj = i * s + k, j * s + l
                    dx[n, c, bi, bj] += dout[n, c, i, j]

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """x (N, C, H, W), gamma/beta (C,), bn_param as batchnorm -> out, cache; one channel at a time"""
    out, cache = None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)
    N, C, H, W = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(C, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(C, dtype=x.dtype))
    out = np.zeros(x.shape)
    if mode == 'train':
        mean = np.zeros(C)
        var = np.zeros(C)
        xhat = np.zeros(x.shape)
        for c in range(C):
            ch = x[:, c, :, :]
            mean[c] = np.mean(ch)
            var[c] = np.mean((ch - mean[c]) ** 2)
            xhat[:, c] = (ch - mean[c]) / np.sqrt(var[c] + eps)
            out[:, c] = gamma[c] * xhat[:, c] + beta[c]
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
        cache = (xhat, var, eps, gamma)
    elif mode == 'test':
        for c in range(C):
            out[:, c] = gamma[c] * (x[:, c] - running_mean[c]) / np.sqrt(running_var[c] + eps) + beta[c]
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """dout (N, C, H, W) -> dx, dgamma (C,), dbeta (C,)"""
    dx, dgamma, dbeta = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    xhat, var, eps, gamma = cache
    N, C, H, W = dout.shape
    m = N * H * W
    dx = np.zeros(dout.shape)
    dgamma = np.zeros(C)
    dbeta = np.zeros(C)
    for c in range(C):
        d = dout[:, c]
        xh = xhat[:, c]
        dbeta[c] = d.sum()
        dgamma[c] = (d * xh).sum()
        dx[:, c] = gamma[c] / (m * np.sqrt(var[c] + eps)) * (m * d - dbeta[c] - xh * dgamma[c])

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """x (N, C, H, W), gamma/beta (1, C, 1, 1), G groups -> out, cache; loops over samples and groups"""
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N, C, H, W = x.shape
    size = C // G
    xhat = np.zeros(x.shape)
    inv = np.zeros((N, G))
    for n in range(N):
        for g in range(G):
            block = x[n, g * size:(g + 1) * size]
            mu = block.mean()
            inv[n, g] = 1.0 / np.sqrt(block.var() + eps)
            xhat[n, g * size:(g + 1) * size] = (block - mu) * inv[n, g]
    out = gamma * xhat + beta
    cache = (xhat, inv, gamma, G)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """dout (N, C, H, W) -> dx, dgamma (1, C, 1, 1), dbeta (1, C, 1, 1)"""
    dx, dgamma, dbeta = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    xhat, inv, gamma, G = cache
    N, C, H, W = dout.shape
    size = C // G
    m = size * H * W
    dbeta = np.sum(dout, axis=(0, 2, 3), keepdims=True)
    dgamma = np.sum(dout * xhat, axis=(0, 2, 3), keepdims=True)
    dxhat = dout * gamma
    dx = np.zeros(dout.shape)
    for n in range(N):
        for g in range(G):
            sl = slice(g * size, (g + 1) * size)
            d = dxhat[n, sl]
            xh = xhat[n, sl]
            dx[n, sl] = inv[n, g] / m * (m * d - d.sum() - xh * (d * xh).sum())

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dgamma, dbeta
