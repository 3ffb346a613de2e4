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
    x_row = x.reshape(N, -1)  # 把每个样本展平成一行
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

    out = np.maximum(0, x)

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
    shifted = x - np.max(x, axis=1, keepdims=True)  # 减去最大值，防止溢出
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

        # 训练模式：用当前 batch 的均值和方差
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

        # 测试模式：用滑动平均的统计量
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

    # 计算图反向：x_hat = xc * (1/std)
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
    """反向 dropout（inverted dropout）。p 是保留神经元的概率。

    输入 x 任意形状；dropout_param: p, mode ('train'/'test'), 可选 seed。
    返回 out（与 x 同形状）和 cache = (dropout_param, mask)。
    """
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])

    mask = None
    out = None

    if mode == "train":
        #######################################################################
        # TODO: 训练阶段的前向传播                                              #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # 以概率 p 保留，保留下来的除以 p，这样测试时不用再缩放
        mask = np.random.binomial(1, p, size=x.shape) / p
        out = x * mask

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                           END OF YOUR CODE                          #
        #######################################################################
    elif mode == "test":
        #######################################################################
        # TODO: 测试阶段的前向传播                                              #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        out = x  # 测试时什么都不做

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                            END OF YOUR CODE                         #
        #######################################################################

    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)

    return out, cache


def dropout_backward(dout, cache):
    """dropout 的反向传播。"""
    dropout_param, mask = cache
    mode = dropout_param["mode"]

    dx = None
    if mode == "train":
        #######################################################################
        # TODO: 训练阶段的反向传播                                              #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        dx = dout * mask

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################
    elif mode == "test":
        dx = dout
    return dx


def _im2col(x_pad, HH, WW, stride, H_out, W_out):
    """把每个感受野展开成一列：返回 (C*HH*WW, N*H_out*W_out)。"""
    N, C = x_pad.shape[:2]
    cols = np.zeros((C * HH * WW, N * H_out * W_out), dtype=x_pad.dtype)
    col = 0
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                patch = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                cols[:, col] = patch.reshape(-1)
                col += 1
    return cols


def _col2im(cols, x_pad_shape, HH, WW, stride, H_out, W_out):
    """_im2col 的逆操作：把每一列加回它来自的位置（重叠的地方要累加）。"""
    N, C = x_pad_shape[:2]
    x_pad = np.zeros(x_pad_shape, dtype=cols.dtype)
    col = 0
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += \
                    cols[:, col].reshape(C, HH, WW)
                col += 1
    return x_pad


