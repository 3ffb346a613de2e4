from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """
    全连接层前向
    - x: (N, d_1, ..., d_k)
    - w: (D, M)
    - b: (M,)
    返回 out: (N, M), cache: (x, w, b)
    """
    N = x.shape[0]
    X = x.reshape(N, -1)
    out = X.dot(w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    全连接层反向
    返回 dx: (N, d_1, ..., d_k), dw: (D, M), db: (M,)
    """
    x, w, b = cache
    N = x.shape[0]
    X = x.reshape(N, -1)
    dx = dout.dot(w.T).reshape(x.shape)
    dw = X.T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    """ReLU 前向"""
    out = np.maximum(0, x)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """ReLU 反向"""
    x = cache
    mask = (x > 0).astype(dout.dtype)
    dx = dout * mask
    return dx


def softmax_loss(x, y):
    """
    softmax 损失
    - x: (N, C) 分数
    - y: (N,) 正确类别
    """
    N = x.shape[0]
    x_max = np.max(x, axis=1, keepdims=True)
    exp_x = np.exp(x - x_max)
    p = exp_x / np.sum(exp_x, axis=1, keepdims=True)
    loss = np.mean(-np.log(p[np.arange(N), y]))
    dx = p.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """
    批归一化前向
    - x: (N, D)
    - gamma, beta: (D,)
    - bn_param: mode, eps, momentum, running_mean, running_var
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        mu = np.mean(x, axis=0)
        var = np.var(x, axis=0)
        std = np.sqrt(var + eps)
        x_hat = (x - mu) / std
        out = gamma * x_hat + beta
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
        cache = (x, mu, std, x_hat, gamma)
    elif mode == "test":
        out = gamma * ((x - running_mean) / np.sqrt(running_var + eps)) + beta
    else:
        raise ValueError("未知的 mode: %s" % mode)

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache


def batchnorm_backward(dout, cache):
    """
    批归一化反向, 按计算图逐个特征 (每一列) 求导
    """
    x, mu, std, x_hat, gamma = cache
    N, D = x.shape

    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx = np.zeros_like(x)

    # 每个特征是独立的, 一列一列算
    for j in range(D):
        xc = x[:, j] - mu[j]                 # (N,)
        dxh = dout[:, j] * gamma[j]          # 对 x_hat 的梯度
        # x_hat = xc / std
        dxc = dxh / std[j]
        dstd = -np.sum(dxh * xc) / std[j] ** 2
        # std = sqrt(var + eps)
        dvar = 0.5 * dstd / std[j]
        # var = mean(xc^2)
        dxc = dxc + 2.0 * xc * dvar / N
        # xc = x - mu
        dmu = -np.sum(dxc)
        dx[:, j] = dxc + dmu / N

    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """
    批归一化反向, 化简公式 (向量化)
    """
    x, mu, std, x_hat, gamma = cache
    N = x.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dx = (N * dx_hat - np.sum(dx_hat, axis=0) - x_hat * np.sum(dx_hat * x_hat, axis=0)) / (N * std)
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """
    层归一化前向: 按行 (axis=1) 求均值方差
    """
    eps = ln_param.get("eps", 1e-5)
    mu = np.mean(x, axis=1, keepdims=True)
    var = np.var(x, axis=1, keepdims=True)
    std = np.sqrt(var + eps)
    x_hat = (x - mu) / std
    out = gamma * x_hat + beta
    cache = (x_hat, std, gamma)
    return out, cache


def layernorm_backward(dout, cache):
    """
    层归一化反向: 和 batchnorm 化简公式一样, 求和换成 axis=1
    """
    x_hat, std, gamma = cache
    D = dout.shape[1]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    # gamma 提到外面
    dx = gamma * (D * dout - np.sum(dout, axis=1, keepdims=True)
                  - x_hat * np.sum(dout * x_hat, axis=1, keepdims=True)) / (D * std)
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """inverted dropout 前向, p 是保留的概率"""
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])

    mask = None
    out = None

    if mode == "train":
        pass
    elif mode == "test":
        pass

    cache = (dropout_param, mask)
    return out, cache


def dropout_backward(dout, cache):
    """dropout 反向"""
    dropout_param, mask = cache
    mode = dropout_param["mode"]

    dx = None
    if mode == "train":
        pass
    elif mode == "test":
        dx = dout
    return dx


def conv_forward_naive(x, w, b, conv_param):
    """卷积前向"""
    out = None
    pass
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """卷积反向"""
    dx, dw, db = None, None, None
    pass
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """池化前向"""
    out = None
    pass
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """池化反向"""
    dx = None
    pass
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """空间批归一化前向"""
    out, cache = None, None
    pass
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """空间批归一化反向"""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """组归一化前向"""
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    pass
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """组归一化反向"""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta
