from builtins import range
import numpy as np
from random import shuffle


def svm_loss_naive(W, X, y, reg):
    """
    Multiclass SVM loss, loop version.

    Inputs:
    - W: (D, C) weights
    - X: (N, D) data
    - y: (N,) labels in 0..C-1
    - reg: float, regularization strength

    Returns:
    - loss (float), dW (D, C)
    """
    dW = np.zeros(W.shape)

    C = W.shape[1]
    N = X.shape[0]
    loss = 0.0
    for i in range(N):
        s = X[i].dot(W)
        s_true = s[y[i]]
        for j in range(C):
            if j == y[i]:
                continue
            margin = s[j] - s_true + 1  # delta = 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i, :]
                dW[:, y[i]] += -X[i, :]

    # mean over examples
    loss /= N

    # regularization
    loss += reg * np.sum(W * W)

    #############################################################################
    # TODO: the gradient, in dW (the loop above may be changed).                #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dW = dW / N + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    """
    Multiclass SVM loss, no loops. Same interface as svm_loss_naive.
    """
    loss = 0.0
    dW = np.zeros(W.shape)

    #############################################################################
    # TODO: vectorized loss into loss.                                          #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = X.shape[0]
    S = X @ W
    s_true = np.choose(y, S.T)                 # S[i, y[i]] for every i
    M = S - s_true[:, np.newaxis] + 1
    M[np.arange(N), y] = 0
    M = np.maximum(M, 0)
    loss = M.sum() / N + reg * (W ** 2).sum()

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    #############################################################################
    # TODO: vectorized gradient into dW.                                        #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    G = np.zeros_like(M)
    G[M > 0] = 1
    G[np.arange(N), y] -= G.sum(axis=1)
    dW = X.T @ G / N + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
