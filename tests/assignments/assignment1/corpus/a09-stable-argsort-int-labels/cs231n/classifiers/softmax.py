from builtins import range
import numpy as np
from random import shuffle


def softmax_loss_naive(W, X, y, reg):
    """
    Softmax loss, naive.

    Inputs:
    - W: (D, C) float array
    - X: (N, D) float array
    - y: (N,) int array
    - reg: float

    Returns:
    - loss: float
    - dW: (D, C)
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: naive loss and gradient.                                            #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_train = X.shape[0]
    for xi, yi in zip(X, y):
        f = np.matmul(xi, W)
        f = f - f.max()
        probs = np.exp(f) / np.exp(f).sum()
        loss -= np.log(probs[yi])
        probs[yi] -= 1
        dW += np.outer(xi, probs)
    loss = loss / num_train + reg * np.sum(np.square(W))
    dW = dW / num_train + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax loss, vectorised; same in/out as softmax_loss_naive.
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO: vectorised loss and gradient.                                       #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_train = X.shape[0]
    f = np.matmul(X, W)
    f = f - f.max(axis=1, keepdims=True)
    probs = np.exp(f)
    probs /= probs.sum(axis=1, keepdims=True)
    loss = -np.log(probs[range(num_train), y]).sum() / num_train
    loss += reg * np.sum(np.square(W))
    probs[range(num_train), y] -= 1
    dW = np.matmul(X.T, probs) / num_train + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
