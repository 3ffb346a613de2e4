from builtins import range
import math

import numpy as np
from random import shuffle


def softmax_loss_naive(W, X, y, reg):
    """
    Softmax loss with for-loops over examples and classes.
    W (D, C), X (N, D), y (N,), reg float -> (loss, dW (D, C)).
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: naive softmax                                                       #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_train = X.shape[0]
    num_classes = W.shape[1]
    for i in range(num_train):
        scores = X[i].dot(W)
        top = max(scores)
        exps = [math.exp(scores[c] - top) for c in range(num_classes)]
        total = sum(exps)
        loss += -math.log(exps[y[i]] / total)
        for c in range(num_classes):
            p = exps[c] / total
            if c == y[i]:
                p -= 1.0
            dW[:, c] += p * X[i]

    loss /= num_train
    dW /= num_train
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax loss, vectorised. Same in/out as softmax_loss_naive.
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: vectorised softmax                                                  #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_train = X.shape[0]
    scores = np.tensordot(X, W, axes=1)
    scores = (scores.T - scores.max(axis=1)).T
    exps = np.exp(scores)
    probs = (exps.T / exps.sum(axis=1)).T
    loss = -np.log(probs[np.arange(num_train), y]).mean() + reg * np.sum(W * W)
    probs[np.arange(num_train), y] -= 1
    dW = np.tensordot(X, probs, axes=([0], [0])) / num_train + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
