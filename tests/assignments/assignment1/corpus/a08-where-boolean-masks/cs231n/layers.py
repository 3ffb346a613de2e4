from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """
    Affine forward.

    Inputs:
    - x: (N, d_1, ..., d_k)
    - w: (D, M)
    - b: (M,)

    Returns:
    - out: (N, M)
    - cache: (x, w, b)
    """
    out = None
    ###########################################################################
    # TODO: forward.                                                          #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    rows = x.reshape((x.shape[0], -1))
    out = rows.dot(w) + b[np.newaxis, :]

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    Affine backward.

    Inputs:
    - dout: (N, M)
    - cache: (x, w, b)

    Returns:
    - dx: (N, d1, ..., d_k)
    - dw: (D, M)
    - db: (M,)
    """
    x, w, b = cache
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO: backward.                                                         #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    rows = x.reshape((x.shape[0], -1))
    dw = rows.T.dot(dout)
    db = dout.sum(axis=0)
    dx = dout.dot(w.T).reshape(x.shape)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dw, db


def relu_forward(x):
    """
    ReLU forward.

    Input:
    - x: any shape

    Returns:
    - out, cache (x)
    """
    out = None
    ###########################################################################
    # TODO: forward.                                                          #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    out = np.where(x > 0, x, 0.0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """
    ReLU backward.

    Input:
    - dout: upstream gradient
    - cache: x

    Returns:
    - dx
    """
    dx, x = None, cache
    ###########################################################################
    # TODO: backward.                                                         #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dx = np.where(x > 0, dout, 0.0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx


def svm_loss(x, y):
    """
    SVM loss.

    Inputs:
    - x: (N, C)
    - y: (N,)

    Returns:
    - loss, dx (N, C)
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: SVM loss.                                                         #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    is_true = np.zeros(x.shape, dtype=bool)
    is_true[np.arange(N), y] = True
    true_scores = x[is_true].reshape(N, 1)
    margins = np.where(is_true, 0.0, np.maximum(0.0, x - true_scores + 1.0))
    loss = margins.sum() / N
    active = margins > 0
    dx = active.astype(float)
    dx[is_true] = -active.sum(axis=1)
    dx /= N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx


def softmax_loss(x, y):
    """
    Softmax loss.

    Inputs:
    - x: (N, C)
    - y: (N,)

    Returns:
    - loss, dx (N, C)
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: softmax loss.                                                     #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    s = x - x.max(axis=1, keepdims=True)
    p = np.exp(s)
    p /= p.sum(axis=1, keepdims=True)
    is_true = np.zeros(x.shape, dtype=bool)
    is_true[np.arange(N), y] = True
    loss = -np.log(p[is_true]).sum() / N
    dx = (p - is_true) / N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx
