from builtins import range
import numpy as np
from random import shuffle


def svm_loss_naive(W, X, y, reg):
    """
    Hinge loss with for-loops. W (D, C), X (N, D), y (N,), reg float.
    Returns (loss, dW) with dW of shape (D, C).
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
                dW[:, j] += X[i].T
                dW[:, y[i]] += -X[i].T

    loss /= num_train
    loss += reg * np.sum(W * W)

    #############################################################################
    # TODO: dW                                                                  #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dW /= num_train
    dW += reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    """
    Hinge loss, vectorised. Same in/out as svm_loss_naive.
    """
    loss = 0.0
    dW = np.zeros(W.shape)

    #############################################################################
    # TODO: loss                                                                #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_train = X.shape[0]
    scores = np.tensordot(X, W, axes=1)
    correct = scores[np.arange(num_train), y]
    margins = (scores.T - correct + 1).T           # transpose trick instead of a column
    margins[np.arange(num_train), y] = 0
    margins = np.maximum(margins, 0)
    loss = np.sum(margins) / num_train + reg * np.sum(W * W)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    #############################################################################
    # TODO: dW                                                                  #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    weights = np.greater(margins, 0).astype(float)
    weights[np.arange(num_train), y] = -weights.sum(axis=1)
    dW = np.tensordot(X, weights, axes=([0], [0])) / num_train + reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
