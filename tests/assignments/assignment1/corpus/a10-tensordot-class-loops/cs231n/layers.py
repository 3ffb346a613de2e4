from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """
    x (N, d_1, ..., d_k), w (D, M), b (M,) -> out (N, M), cache (x, w, b).
    """
    out = None
    ###########################################################################
    # TODO: affine forward                                                    #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    x2 = np.reshape(x, (x.shape[0], w.shape[0]))
    out = np.einsum('nd,dm->nm', x2, w) + b

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    dout (N, M), cache (x, w, b) -> dx (N, d1, ..., d_k), dw (D, M), db (M,).
    """
    x, w, b = cache
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO: affine backward                                                   #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    x2 = np.reshape(x, (x.shape[0], w.shape[0]))
    dx = np.einsum('nm,dm->nd', dout, w).reshape(x.shape)
    dw = np.einsum('nd,nm->dm', x2, dout)
    db = np.einsum('nm->m', dout)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dw, db


def relu_forward(x):
    """
    x (any shape) -> out (same shape), cache x.
    """
    out = None
    ###########################################################################
    # TODO: relu forward                                                      #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    out = np.maximum(x, 0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """
    dout (any shape), cache x -> dx.
    """
    dx, x = None, cache
    ###########################################################################
    # TODO: relu backward                                                     #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dx = np.greater(x, 0) * dout

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx


def svm_loss(x, y):
    """
    x (N, C) scores, y (N,) labels -> (loss, dx (N, C)).
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: svm loss                                                          #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    correct = x[np.arange(N), y]
    margins = np.maximum((x.T - correct + 1).T, 0)
    margins[np.arange(N), y] = 0
    loss = np.sum(margins) / N
    dx = np.greater(margins, 0).astype(float)
    dx[np.arange(N), y] = -dx.sum(axis=1)
    dx /= N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx


def softmax_loss(x, y):
    """
    x (N, C) scores, y (N,) labels -> (loss, dx (N, C)).
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: softmax loss                                                      #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    z = (x.T - x.max(axis=1)).T
    e = np.exp(z)
    probs = (e.T / e.sum(axis=1)).T
    loss = -np.log(probs[np.arange(N), y]).mean()
    probs[np.arange(N), y] -= 1
    dx = probs / N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx
