from builtins import range
import numpy as np
from random import shuffle
from past.builtins import xrange


def svm_loss_naive(W, X, y, reg):
    """
    Multiclass hinge loss (delta = 1) with explicit loops.

    Inputs:
    - W: weights, shape (D, C).
    - X: minibatch, shape (N, D).
    - y: labels, shape (N,), integers in [0, C).
    - reg: regularization strength (float).

    Returns a tuple of:
    - loss: float
    - dW: gradient with respect to W, shape (D, C)
    """
    dW = np.zeros(W.shape)  # gradient starts at zero

    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1  # delta is 1
            if margin > 0:
                loss += margin
                # this class pushes up on column j and down on the true column
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]

    # average over the batch
    loss /= num_train

    # L2 penalty
    loss += reg * np.sum(W * W)

    #############################################################################
    # TODO:                                                                     #
    # gradient of the loss in dW. It is easier to build it while the loss is    #
    # being computed, so the loop above may be changed.                         #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dW /= num_train
    dW += 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    """
    Multiclass hinge loss without loops; same inputs and outputs as
    svm_loss_naive.
    """
    loss = 0.0
    dW = np.zeros(W.shape)

    #############################################################################
    # TODO:                                                                     #
    # vectorized structured SVM loss, stored in loss.                           #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_train = X.shape[0]
    scores = X.dot(W)                                          # (N, C)
    correct = scores[np.arange(num_train), y].reshape(-1, 1)   # (N, 1)
    margins = np.maximum(0, scores - correct + 1)
    margins[np.arange(num_train), y] = 0
    loss = np.sum(margins) / num_train + reg * np.sum(W * W)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    #############################################################################
    # TODO:                                                                     #
    # vectorized gradient, stored in dW. Reusing values from the loss helps.    #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    coeff = (margins > 0).astype(X.dtype)
    coeff[np.arange(num_train), y] = -np.sum(coeff, axis=1)
    dW = X.T.dot(coeff) / num_train + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
