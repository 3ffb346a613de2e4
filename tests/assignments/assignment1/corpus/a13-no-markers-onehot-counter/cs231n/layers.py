import numpy as np


def affine_forward(x, w, b):
    """
    Computes the forward pass for an affine (fully connected) layer.

    Inputs:
    - x: (N, d_1, ..., d_k) input data
    - w: (D, M) weights
    - b: (M,) biases

    Returns a tuple of:
    - out: (N, M)
    - cache: (x, w, b)
    """
    out = None
    # TODO: the affine forward pass, into out. Reshape the input into rows.
    flat = x.reshape(len(x), w.shape[0])
    out = np.matmul(flat, w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    Computes the backward pass for an affine layer.

    Inputs:
    - dout: (N, M) upstream derivative
    - cache: (x, w, b)

    Returns a tuple of:
    - dx: (N, d1, ..., d_k)
    - dw: (D, M)
    - db: (M,)
    """
    x, w, b = cache
    dx, dw, db = None, None, None
    # TODO: the affine backward pass.
    flat = x.reshape(len(x), w.shape[0])
    dx = np.matmul(dout, w.T).reshape(x.shape)
    dw = np.matmul(flat.T, dout)
    db = dout.sum(axis=0)
    return dx, dw, db


def relu_forward(x):
    """
    Computes the forward pass for a layer of rectified linear units (ReLUs).

    Input:
    - x: inputs, of any shape

    Returns a tuple of:
    - out: output, of the same shape as x
    - cache: x
    """
    out = None
    # TODO: the ReLU forward pass.
    out = x * (x > 0)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """
    Computes the backward pass for a layer of ReLUs.

    Input:
    - dout: upstream derivatives, of any shape
    - cache: input x, of same shape as dout

    Returns:
    - dx: gradient with respect to x
    """
    dx, x = None, cache
    # TODO: the ReLU backward pass.
    dx = dout * (x > 0)
    return dx


def svm_loss(x, y):
    """
    Computes the loss and gradient for multiclass SVM classification.

    Inputs:
    - x: (N, C) scores; x[i, j] is the score of class j for input i.
    - y: (N,) labels, 0 <= y[i] < C

    Returns a tuple of:
    - loss: scalar
    - dx: (N, C) gradient of the loss with respect to x
    """
    loss, dx = None, None
    # TODO: the loss and gradient of the multiclass SVM.
    n, c = x.shape
    onehot = np.eye(c, dtype=bool)[y]
    hinge = np.clip(x - x[onehot][:, None] + 1.0, 0.0, None)
    hinge[onehot] = 0.0
    loss = hinge.sum() / n
    active = (hinge > 0).astype(float)
    active[onehot] = -active.sum(axis=1)
    dx = active / n
    return loss, dx


def softmax_loss(x, y):
    """
    Computes the loss and gradient for softmax classification.

    Inputs:
    - x: (N, C) scores; x[i, j] is the score of class j for input i.
    - y: (N,) labels, 0 <= y[i] < C

    Returns a tuple of:
    - loss: scalar
    - dx: (N, C) gradient of the loss with respect to x
    """
    loss, dx = None, None
    # TODO: the loss and gradient of softmax classification.
    n, c = x.shape
    shifted = x - x.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    probs = e / e.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(n), y]))
    dx = (probs - np.eye(c)[y]) / n
    return loss, dx
