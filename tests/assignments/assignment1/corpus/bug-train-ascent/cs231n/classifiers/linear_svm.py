from builtins import range
import numpy as np


def svm_loss_naive(W, X, y, reg):
    """
    Multiclass SVM (hinge) loss with loops.

    Inputs:
    - W: (D, C)
    - X: (N, D)
    - y: (N,) labels, 0 <= y[i] < C
    - reg: L2 strength

    Returns:
    - loss: float
    - dW: (D, C)
    """
    dW = np.zeros(W.shape)

    n_cls = W.shape[1]
    n = X.shape[0]
    loss = 0.0
    for i in range(n):
        sc = X[i].dot(W)
        sy = sc[y[i]]
        for j in range(n_cls):
            if j == y[i]:
                continue
            margin = sc[j] - sy + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]

    loss /= n
    loss += reg * np.sum(W * W)

    #############################################################################
    # TODO: gradient into dW.                                                   #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dW /= n
    dW += reg * 2 * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    """
    Vectorised hinge loss; same in/out as svm_loss_naive.
    """
    loss = 0.0
    dW = np.zeros(W.shape)

    #############################################################################
    # TODO: vectorised loss.                                                    #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    n, n_cls = X.shape[0], W.shape[1]
    onehot = np.eye(n_cls, dtype=bool)[y]          # (N, C), True at the label
    sc = X @ W
    sy = sc[onehot]                                # (N,) one per row, in row order
    margins = np.maximum(0.0, sc - sy[:, None] + 1.0)
    margins[onehot] = 0.0
    loss = margins.sum() / n + reg * np.sum(W * W)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    #############################################################################
    # TODO: vectorised gradient.                                                #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    active = (margins > 0).astype(np.float64)
    # correct column: minus the number of violating classes
    coef = active - onehot * active.sum(axis=1, keepdims=True)
    dW = X.T @ coef / n + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
