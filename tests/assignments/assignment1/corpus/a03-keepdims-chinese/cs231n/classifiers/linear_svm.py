from builtins import range
import numpy as np
from random import shuffle


def svm_loss_naive(W, X, y, reg):
    """
    结构化 SVM 损失，朴素实现（循环）。

    Inputs:
    - W: 权重，形状 (D, C)
    - X: 一个小批量数据，形状 (N, D)
    - y: 标签，形状 (N,)，0 <= y[i] < C
    - reg: (float) 正则化强度

    Returns:
    - loss: 标量
    - dW: 对 W 的梯度，形状同 W
    """
    dW = np.zeros(W.shape)  # 梯度初始化为 0

    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_score + 1  # delta = 1
            if margin > 0:
                loss += margin
                # 对 s_j 的导数是 +x_i，对 s_{y_i} 的导数是 -x_i
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]

    # 取平均
    loss /= num_train

    # 加上正则项
    loss += reg * np.sum(W * W)

    #############################################################################
    # TODO: 计算梯度存入 dW（可以修改上面的循环，在算损失的同时算梯度）。       #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    # 和损失一样要除以 N；reg * sum(W^2) 的导数是 2 * reg * W
    dW /= num_train
    dW += 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    """
    结构化 SVM 损失，向量化实现。输入输出同 svm_loss_naive。
    """
    loss = 0.0
    dW = np.zeros(W.shape)  # 梯度初始化为 0

    #############################################################################
    # TODO: 向量化地计算 SVM 损失，存入 loss。                                  #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_train = X.shape[0]
    scores = X.dot(W)                                             # (N, C)
    # take_along_axis 取出每行正确类别的分数，保持 (N, 1) 的形状
    correct = np.take_along_axis(scores, y.reshape(-1, 1), axis=1)
    margins = np.maximum(0, scores - correct + 1)
    # 正确类别自己那一项不算
    np.put_along_axis(margins, y.reshape(-1, 1), 0, axis=1)
    loss = np.sum(margins) / num_train
    loss += reg * np.sum(W * W)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    #############################################################################
    # TODO: 向量化地计算梯度，存入 dW。                                          #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    # 每个正的 margin 贡献 +1，正确类别那一列贡献 -(正 margin 的个数)
    mask = (margins > 0).astype(float)
    row_count = np.sum(mask, axis=1, keepdims=True)
    np.put_along_axis(mask, y.reshape(-1, 1), -row_count, axis=1)
    dW = X.T.dot(mask) / num_train
    dW += 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
