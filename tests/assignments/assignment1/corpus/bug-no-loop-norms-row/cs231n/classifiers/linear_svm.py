from builtins import range
import numpy as np
from random import shuffle


def svm_loss_naive(W, X, y, reg):
    """
    Hinge loss, naive.

    Inputs:
    - W: (D, C) float array
    - X: (N, D) float array
    - y: (N,) int array
    - reg: float

    Returns:
    - loss: float
    - dW: (D, C)
    """
    dW = np.zeros(W.shape)

    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    for i, (xi, yi) in enumerate(zip(X, y)):
        scores = xi.dot(W)
        correct_class_score = scores[yi]
        for j in range(num_classes):
            if j == yi:
                continue
            margin = scores[j] - correct_class_score + 1
            if margin > 0:
                loss += margin
                dW[:, j] += xi
                dW[:, yi] -= xi

    loss /= num_train
    loss += reg * np.sum(W * W)

    #############################################################################
    # TODO: finish dW.                                                          #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dW = dW / num_train
    dW = dW + reg * 2 * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    """
    Hinge loss, vectorised; same in/out as svm_loss_naive.
    """
    loss = 0.0
    dW = np.zeros(W.shape)

    #############################################################################
    # TODO: loss.                                                               #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_train = X.shape[0]
    scores = np.matmul(X, W)
    correct = scores[range(num_train), y]
    margins = scores - correct[:, None] + 1
    margins[range(num_train), y] = 0
    margins = margins * (margins > 0)
    loss = np.sum(margins) / num_train + reg * np.sum(np.square(W))

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    #############################################################################
    # TODO: gradient.                                                           #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    ind = (margins > 0) * 1.0
    ind[range(num_train), y] = -np.sum(ind, axis=1)
    dW = np.matmul(X.T, ind) / num_train + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
