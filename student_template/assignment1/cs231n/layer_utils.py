"""Sandwich layers: short chains of layers that often occur together.

Each ``*_forward`` returns ``(out, cache)`` and each ``*_backward`` takes
``(dout, cache)`` and returns the gradients of the chain's inputs, in order.
"""

from .layers import *


def affine_relu_forward(x, w, b):
    """Affine layer followed by a ReLU.

    Inputs:
    - x: input, shape (N, d_1, ..., d_k)
    - w: weights, shape (D, M)
    - b: biases, shape (M,)

    Returns a tuple of:
    - out: shape (N, M)
    - cache: (affine cache, relu cache)
    """
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    cache = (fc_cache, relu_cache)
    return out, cache


def affine_relu_backward(dout, cache):
    """Backward pass of affine_relu_forward.

    Inputs:
    - dout: upstream gradient, shape (N, M)
    - cache: from affine_relu_forward

    Returns a tuple of:
    - dx: shape (N, d_1, ..., d_k)
    - dw: shape (D, M)
    - db: shape (M,)
    """
    fc_cache, relu_cache = cache
    da = relu_backward(dout, relu_cache)
    dx, dw, db = affine_backward(da, fc_cache)
    return dx, dw, db
