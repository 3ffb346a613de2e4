from builtins import range
import numpy as np


def softmax_loss_naive(W, X, y, reg):
    """
    Softmax cross-entropy with loops.

    Inputs:
    - W: (D, C)
    - X: (N, D)
    - y: (N,) labels, 0 <= y[i] < C
    - reg: L2 strength

    Returns:
    - loss: float
    - dW: (D, C)
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: loss and gradient with explicit loops (stable, regularised).        #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    n, n_cls = X.shape[0], W.shape[1]
    for i in range(n):
        sc = X[i] @ W
        sc = sc - np.max(sc)
        log_p = sc - np.log(np.sum(np.exp(sc)))
        p = np.exp(log_p)
        t = np.zeros(n_cls)
        t[y[i]] = 1.0                       # one-hot target
        loss -= np.sum(t * log_p)
        dW += np.outer(X[i], p - t)

    loss = loss / n + reg * np.sum(W ** 2)
    dW = dW / n + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """
    Vectorised softmax loss; same in/out as softmax_loss_naive.
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: loss and gradient without loops.                                    #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    n, n_cls = X.shape[0], W.shape[1]
    Y = np.eye(n_cls)[y]                    # (N, C) one-hot targets
    sc = X @ W
    sc -= sc.max(axis=1, keepdims=True)
    log_P = sc - np.log(np.exp(sc).sum(axis=1, keepdims=True))
    P = np.exp(log_P)
    # only the target entry of each row survives the product
    # (log_P stays finite, so 0 * log_P never makes a nan)
    loss = -np.sum(Y * log_P) / n + reg * np.sum(W ** 2)
    dW = X.T @ (P - Y) / n + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
