from builtins import range
import numpy as np
from random import shuffle
from past.builtins import xrange


def softmax_loss_naive(W, X, y, reg):
    """
    Cross-entropy loss of a linear softmax classifier, with explicit loops.

    Inputs:
    - W: weights, shape (D, C).
    - X: minibatch, shape (N, D).
    - y: labels, shape (N,), integers in [0, C).
    - reg: regularization strength (float).

    Returns a tuple of:
    - loss: float
    - dW: gradient with respect to W, shape (D, C)
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: softmax loss and gradient with explicit loops, in loss and dW.      #
    # Watch out for numeric instability, and do not forget the regularization! #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_train = X.shape[0]
    num_classes = W.shape[1]
    for i in range(num_train):
        f = X[i].dot(W)
        f -= np.max(f)              # shift so the largest score is 0
        p = np.exp(f) / np.sum(np.exp(f))
        loss += -np.log(p[y[i]])
        for j in range(num_classes):
            dW[:, j] += (p[j] - (j == y[i])) * X[i]

    loss = loss / num_train + reg * np.sum(W * W)
    dW = dW / num_train + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax cross-entropy without loops; same inputs and outputs as
    softmax_loss_naive.
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: softmax loss and gradient without explicit loops, in loss and dW.   #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    exp_scores = np.exp(scores)
    probs = exp_scores / exp_scores.sum(axis=1, keepdims=True)

    loss = -np.sum(np.log(probs[np.arange(num_train), y])) / num_train
    loss += reg * np.sum(W * W)

    dscores = probs.copy()
    dscores[np.arange(num_train), y] -= 1
    dW = X.T.dot(dscores) / num_train + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
