from builtins import range
from typing import Tuple

import numpy as np
from random import shuffle


def _hinge_margins(scores: np.ndarray, y: np.ndarray, delta: float = 1.0) -> np.ndarray:
    """
    Margins max(0, s_j - s_y + delta) with the correct-class entries set to 0.

    Inputs:
    - scores: (N, C)
    - y: (N,)

    Returns:
    - margins: (N, C)
    """
    n = scores.shape[0]
    correct = scores[np.arange(n), y]
    margins = np.maximum(0.0, scores - correct[:, np.newaxis] + delta)
    margins[np.arange(n), y] = 0.0
    return margins


def _hinge_grad_scores(margins: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Gradient of sum(margins) with respect to the scores, (N, C)."""
    n = margins.shape[0]
    g = (margins > 0).astype(np.float64)
    g[np.arange(n), y] = -g.sum(axis=1)
    return g


def svm_loss_naive(W, X, y, reg):
    """
    Structured SVM loss, looping over examples and classes.

    Inputs:
    - W: (D, C) weights
    - X: (N, D) minibatch
    - y: (N,) labels
    - reg: L2 strength

    Returns:
    - loss: float
    - dW: (D, C)
    """
    dW = np.zeros(W.shape)

    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]

    loss /= num_train
    loss += reg * np.sum(W * W)

    #############################################################################
    # TODO: gradient into dW.                                                   #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dW /= num_train
    dW += 2.0 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    """
    Structured SVM loss without loops; same interface as svm_loss_naive.
    """
    loss = 0.0
    dW = np.zeros(W.shape)

    #############################################################################
    # TODO: loss.                                                               #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_train = X.shape[0]
    margins = _hinge_margins(X.dot(W), y)
    loss = margins.sum() / num_train + reg * np.sum(W * W)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    #############################################################################
    # TODO: gradient.                                                           #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dscores = _hinge_grad_scores(margins, y) / num_train
    dW = X.T.dot(dscores) + 2.0 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
