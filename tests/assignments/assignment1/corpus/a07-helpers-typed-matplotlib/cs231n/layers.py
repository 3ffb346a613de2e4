from builtins import range
from typing import Tuple

import numpy as np


def _flatten(x: np.ndarray) -> np.ndarray:
    """(N, d_1, ..., d_k) -> (N, D) view (x itself is left alone)."""
    return x.reshape(x.shape[0], -1)


def affine_forward(x, w, b):
    """
    Affine forward pass.

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
    # TODO: affine forward.                                                   #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    out = _flatten(x).dot(w) + b

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    Affine backward pass.

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
    # TODO: affine backward.                                                  #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dx = dout.dot(w.T).reshape(x.shape)
    dw = _flatten(x).T.dot(dout)
    db = dout.sum(axis=0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dw, db


def relu_forward(x):
    """
    ReLU forward pass.

    Input:
    - x: any shape

    Returns:
    - out: like x
    - cache: x
    """
    out = None
    ###########################################################################
    # TODO: ReLU forward.                                                     #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    out = np.maximum(0, x)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """
    ReLU backward pass.

    Input:
    - dout: upstream gradient
    - cache: x

    Returns:
    - dx: like x
    """
    dx, x = None, cache
    ###########################################################################
    # TODO: ReLU backward.                                                    #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dx = dout * (x > 0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx


def _row_softmax(x: np.ndarray) -> np.ndarray:
    z = x - x.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def svm_loss(x, y):
    """
    SVM loss.

    Inputs:
    - x: (N, C) scores
    - y: (N,) labels

    Returns:
    - loss: float
    - dx: (N, C)
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: SVM loss and gradient.                                            #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    correct = x[np.arange(N), y]
    margins = np.maximum(0.0, x - correct[:, None] + 1.0)
    margins[np.arange(N), y] = 0.0
    loss = margins.sum() / N
    dx = (margins > 0).astype(np.float64)
    dx[np.arange(N), y] = -dx.sum(axis=1)
    dx /= N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx


def softmax_loss(x, y):
    """
    Softmax loss.

    Inputs:
    - x: (N, C) scores
    - y: (N,) labels

    Returns:
    - loss: float
    - dx: (N, C)
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: softmax loss and gradient.                                        #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    p = _row_softmax(x)
    loss = -np.log(p[np.arange(N), y]).mean()
    dx = p.copy()
    dx[np.arange(N), y] -= 1.0
    dx /= N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx
