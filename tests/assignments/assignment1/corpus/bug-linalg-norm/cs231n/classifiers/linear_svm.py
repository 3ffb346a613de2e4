from builtins import range
import numpy as np
from random import shuffle


def svm_loss_naive(W, X, y, reg):
    """
    Multiclass SVM loss, loop version.

    Inputs:
    - W: shape (D, C)
    - X: shape (N, D)
    - y: shape (N,)
    - reg: float

    Returns:
    - loss: float
    - dW: shape (D, C)
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
                dW[:, j] = dW[:, j] + X[i] / num_train
                dW[:, y[i]] = dW[:, y[i]] - X[i] / num_train

    loss /= num_train
    loss += reg * np.sum(W * W)

    #############################################################################
    # TODO: gradient in dW.                                                     #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    # the 1/N is already inside the loop
    dW = dW + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    """
    Multiclass SVM loss, vectorised. Same as svm_loss_naive.
    """
    loss = 0.0
    dW = np.zeros(W.shape)

    #############################################################################
    # TODO: loss.                                                               #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = len(y)
    idx = np.arange(N)
    S = X.dot(W)
    margin = S - S[idx, y].reshape(N, 1) + 1
    margin[idx, y] = 0
    hinge = np.clip(margin, 0, None)
    loss = hinge.sum() / N + reg * np.sum(W * W)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    #############################################################################
    # TODO: gradient.                                                           #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dS = np.sign(hinge)                 # 1 where the margin is violated, else 0
    dS[idx, y] = -dS.sum(axis=1)
    dW = X.T.dot(dS) / N + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
