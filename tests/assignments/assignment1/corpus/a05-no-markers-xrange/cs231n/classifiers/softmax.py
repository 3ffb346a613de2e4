from __future__ import division

from builtins import range
import numpy as np
from random import shuffle
from past.builtins import xrange


def softmax_loss_naive(W, X, y, reg):
    """
    Softmax loss with loops.
    W: (D, C), X: (N, D), y: (N,), reg: float -> (loss, dW)
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: loss and gradient with loops                                        #
    #############################################################################
    num_train = X.shape[0]
    num_classes = W.shape[1]
    for i in xrange(num_train):
        scores = X[i].dot(W)
        scores -= scores.max()
        sum_exp = np.sum(np.exp(scores))
        loss += np.log(sum_exp) - scores[y[i]]
        for j in xrange(num_classes):
            p_j = np.exp(scores[j]) / sum_exp
            if j == y[i]:
                dW[:, j] += (p_j - 1) * X[i]
            else:
                dW[:, j] += p_j * X[i]

    loss /= num_train
    dW /= num_train
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    #############################################################################
    #                          END OF YOUR CODE                                 #
    #############################################################################

    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax loss, no loops. Same in/out as softmax_loss_naive.
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: loss and gradient, no loops                                         #
    #############################################################################
    num_train = X.shape[0]
    rows = np.arange(num_train)
    scores = X.dot(W)
    scores -= scores.max(axis=1)[:, np.newaxis]
    sum_exp = np.exp(scores).sum(axis=1)
    loss = np.sum(np.log(sum_exp) - scores[rows, y]) / num_train
    loss += reg * np.sum(W * W)

    probs = np.exp(scores) / sum_exp[:, np.newaxis]
    probs[rows, y] -= 1
    dW = X.T.dot(probs) / num_train
    dW += 2 * reg * W
    #############################################################################
    #                          END OF YOUR CODE                                 #
    #############################################################################

    return loss, dW
