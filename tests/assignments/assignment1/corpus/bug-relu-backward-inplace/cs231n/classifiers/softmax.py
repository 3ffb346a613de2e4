from builtins import range
from typing import Tuple

import numpy as np
from random import shuffle


def _stable_softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax of (N, C) scores (or of one (C,) row), max-shifted."""
    shifted = scores - np.max(scores, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def _l2(W: np.ndarray, reg: float) -> Tuple[float, np.ndarray]:
    """reg * ||W||^2 and its gradient."""
    return reg * np.sum(W * W), 2.0 * reg * W


def softmax_loss_naive(W, X, y, reg):
    """
    Softmax cross-entropy with loops.

    Inputs:
    - W: (D, C) weights
    - X: (N, D) minibatch
    - y: (N,) labels
    - reg: L2 strength

    Returns:
    - loss: float
    - dW: (D, C)
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: loss and gradient with loops, stable, regularised.                  #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_train, num_classes = X.shape[0], W.shape[1]
    for i in range(num_train):
        p = _stable_softmax(X[i].dot(W))
        loss += -np.log(p[y[i]])
        for c in range(num_classes):
            indicator = 1.0 if c == y[i] else 0.0
            dW[:, c] += (p[c] - indicator) * X[i]
    loss /= num_train
    dW /= num_train
    r_loss, r_grad = _l2(W, reg)
    loss += r_loss
    dW += r_grad

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax cross-entropy without loops; same interface as the naive one.
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: loss and gradient without loops.                                    #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_train = X.shape[0]
    P = _stable_softmax(X.dot(W))
    rows = np.arange(num_train)
    loss = -np.log(P[rows, y]).mean()
    dS = P.copy()
    dS[rows, y] -= 1.0
    dW = X.T.dot(dS) / num_train
    r_loss, r_grad = _l2(W, reg)
    loss += r_loss
    dW += r_grad

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
