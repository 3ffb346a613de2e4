from builtins import range
import numpy as np
from random import shuffle
from past.builtins import xrange


def softmax_loss_naive(W, X, y, reg):
    """
    Softmax loss, naive version with loops.

    Inputs:
    - W: (D, C) weights.
    - X: (N, D) minibatch.
    - y: (N,) labels, 0 <= y[i] < C.
    - reg: (float) regularization strength.

    Returns a tuple of:
    - loss as single float
    - gradient with respect to weights W; an array of same shape as W
    """
    # Initialize the loss and gradient to zero.
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: softmax loss and gradient with explicit loops. Mind the numeric    #
    # stability and the regularization.                                        #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_train, num_classes = X.shape[0], W.shape[1]
    for i in range(num_train):
        scores = X[i].dot(W)
        scores = scores - scores.max()
        log_norm = np.log(np.sum(np.exp(scores)))
        loss += log_norm - scores[y[i]]
        for c in range(num_classes):
            prob = np.exp(scores[c] - log_norm)
            if c == y[i]:
                prob -= 1.0
            dW[:, c] += prob * X[i]

    loss = loss / num_train + reg * np.sum(W * W)
    dW = dW / num_train + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax loss, vectorized version.

    Inputs and outputs are the same as softmax_loss_naive.
    """
    # Initialize the loss and gradient to zero.
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: softmax loss and gradient without explicit loops.                  #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = X.shape[0]
    scores = X @ W
    scores -= scores.max(axis=1, keepdims=True)
    log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    loss = -np.take_along_axis(log_probs, y[:, None], axis=1).mean()
    loss += reg * np.sum(W * W)

    dscores = np.exp(log_probs)
    np.put_along_axis(dscores, y[:, None],
                      np.take_along_axis(dscores, y[:, None], axis=1) - 1.0, axis=1)
    dW = X.T @ dscores / N + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
