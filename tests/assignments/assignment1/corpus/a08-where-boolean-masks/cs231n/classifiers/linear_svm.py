from builtins import range
import numpy as np
from random import shuffle


def svm_loss_naive(W, X, y, reg):
    """
    SVM loss with loops.

    Inputs:
    - W: (D, C)
    - X: (N, D)
    - y: (N,)
    - reg: float

    Returns:
    - loss, dW (D, C)
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
    # TODO: dW.                                                                 #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dW = dW / num_train + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    """
    SVM loss without loops.
    """
    loss = 0.0
    dW = np.zeros(W.shape)

    #############################################################################
    # TODO: loss.                                                               #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = X.shape[0]
    scores = X.dot(W)
    is_true = np.zeros(scores.shape, dtype=bool)
    is_true[np.arange(N), y] = True
    true_scores = scores[is_true].reshape(N, 1)          # one True per row
    margins = np.where(is_true, 0.0, np.maximum(0.0, scores - true_scores + 1.0))
    loss = np.sum(margins) / N + reg * np.sum(W * W)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    #############################################################################
    # TODO: dW.                                                                 #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    active = margins > 0
    coeff = active.astype(float)
    coeff[is_true] = -active.sum(axis=1)
    dW = X.T.dot(coeff) / N + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
