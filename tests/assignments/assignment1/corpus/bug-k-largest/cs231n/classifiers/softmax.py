from builtins import range
import numpy as np
from random import shuffle


def softmax_loss_naive(W, X, y, reg):
    """
    Softmax 损失，朴素实现（循环）。

    Inputs:
    - W: 权重，形状 (D, C)
    - X: 一个小批量数据，形状 (N, D)
    - y: 标签，形状 (N,)，0 <= y[i] < C
    - reg: (float) 正则化强度

    Returns:
    - loss: 标量
    - dW: 对 W 的梯度，形状同 W
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: 用循环计算 softmax 损失和梯度。注意数值稳定性，别忘了正则化。      #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_train = X.shape[0]
    for i in range(num_train):
        scores = X[i].dot(W)
        # 减去最大值防止 exp 溢出，结果不变
        scores -= np.max(scores)
        exp_scores = np.exp(scores)
        probs = exp_scores / np.sum(exp_scores)
        loss += -np.log(probs[y[i]])
        # dL/ds = p - onehot(y)
        probs[y[i]] -= 1
        dW += X[i][:, np.newaxis] * probs[np.newaxis, :]

    loss = loss / num_train + reg * np.sum(W * W)
    dW = dW / num_train + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax 损失，向量化实现。输入输出同 softmax_loss_naive。
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: 不用循环计算 softmax 损失和梯度。                                   #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_train = X.shape[0]
    scores = X.dot(W)
    # 每一行减去该行的最大值（keepdims 保持 (N, 1)）
    scores = scores - np.max(scores, axis=1, keepdims=True)
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)

    correct_probs = np.take_along_axis(probs, y.reshape(-1, 1), axis=1)
    loss = -np.sum(np.log(correct_probs)) / num_train
    loss += reg * np.sum(W * W)

    dscores = probs
    dscores[np.arange(num_train), y] -= 1
    dW = X.T.dot(dscores) / num_train + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
