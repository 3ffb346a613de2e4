"""Basic feed-forward layers (given, finished): affine, ReLU and the softmax loss.

Every ``*_forward`` function returns ``(out, cache)``; the matching ``*_backward``
takes the upstream gradient and that cache and returns the gradients of the
forward inputs, in their order.
"""

import numpy as np


def affine_forward(x, w, b):
    """Fully connected (affine) layer, forward pass.

    Inputs:
    - x: shape (N, d_1, ..., d_k); each example is flattened to D = d_1 * ... * d_k
    - w: weights, shape (D, M)
    - b: biases, shape (M,)

    Returns a tuple of:
    - out: shape (N, M)
    - cache: (x, w, b)
    """
    out = x.reshape(x.shape[0], -1).dot(w) + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    """Fully connected (affine) layer, backward pass.

    Inputs:
    - dout: upstream gradient, shape (N, M)
    - cache: (x, w, b) from affine_forward

    Returns a tuple of:
    - dx: shape of x, (N, d_1, ..., d_k)
    - dw: shape (D, M)
    - db: shape (M,)
    """
    x, w, b = cache
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T.dot(dout)
    db = dout.sum(axis=0)
    return dx, dw, db


def relu_forward(x):
    """Rectified linear unit, forward pass.

    Inputs:
    - x: array of any shape

    Returns a tuple of:
    - out: max(0, x), same shape as x
    - cache: x
    """
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    """Rectified linear unit, backward pass.

    Inputs:
    - dout: upstream gradient, any shape
    - cache: the input x of relu_forward

    Returns:
    - dx: gradient w.r.t. x, same shape as dout
    """
    return dout * (cache > 0)


def softmax_loss(x, y):
    """Softmax classifier: mean cross-entropy loss and its gradient.

    Inputs:
    - x: class scores, shape (N, C)
    - y: correct labels, shape (N,), each an integer in [0, C)

    Returns a tuple of:
    - loss: the mean negative log-probability of the correct classes
    - dx: gradient of the loss w.r.t. x, shape (N, C)
    """
    N = x.shape[0]
    shifted = x - x.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].mean()
    dx = np.exp(log_probs)
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx
