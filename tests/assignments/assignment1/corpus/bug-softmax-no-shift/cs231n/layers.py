from __future__ import division

from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """
    x: (N, d_1, ..., d_k), w: (D, M), b: (M,) -> out (N, M), cache (x, w, b)
    """
    out = None
    ###########################################################################
    # TODO: affine forward                                                    #
    ###########################################################################
    N = x.shape[0]
    out = np.dot(x.reshape(N, -1), w) + b
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    dout: (N, M), cache (x, w, b) -> dx (x's shape), dw (D, M), db (M,)
    """
    x, w, b = cache
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO: affine backward                                                   #
    ###########################################################################
    N = x.shape[0]
    dx = np.dot(dout, w.T).reshape(x.shape)
    dw = np.dot(x.reshape(N, -1).T, dout)
    db = dout.sum(axis=0)
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dw, db


def relu_forward(x):
    """
    x: any shape -> out (same shape), cache x
    """
    out = None
    ###########################################################################
    # TODO: relu forward                                                      #
    ###########################################################################
    out = x.copy()
    out[out < 0] = 0
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """
    dout: upstream gradient, cache: x -> dx
    """
    dx, x = None, cache
    ###########################################################################
    # TODO: relu backward                                                     #
    ###########################################################################
    dx = np.array(dout, copy=True)
    dx[x <= 0] = 0
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx


def svm_loss(x, y):
    """
    x: (N, C) scores, y: (N,) labels -> (loss, dx)
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: svm loss                                                          #
    ###########################################################################
    N = x.shape[0]
    rows = np.arange(N)
    margins = x - x[rows, y][:, np.newaxis] + 1.0
    margins[rows, y] = 0
    margins[margins < 0] = 0
    loss = margins.sum() / N
    dx = np.zeros_like(x)
    dx[margins > 0] = 1
    dx[rows, y] = -dx.sum(axis=1)
    dx /= N
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return loss, dx


def softmax_loss(x, y):
    """
    x: (N, C) scores, y: (N,) labels -> (loss, dx)
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: softmax loss                                                      #
    ###########################################################################
    N = x.shape[0]
    rows = np.arange(N)
    z = x - x.max(axis=1)[:, np.newaxis]
    sum_exp = np.exp(z).sum(axis=1)
    loss = np.sum(np.log(sum_exp) - z[rows, y]) / N
    dx = np.exp(z) / sum_exp[:, np.newaxis]
    dx[rows, y] -= 1
    dx /= N
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return loss, dx
