from builtins import range
import numpy as np
from random import shuffle


def softmax_loss_naive(W, X, y, reg):
    """
    Softmax loss computed with loops.

    Inputs:
    - W: numpy array (D, C) of weights
    - X: numpy array (N, D) of data
    - y: numpy array (N,) of labels in [0, C)
    - reg: float, regularization strength

    Returns a tuple of:
    - loss: float
    - dW: numpy array (D, C)
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO:                                                                     #
    # softmax loss and gradient using loops; mind numerical stability and add  #
    # the regularization.                                                       #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_train = X.shape[0]
    num_classes = W.shape[1]
    for i in range(num_train):
        scores = X[i].dot(W)
        # softmax is unchanged by a constant shift; shifting by the max keeps
        # exp() from overflowing
        scores -= np.max(scores)
        exp_scores = np.exp(scores)
        prob = exp_scores / np.sum(exp_scores)

        # L_i = -log p_{y_i}
        loss += -np.log(prob[y[i]])

        # dL_i/ds_j = p_j - [j == y_i], and ds_j/dW[:, j] = x_i
        for j in range(num_classes):
            dW[:, j] += (prob[j] - (1 if j == y[i] else 0)) * X[i]

    loss /= num_train
    dW /= num_train

    loss += reg * np.sum(W * W)
    dW += 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax loss, vectorised. Inputs and outputs as softmax_loss_naive.
    """
    loss = 0.0
    dW = np.zeros_like(W)

    #############################################################################
    # TODO:                                                                     #
    # softmax loss and gradient without loops.                                  #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_train = X.shape[0]
    all_rows = np.arange(num_train)

    scores = X.dot(W)
    scores -= np.max(scores, axis=1, keepdims=True)     # per-row shift
    exp_scores = np.exp(scores)
    prob = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)

    loss = np.sum(-np.log(prob[all_rows, y])) / num_train
    loss += reg * np.sum(W * W)

    dscores = prob
    dscores[all_rows, y] -= 1
    dscores /= num_train
    dW = X.T.dot(dscores) + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
