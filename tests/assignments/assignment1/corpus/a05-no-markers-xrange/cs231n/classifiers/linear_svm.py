from __future__ import division

from builtins import range
import numpy as np
from random import shuffle
from past.builtins import xrange


def svm_loss_naive(W, X, y, reg):
    """
    Hinge loss with loops.
    W: (D, C), X: (N, D), y: (N,), reg: float -> (loss, dW)
    """
    dW = np.zeros(W.shape)

    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    for i in xrange(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        n_violations = 0
        for j in xrange(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                n_violations += 1
        # the correct column is pulled down once per violating class
        dW[:, y[i]] -= n_violations * X[i]

    loss /= num_train
    loss += reg * np.sum(W * W)

    #############################################################################
    # TODO: gradient -> dW                                                      #
    #############################################################################
    dW /= num_train
    dW += 2 * reg * W
    #############################################################################
    #                             END OF YOUR CODE                              #
    #############################################################################

    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    """
    Hinge loss, no loops. Same in/out as svm_loss_naive.
    """
    loss = 0.0
    dW = np.zeros(W.shape)

    #############################################################################
    # TODO: loss                                                                #
    #############################################################################
    num_train = X.shape[0]
    rows = np.arange(num_train)
    scores = X.dot(W)
    margins = scores - scores[rows, y][:, np.newaxis] + 1
    margins[rows, y] = 0
    margins[margins < 0] = 0
    loss = margins.sum() / num_train
    loss += reg * np.sum(W * W)
    #############################################################################
    # TODO: gradient                                                            #
    #############################################################################
    indicator = np.zeros(scores.shape)
    indicator[margins > 0] = 1
    indicator[rows, y] = -indicator.sum(axis=1)
    dW = X.T.dot(indicator)
    dW /= num_train
    dW += 2 * reg * W
    #############################################################################
    #                             END OF YOUR CODE                              #
    #############################################################################

    return loss, dW
