from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """
    affine layer, forward.
    x: (N, d_1, ..., d_k) minibatch, reshaped to N rows of D values
    w: (D, M) weights, b: (M,) biases
    returns out (N, M) and cache = (x, w, b)
    """
    N = x.shape[0]
    x_rows = x.reshape(N, -1)
    out = x_rows.dot(w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    affine layer, backward.
    returns dx (N, d_1, ..., d_k), dw (D, M), db (M,)
    """
    x, w, b = cache
    N = x.shape[0]
    x_rows = x.reshape(N, -1)
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x_rows.T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    """relu, forward: max(0, x) elementwise"""
    out = np.maximum(0, x)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """relu, backward: pass dout where x was positive"""
    x = cache
    dx = dout * (x > 0)
    return dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """
    batchnorm, forward.
    x: (N, D); gamma, beta: (D,)
    bn_param: 'mode' ('train'/'test'), optional 'eps', 'momentum',
              'running_mean', 'running_var' (both (D,))
    returns out (N, D) and a cache tuple for the backward pass
    """
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)

    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == 'train':
        sample_mean = np.mean(x, axis=0)
        sample_var = np.var(x, axis=0)
        x_hat = (x - sample_mean) / np.sqrt(sample_var + eps)
        out = gamma * x_hat + beta

        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var

        cache = (x, x_hat, sample_mean, sample_var, gamma, beta, eps)
    elif mode == 'test':
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_hat + beta
    else:
        raise ValueError('unknown mode for batchnorm: %s' % mode)

    # write the running averages back
    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var

    return out, cache


def batchnorm_backward(dout, cache):
    """
    batchnorm, backward, one node of the graph at a time.
    dout: (N, D) -> dx (N, D), dgamma (D,), dbeta (D,)
    """
    x, x_hat, mu, var, gamma, beta, eps = cache
    N = x.shape[0]

    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma

    x_mu = x - mu
    std_inv = 1.0 / np.sqrt(var + eps)

    # x_hat = x_mu * std_inv
    dx_mu = dx_hat * std_inv
    dstd_inv = np.sum(dx_hat * x_mu, axis=0)
    # std_inv = (var + eps) ** -0.5
    dvar = dstd_inv * -0.5 * std_inv ** 3
    # var = sum(x_mu ** 2) / N
    dx_mu += dvar * 2.0 * x_mu / N
    # x_mu = x - mu, mu = sum(x) / N
    dmu = -np.sum(dx_mu, axis=0)
    dx = dx_mu + dmu / N

    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """batchnorm, backward, with the formula simplified on paper"""
    x, x_hat, mu, var, gamma, beta, eps = cache
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx = gamma / np.sqrt(var + eps) * (dout - np.mean(dout, axis=0) - x_hat * np.mean(dout * x_hat, axis=0))
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """layernorm, forward: each row normalized over its own features"""
    eps = ln_param.get('eps', 1e-5)
    mu = np.mean(x, axis=1, keepdims=True)
    var = np.var(x, axis=1, keepdims=True)
    x_hat = (x - mu) / np.sqrt(var + eps)
    out = gamma * x_hat + beta
    cache = (x_hat, var, gamma, eps)
    return out, cache


def layernorm_backward(dout, cache):
    """layernorm, backward"""
    x_hat, var, gamma, eps = cache
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dx = (dx_hat - np.mean(dx_hat, axis=1, keepdims=True)
          - x_hat * np.mean(dx_hat * x_hat, axis=1, keepdims=True)) / np.sqrt(var + eps)
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """
    dropout, forward (not done yet: the dropout notebook comes after this one).
    dropout_param: 'p' = probability of dropping a unit, 'mode', optional 'seed'
    """
    p, mode = dropout_param['p'], dropout_param['mode']
    if 'seed' in dropout_param:
        np.random.seed(dropout_param['seed'])

    mask = None
    out = None

    if mode == 'train':
        pass
    elif mode == 'test':
        pass

    cache = (dropout_param, mask)
    return out, cache


def dropout_backward(dout, cache):
    """dropout, backward (not done yet)"""
    dropout_param, mask = cache
    mode = dropout_param['mode']

    dx = None
    if mode == 'train':
        pass
    elif mode == 'test':
        dx = dout
    return dx


def conv_forward_naive(x, w, b, conv_param):
    """conv, forward (later assignment)"""
    out = None
    pass
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """conv, backward (later assignment)"""
    dx, dw, db = None, None, None
    pass
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """max pool, forward (later assignment)"""
    out = None
    pass
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """max pool, backward (later assignment)"""
    dx = None
    pass
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """spatial batchnorm, forward (later assignment)"""
    out, cache = None, None
    pass
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """spatial batchnorm, backward (later assignment)"""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """spatial groupnorm, forward (later assignment)"""
    out, cache = None, None
    eps = gn_param.get('eps', 1e-5)
    pass
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """spatial groupnorm, backward (later assignment)"""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta


def softmax_loss(x, y):
    """
    softmax classifier loss.
    x: (N, C) scores, y: (N,) labels in [0, C)
    returns the mean cross-entropy and dx (N, C)
    """
    N, C = x.shape
    m = x.max(axis=1)
    lse = m + np.log(np.exp(x - m[:, None]).sum(axis=1))
    loss = (lse - x[range(N), y]).sum() / N
    onehot = np.zeros_like(x)
    onehot[range(N), y] = 1.0
    dx = (np.exp(x - lse[:, None]) - onehot) / N
    return loss, dx