def conv_forward_naive(x, w, b, conv_param):
    """卷积层前向传播（im2col 写法）。

    输入：x (N, C, H, W)，w (F, C, HH, WW)，b (F,)，conv_param 含 'stride' 和 'pad'。
    返回：out (N, F, H', W')，H' = 1 + (H + 2 * pad - HH) / stride；cache = (x, w, b, conv_param)。
    """
    out = None
    ###########################################################################
    # TODO: 卷积前向传播                                                        #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    stride, pad = conv_param['stride'], conv_param['pad']
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    # 只在 H、W 两个维度补零
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant', constant_values=0)
    cols = _im2col(x_pad, HH, WW, stride, H_out, W_out)
    res = w.reshape(F, -1).dot(cols) + b.reshape(-1, 1)        # (F, N*H_out*W_out)
    out = res.reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """卷积层反向传播：返回 dx (N, C, H, W), dw (F, C, HH, WW), db (F,)。"""
    dx, dw, db = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    x, w, b, conv_param = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    stride, pad = conv_param['stride'], conv_param['pad']
    _, _, H_out, W_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant')
    cols = _im2col(x_pad, HH, WW, stride, H_out, W_out)
    dres = dout.transpose(1, 0, 2, 3).reshape(F, -1)           # 和前向的 res 对应
    db = dres.sum(axis=1)
    dw = dres.dot(cols.T).reshape(w.shape)
    dcols = w.reshape(F, -1).T.dot(dres)
    dx_pad = _col2im(dcols, x_pad.shape, HH, WW, stride, H_out, W_out)
    dx = dx_pad[:, :, pad:pad + H, pad:pad + W]               # 去掉补的零

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """最大池化前向：x (N, C, H, W) -> out (N, C, H', W')，cache = (x, pool_param)。"""
    out = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N, C, H, W = x.shape
    ph, pw, stride = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    H_out = 1 + (H - ph) // stride
    W_out = 1 + (W - pw) // stride
    # 把 N 和 C 合在一起，当作 N*C 张单通道图片做 im2col
    cols = _im2col(x.reshape(N * C, 1, H, W), ph, pw, stride, H_out, W_out)   # (ph*pw, N*C*H_out*W_out)
    out = cols.max(axis=0).reshape(N, C, H_out, W_out)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """最大池化反向：梯度只传给每个窗口里最大的那个元素。"""
    dx = None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    x, pool_param = cache
    N, C, H, W = x.shape
    ph, pw, stride = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    H_out, W_out = dout.shape[2], dout.shape[3]
    cols = _im2col(x.reshape(N * C, 1, H, W), ph, pw, stride, H_out, W_out)
    idx = cols.argmax(axis=0)
    dcols = np.zeros_like(cols)
    dcols[idx, np.arange(cols.shape[1])] = dout.reshape(-1)
    # col2im 会把重叠窗口的梯度累加起来
    dx = _col2im(dcols, (N * C, 1, H, W), ph, pw, stride, H_out, W_out).reshape(N, C, H, W)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """空间 batch norm 前向：x (N, C, H, W)，gamma/beta (C,)；每个通道在 N、H、W 上求统计量。"""
    out, cache = None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N, C, H, W = x.shape
    # 先把通道换到最后，变成 (N*H*W, C)，直接复用普通的 batchnorm
    x2 = np.swapaxes(x, 1, 3).reshape(-1, C)          # (N, W, H, C)
    out2, cache = batchnorm_forward(x2, gamma, beta, bn_param)
    out = np.swapaxes(out2.reshape(N, W, H, C), 1, 3)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """空间 batch norm 反向：返回 dx (N, C, H, W), dgamma (C,), dbeta (C,)。"""
    dx, dgamma, dbeta = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N, C, H, W = dout.shape
    d2 = np.swapaxes(dout, 1, 3).reshape(-1, C)
    dx2, dgamma, dbeta = batchnorm_backward(d2, cache)
    dx = np.swapaxes(dx2.reshape(N, W, H, C), 1, 3)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """空间 group norm 前向：每个样本的 C 个通道分成 G 组，每组单独归一化。

    gamma/beta 的形状是 (1, C, 1, 1)。
    """
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N, C, H, W = x.shape
    cg = C // G                       # 每组的通道数
    x_hat = np.zeros_like(x, dtype=np.float64)
    stds = []
    for g in range(G):
        part = x[:, g * cg:(g + 1) * cg]                        # (N, cg, H, W)
        mu = part.mean(axis=(1, 2, 3), keepdims=True)
        std = np.sqrt(part.var(axis=(1, 2, 3), keepdims=True) + eps)
        x_hat[:, g * cg:(g + 1) * cg] = (part - mu) / std
        stds.append(std)
    out = gamma * x_hat + beta
    cache = (x_hat, stds, gamma, G)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """空间 group norm 反向：dx (N, C, H, W)，dgamma 和 dbeta 都是 (1, C, 1, 1)。"""
    dx, dgamma, dbeta = None, None, None
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    x_hat, stds, gamma, G = cache
    N, C, H, W = dout.shape
    cg = C // G
    dbeta = np.sum(dout, axis=(0, 2, 3)).reshape(1, C, 1, 1)
    dgamma = np.sum(dout * x_hat, axis=(0, 2, 3)).reshape(1, C, 1, 1)
    dxhat = dout * gamma
    dx = np.zeros_like(dout)
    m = cg * H * W                    # 每组里有多少个数
    for g in range(G):
        sl = slice(g * cg, (g + 1) * cg)
        dxh = dxhat[:, sl]
        xh = x_hat[:, sl]
        dx[:, sl] = (m * dxh - dxh.sum(axis=(1, 2, 3), keepdims=True)
                     - xh * (dxh * xh).sum(axis=(1, 2, 3), keepdims=True)) / (m * stds[g])

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dgamma, dbeta
