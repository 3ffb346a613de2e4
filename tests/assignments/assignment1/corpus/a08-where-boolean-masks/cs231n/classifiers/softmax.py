from builtins import range
import numpy as np
from random import shuffle


def softmax_loss_naive(W, X, y, reg):
    """
    Softmax loss with loops.

    Inputs:
    - W: (D, C)
    - X: (N, D)
    - y: (N,)
    - reg: float

    Returns:
    - loss, dW (D, C)
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: loss and dW with loops.                                             #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N, C = X.shape[0], W.shape[1]
    for n in range(N):
        s = np.zeros(C)
        for c in range(C):
            s[c] = X[n].dot(W[:, c])
        s -= s.max()
        e = np.exp(s)
        denom = e.sum()
        loss += np.log(denom) - s[y[n]]
        for c in range(C):
            dW[:, c] += (e[c] / denom) * X[n]
        dW[:, y[n]] -= X[n]

    loss = loss / N + reg * np.sum(W * W)
    dW = dW / N + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax loss without loops.
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: loss and dW without loops.                                          #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = X.shape[0]
    s = X.dot(W)
    s = s - s.max(axis=1, keepdims=True)
    p = np.exp(s)
    p = p / p.sum(axis=1, keepdims=True)
    is_true = np.zeros(p.shape, dtype=bool)
    is_true[np.arange(N), y] = True
    loss = -np.log(p[is_true]).sum() / N + reg * np.sum(W * W)
    dW = X.T.dot(p - is_true) / N + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
