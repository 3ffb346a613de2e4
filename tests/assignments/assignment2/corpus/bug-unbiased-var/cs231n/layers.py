from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """
    全连接层前向传播。x: (N, d_1, ..., d_k), w: (D, M), b: (M,)
    返回 out: (N, M), cache: (x, w, b)
    """
    # 先把每个样本拉平成一行
    x_flat = x.reshape(x.shape[0], -1)
    out = x_flat @ w + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    全连接层反向传播。返回 dx (与 x 同形), dw (D, M), db (M,)
    """
    x, w, b = cache
    x_flat = x.reshape(x.shape[0], -1)
    dx = (dout @ w.T).reshape(x.shape)
    dw = x_flat.T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db


def relu_forward(x):
    """ReLU 前向: out = max(0, x)"""
    out = np.maximum(x, 0)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """ReLU 反向: 只有 x > 0 的位置有梯度"""
    x = cache
    dx = np.where(x > 0, dout, 0.0)
    return dx


def softmax_loss(x, y):
    """
    softmax 损失。x: (N, C) 分数, y: (N,) 标签
    返回 loss (标量) 和 dx (N, C)
    """
    N = x.shape[0]
    # 减去每行最大值, 防止 exp 溢出
    z = x - x.max(axis=1, keepdims=True)
    exp_z = np.exp(z)
    probs = exp_z / exp_z.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(N), y]))
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """
    批归一化前向传播。
    x: (N, D); gamma, beta: (D,)
    bn_param: mode ('train' / 'test'), eps, momentum, running_mean, running_var
    返回 out: (N, D) 和 cache
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        # 1. 求每个特征在 batch 上的均值和方差
        mu = np.sum(x, axis=0) / N
        xc = x - mu
        var = np.sum(xc ** 2, axis=0) / (N - 1)
        # 2. 归一化
        std = np.sqrt(var + eps)
        x_norm = xc / std
        # 3. 缩放和平移
        out = gamma * x_norm + beta
        # 4. 更新滑动平均
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var

        cache = {"x_norm": x_norm, "xc": xc, "std": std, "gamma": gamma}
    elif mode == "test":
        # 测试时用滑动平均的均值和方差
        x_norm = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_norm + beta
    else:
        raise ValueError("bn_param['mode'] 只能是 'train' 或 'test', 现在是 %r" % mode)

    # 把更新后的滑动平均存回 bn_param
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache


def batchnorm_backward(dout, cache):
    """
    批归一化反向传播 (按计算图一步一步来)。
    返回 dx: (N, D), dgamma: (D,), dbeta: (D,)
    """
    x_norm, xc, std, gamma = cache["x_norm"], cache["xc"], cache["std"], cache["gamma"]
    N = dout.shape[0]

    # out = gamma * x_norm + beta
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_norm, axis=0)
    dx_norm = dout * gamma

    # x_norm = xc / std
    dxc = dx_norm / std
    dstd = -np.sum(dx_norm * xc, axis=0) / std ** 2

    # std = sqrt(var + eps)
    dvar = dstd / (2 * std)

    # var = sum(xc ** 2) / N
    dxc += 2 * xc * dvar / N

    # xc = x - mu, mu = sum(x) / N
    dmu = -np.sum(dxc, axis=0)
    dx = dxc + dmu / N

    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """
    批归一化反向传播, 化简后的公式 (在纸上推导过)。
    """
    x_norm, std, gamma = cache["x_norm"], cache["std"], cache["gamma"]
    N = dout.shape[0]

    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_norm).sum(axis=0)
    # 先乘 gamma, 再套公式
    dx_norm = dout * gamma
    dx = (N * dx_norm - dx_norm.sum(axis=0) - x_norm * (dx_norm * x_norm).sum(axis=0)) / (N * std)

    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """
    层归一化前向传播: 对每个样本的 D 个特征做归一化。
    x: (N, D); gamma, beta: (D,)
    """
    eps = ln_param.get("eps", 1e-5)
    # 转置之后每一列就是一个样本, 可以照搬 batchnorm 的写法
    xt = x.T                                   # (D, N)
    mu = xt.mean(axis=0)
    xc = xt - mu
    var = (xc ** 2).mean(axis=0)
    std = np.sqrt(var + eps)
    x_norm = (xc / std).T                      # 转回 (N, D)
    out = gamma * x_norm + beta
    cache = {"x_norm": x_norm, "std": std, "gamma": gamma}
    return out, cache


def layernorm_backward(dout, cache):
    """
    层归一化反向传播, 转置后复用 batchnorm 的化简公式。
    """
    x_norm, std, gamma = cache["x_norm"], cache["std"], cache["gamma"]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_norm).sum(axis=0)

    dxn_t = (dout * gamma).T                   # (D, N)
    xn_t = x_norm.T
    D = dxn_t.shape[0]
    dx_t = (D * dxn_t - dxn_t.sum(axis=0) - xn_t * (dxn_t * xn_t).sum(axis=0)) / (D * std)
    dx = dx_t.T
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """
    dropout 前向 (inverted dropout), p 是保留概率。
    """
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
    """卷积层前向 (朴素版本)"""
    out = None
    pass
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """卷积层反向 (朴素版本)"""
    dx, dw, db = None, None, None
    pass
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """最大池化前向 (朴素版本)"""
    out = None
    pass
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """最大池化反向 (朴素版本)"""
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
    """空间组归一化前向"""
    out = None
    eps = gn_param.get("eps", 1e-5)
    pass
    cache = None
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """空间组归一化反向"""
    dx, dgamma, dbeta = None, None, None
    pass
    return dx, dgamma, dbeta
