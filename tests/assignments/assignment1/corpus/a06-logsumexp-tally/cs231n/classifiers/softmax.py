from builtins import range
import numpy as np
from random import shuffle


def _log_softmax(s):
    """log of the softmax along the last axis, via the log-sum-exp trick."""
    m = np.max(s, axis=-1, keepdims=True)
    return s - m - np.log(np.sum(np.exp(s - m), axis=-1, keepdims=True))


def softmax_loss_naive(W, X, y, reg):
    """
    Softmax loss, loop version.

    Inputs:
    - W: shape (D, C)
    - X: shape (N, D)
    - y: shape (N,)
    - reg: float

    Returns:
    - loss: float
    - dW: shape (D, C)
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: loss and gradient with loops (stable, with regularisation).         #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = X.shape[0]
    for i in range(N):
        logp = _log_softmax(X[i].dot(W))
        loss -= logp[y[i]]
        g = np.exp(logp)
        g[y[i]] -= 1.0
        dW += np.outer(X[i], g)
    loss /= N
    dW /= N

    # L2 written as 0.5 * reg * ||W||^2
    loss += 0.5 * reg * np.sum(W * W)
    dW += reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax loss, vectorised. Same as softmax_loss_naive.
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: loss and gradient without loops.                                    #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = X.shape[0]
    logp = _log_softmax(X.dot(W))                 # (N, C)
    loss = -np.mean(logp[np.arange(N), y]) + 0.5 * reg * np.sum(W * W)
    g = np.exp(logp)
    g[np.arange(N), y] -= 1.0
    dW = X.T.dot(g) / N + reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
