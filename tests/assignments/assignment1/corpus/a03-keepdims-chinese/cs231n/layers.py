from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """
    仿射层（全连接层）的前向传播。

    Inputs:
    - x: 形状 (N, d_1, ..., d_k)
    - w: 形状 (D, M)，D = d_1 * ... * d_k
    - b: 形状 (M,)

    Returns:
    - out: 形状 (N, M)
    - cache: (x, w, b)
    """
    out = None
    ###########################################################################
    # TODO: 实现前向传播，先把每个样本展平成一行。                            #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    # 展平成 (N, D)，不改动原来的 x
    x_flat = x.reshape(x.shape[0], np.prod(x.shape[1:]))
    out = np.dot(x_flat, w) + b

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    仿射层的反向传播。

    Inputs:
    - dout: 上游梯度，形状 (N, M)
    - cache: (x, w, b)

    Returns:
    - dx: 形状 (N, d1, ..., d_k)
    - dw: 形状 (D, M)
    - db: 形状 (M,)
    """
    x, w, b = cache
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO: 实现反向传播。                                                    #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    x_flat = x.reshape(x.shape[0], np.prod(x.shape[1:]))
    dx = np.dot(dout, w.T).reshape(x.shape)   # 还原成 x 的形状
    dw = np.dot(x_flat.T, dout)
    db = np.sum(dout, axis=0)                 # 对 batch 求和

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dw, db


def relu_forward(x):
    """
    ReLU 前向传播。

    Input:
    - x: 任意形状

    Returns:
    - out: 形状同 x
    - cache: x
    """
    out = None
    ###########################################################################
    # TODO: 实现 ReLU 前向传播。                                              #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    out = np.maximum(x, 0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """
    ReLU 反向传播。

    Input:
    - dout: 上游梯度
    - cache: 输入 x

    Returns:
    - dx: 对 x 的梯度
    """
    dx, x = None, cache
    ###########################################################################
    # TODO: 实现 ReLU 反向传播。                                              #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    # 复制一份，不要改动 dout
    dx = dout.copy()
    dx[x <= 0] = 0

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx


def svm_loss(x, y):
    """
    多类 SVM 损失。

    Inputs:
    - x: 分数，形状 (N, C)
    - y: 标签，形状 (N,)

    Returns:
    - loss: 标量
    - dx: 对 x 的梯度
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: 实现 SVM 损失和梯度。                                            #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    correct = np.take_along_axis(x, y.reshape(-1, 1), axis=1)   # (N, 1)
    margins = np.maximum(0, x - correct + 1)
    np.put_along_axis(margins, y.reshape(-1, 1), 0, axis=1)
    loss = np.sum(margins) / N

    dx = (margins > 0).astype(float)
    n_pos = np.sum(dx, axis=1, keepdims=True)
    np.put_along_axis(dx, y.reshape(-1, 1), -n_pos, axis=1)
    dx /= N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx


def softmax_loss(x, y):
    """
    Softmax 交叉熵损失。

    Inputs:
    - x: 分数，形状 (N, C)
    - y: 标签，形状 (N,)

    Returns:
    - loss: 标量
    - dx: 对 x 的梯度
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: 实现 softmax 损失和梯度。                                        #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    shifted = x - np.max(x, axis=1, keepdims=True)
    exp_x = np.exp(shifted)
    probs = exp_x / np.sum(exp_x, axis=1, keepdims=True)
    loss = -np.sum(np.log(probs[np.arange(N), y])) / N

    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx = dx / N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx
