from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """全连接层前向: out = x_flat @ w + b"""
    N = x.shape[0]
    out = np.dot(x.reshape(N, -1), w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """全连接层反向, 返回 dx, dw, db"""
    x, w, b = cache
    N = x.shape[0]
    dx = np.dot(dout, w.T).reshape(x.shape)
    dw = np.dot(x.reshape(N, -1).T, dout)
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
    dx = dout * (x > 0)
    return dx


def softmax_loss(x, y):
    """softmax 损失和梯度, x: (N, C), y: (N,)"""
    N = x.shape[0]
    shifted = x - np.max(x, axis=1, keepdims=True)
    exp_s = np.exp(shifted)
    sum_exp = np.sum(exp_s, axis=1, keepdims=True)
    # loss = -log(softmax[y]) = log(sum exp) - s_y
    loss = np.sum(np.log(sum_exp).ravel() - shifted[np.arange(N), y]) / N
    dx = exp_s / sum_exp
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """
    批归一化前向
    x: (N, D), gamma: (D,), beta: (D,)
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        # 均值, 方差 (有偏, 除以 N)
        mean = np.mean(x, axis=0)
        var = np.mean(np.square(x - mean), axis=0)
        x_hat = (x - mean) / np.sqrt(var + eps)
        out = gamma * x_hat + beta
        # 滑动平均
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
        # 反向传播需要的量
        cache = (x, mean, var, gamma, beta, eps)
    elif mode == "test":
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_hat + beta
    else:
        raise ValueError("batchnorm 的 mode 必须是 train 或 test, 得到 %s" % mode)

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache


def batchnorm_backward(dout, cache):
    """
    批归一化反向 (按计算图)
    """
    x, mean, var, gamma, beta, eps = cache
    N = x.shape[0]

    # 第 1 步: x_mu = x - mean
    x_mu = x - mean
    # 第 2 步: sq = x_mu ** 2, var = mean(sq)  (前向已算好)
    # 第 3 步: std = sqrt(var + eps)
    std = np.sqrt(var + eps)
    # 第 4 步: istd = 1 / std
    istd = 1.0 / std
    # 第 5 步: x_hat = x_mu * istd
    x_hat = x_mu * istd

    # 反向: out = gamma * x_hat + beta
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    # 反向第 5 步
    dx_mu = dx_hat * istd
    distd = np.sum(dx_hat * x_mu, axis=0)
    # 反向第 4 步
    dstd = -distd / std ** 2
    # 反向第 3 步
    dvar = dstd * 0.5 / std
    # 反向第 2 步: var = sum(sq) / N
    dsq = dvar / N * np.ones_like(x)
    dx_mu += 2 * x_mu * dsq
    # 反向第 1 步: x_mu = x - mean, mean = sum(x) / N
    dmean = -np.sum(dx_mu, axis=0)
    dx = dx_mu + dmean / N * np.ones_like(x)

    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """
    批归一化反向 (化简公式)
    """
    x, mean, var, gamma, beta, eps = cache
    N = x.shape[0]
    std = np.sqrt(var + eps)
    x_hat = (x - mean) / std
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx = (gamma / (N * std)) * (N * dout
                                - np.sum(dout, axis=0, keepdims=True)
                                - x_hat * np.sum(dout * x_hat, axis=0, keepdims=True))
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """
    层归一化前向: 每个样本在自己的 D 个特征上归一化
    """
    eps = ln_param.get("eps", 1e-5)
    # 转置成 (D, N), 这样和 batchnorm 一样按 axis=0 算
    xt = x.T
    mean = np.mean(xt, axis=0)
    var = np.mean(np.square(xt - mean), axis=0)
    std = np.sqrt(var + eps)
    x_hat = ((xt - mean) / std).T
    out = gamma * x_hat + beta
    cache = (x_hat, std, gamma)
    return out, cache


def layernorm_backward(dout, cache):
    """
    层归一化反向: 转置后用 batchnorm 的化简公式
    """
    x_hat, std, gamma = cache
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    g = (dout * gamma).T          # (D, N)
    xh = x_hat.T                  # (D, N)
    D = g.shape[0]
    dx = (g - np.mean(g, axis=0) - xh * np.mean(g * xh, axis=0)) / std
    dx = dx.T
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """inverted dropout 前向, p 为保留概率"""
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
    """dropout 反向"""
    dropout_param, mask = cache
    mode = dropout_param["mode"]
    dx = None
    if mode == "train":
        dx = dout * mask
    elif mode == "test":
        dx = dout
    return dx


def conv_forward_naive(x, w, b, conv_param):
    """卷积前向 (还没写)"""
    out = None
    pass
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """卷积反向 (还没写)"""
    dx, dw, db = None, None, None
    pass
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """最大池化前向, 循环实现"""
    N, C, H, W = x.shape
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    H_out = 1 + (H - ph) // s
    W_out = 1 + (W - pw) // s
    out = np.zeros((N, C, H_out, W_out), dtype=x.dtype)
    for i in range(H_out):
        for j in range(W_out):
            window = x[:, :, i * s:i * s + ph, j * s:j * s + pw]
            out[:, :, i, j] = np.max(window, axis=(2, 3))
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """最大池化反向: 梯度只给每个窗口里的最大值 (有并列时给第一个)"""
    x, pool_param = cache
    N, C, H, W = x.shape
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    H_out, W_out = dout.shape[2], dout.shape[3]
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, c, i * s:i * s + ph, j * s:j * s + pw]
                    r, q = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * s + r, j * s + q] += dout[n, c, i, j]
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """空间批归一化前向 (还没写)"""
    out, cache = None, None
    pass
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """空间批归一化反向 (还没写)"""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """组归一化前向 (还没写)"""
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    pass
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """组归一化反向 (还没写)"""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta
