from builtins import range
import numpy as np
from random import shuffle


def svm_loss_naive(W, X, y, reg):
    """
    Multiclass SVM loss computed with loops.

    Inputs:
    - W: numpy array (D, C) of weights
    - X: numpy array (N, D) of data
    - y: numpy array (N,) of labels in [0, C)
    - reg: float, regularization strength

    Returns a tuple of:
    - loss: float
    - dW: numpy array (D, C)
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
                # d margin / d W[:, j] = x_i, d margin / d W[:, y_i] = -x_i
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]

    loss /= num_train
    loss += reg * np.sum(W * W)

    #############################################################################
    # TODO:                                                                     #
    # gradient of the loss, stored in dW.                                       #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    # the data term was summed in the loop: average it like the loss
    dW /= num_train
    # d/dW of reg * sum(W^2)
    dW += 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    """
    Multiclass SVM loss, vectorised. Inputs and outputs as svm_loss_naive.
    """
    loss = 0.0
    dW = np.zeros(W.shape)

    #############################################################################
    # TODO:                                                                     #
    # the loss, without loops.                                                  #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_train = X.shape[0]
    all_rows = np.arange(num_train)

    scores = X.dot(W)                                   # (N, C)
    correct_scores = scores[all_rows, y]                # (N,)
    margins = scores - correct_scores.reshape(-1, 1) + 1
    margins = np.maximum(0, margins)
    margins[all_rows, y] = 0                            # j == y_i is not summed
    loss = np.sum(margins) / num_train
    loss += reg * np.sum(W * W)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    #############################################################################
    # TODO:                                                                     #
    # the gradient, without loops.                                              #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    # dL/dscores: +1 for each violating class, -(number of violations) for y_i
    dscores = np.zeros_like(scores)
    dscores[margins > 0] = 1
    violations = np.sum(dscores, axis=1)
    dscores[all_rows, y] = -violations
    dscores /= num_train

    # scores = X W  =>  dW = X^T dscores
    dW = X.T.dot(dscores)
    dW += 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
