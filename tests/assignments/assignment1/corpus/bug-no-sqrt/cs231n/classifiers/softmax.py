from builtins import range
import numpy as np
from random import shuffle


def softmax_loss_naive(W, X, y, reg):
    """
    Softmax (cross-entropy) loss, loop version.

    Inputs:
    - W: (D, C) weights
    - X: (N, D) data
    - y: (N,) labels in 0..C-1
    - reg: float, regularization strength

    Returns:
    - loss (float), dW (D, C)
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: loss and gradient with explicit loops. Keep it numerically stable  #
    # and include the regularization.                                           #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = X.shape[0]
    for i in range(N):
        s = X[i] @ W
        s = s - s.max()
        e = np.exp(s)
        p = e / e.sum()
        loss -= np.log(p[y[i]])
        dp = p.copy()
        dp[y[i]] -= 1
        dW += np.outer(X[i], dp)

    loss /= N
    dW /= N
    # 1/2 * reg * ||W||^2 so the gradient is just reg * W
    loss += 0.5 * reg * np.sum(W * W)
    dW += reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax loss, no loops. Same interface as softmax_loss_naive.
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: loss and gradient without explicit loops.                           #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = X.shape[0]
    S = X @ W
    S -= np.max(S, axis=1)[:, np.newaxis]
    E = np.exp(S)
    P = E / np.sum(E, axis=1)[:, np.newaxis]
    loss = -np.sum(np.log(np.choose(y, P.T))) / N + 0.5 * reg * np.sum(W * W)

    P[np.arange(N), y] -= 1
    dW = X.T @ P / N + reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
