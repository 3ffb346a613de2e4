from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """
    Forward pass for an affine (fully connected) layer.

    Inputs:
    - x: (N, d_1, ..., d_k) input minibatch
    - w: (D, M) weights, D = d_1 * ... * d_k
    - b: (M,) biases

    Returns a tuple of:
    - out: (N, M)
    - cache: (x, w, b)
    """
    out = None
    ###########################################################################
    # TODO: the affine forward pass, result in out. Reshape the input into   #
    # rows first.                                                             #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    x_rows = np.reshape(x, (N, np.prod(x.shape[1:], dtype=int)))
    out = x_rows @ w + b[np.newaxis, :]

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    Backward pass for an affine layer.

    Inputs:
    - dout: (N, M) upstream derivative
    - cache: (x, w, b) from the forward pass

    Returns a tuple of:
    - dx: (N, d1, ..., d_k)
    - dw: (D, M)
    - db: (M,)
    """
    x, w, b = cache
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO: the affine backward pass.                                         #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    x_rows = np.reshape(x, (N, -1))
    dx = np.reshape(dout @ w.T, x.shape)
    dw = x_rows.T @ dout
    db = np.sum(dout, axis=0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dw, db


def relu_forward(x):
    """
    Forward pass for a layer of rectified linear units (ReLUs).

    Input:
    - x: inputs, of any shape

    Returns a tuple of:
    - out: output, of the same shape as x
    - cache: x
    """
    out = None
    ###########################################################################
    # TODO: the ReLU forward pass.                                            #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    x[x < 0] = 0
    out = x

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """
    Backward pass for a layer of ReLUs.

    Input:
    - dout: upstream derivatives, of any shape
    - cache: input x, of same shape as dout

    Returns:
    - dx: gradient with respect to x
    """
    dx, x = None, cache
    ###########################################################################
    # TODO: the ReLU backward pass.                                           #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dx = np.where(x > 0, dout, 0.0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx


def svm_loss(x, y):
    """
    Loss and gradient for the multiclass SVM.

    Inputs:
    - x: (N, C) scores, x[i, j] is the score of class j for input i.
    - y: (N,) labels, 0 <= y[i] < C

    Returns a tuple of:
    - loss: scalar
    - dx: (N, C) gradient of the loss with respect to x
    """
    loss, dx = None, None

    ###########################################################################
    # TODO: the SVM loss and its gradient.                                    #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    true_scores = np.take_along_axis(x, y[:, None], axis=1)
    margins = np.maximum(x - true_scores + 1.0, 0.0)
    np.put_along_axis(margins, y[:, None], 0.0, axis=1)
    loss = np.sum(margins) / N

    active = (margins > 0).astype(x.dtype)
    np.put_along_axis(active, y[:, None], -active.sum(axis=1, keepdims=True), axis=1)
    dx = active / N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx


def softmax_loss(x, y):
    """
    Loss and gradient for softmax classification.

    Inputs:
    - x: (N, C) scores, x[i, j] is the score of class j for input i.
    - y: (N,) labels, 0 <= y[i] < C

    Returns a tuple of:
    - loss: scalar
    - dx: (N, C) gradient of the loss with respect to x
    """
    loss, dx = None, None

    ###########################################################################
    # TODO: the softmax loss and its gradient.                                #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    z = x - x.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    loss = -np.take_along_axis(log_probs, y[:, None], axis=1).sum() / N

    probs = np.exp(log_probs)
    np.put_along_axis(probs, y[:, None],
                      np.take_along_axis(probs, y[:, None], axis=1) - 1.0, axis=1)
    dx = probs / N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx
