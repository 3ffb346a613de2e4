from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """
    Fully connected layer, forward.

    Inputs:
    - x: shape (N, d_1, ..., d_k); each example is flattened to D = d_1 * ... * d_k
    - w: shape (D, M)
    - b: shape (M,)

    Returns a tuple of:
    - out: shape (N, M)
    - cache: (x, w, b)
    """
    out = None
    ###########################################################################
    # TODO: affine forward pass into out. Flatten each example first.        #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    out = x.reshape(x.shape[0], -1).dot(w) + b

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    Fully connected layer, backward.

    Inputs:
    - dout: upstream gradient, shape (N, M)
    - cache: (x, w, b) from the forward pass

    Returns a tuple of:
    - dx: shape (N, d1, ..., d_k)
    - dw: shape (D, M)
    - db: shape (M,)
    """
    x, w, b = cache
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO: affine backward pass.                                             #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T.dot(dout)
    db = np.sum(dout, axis=0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dw, db


def relu_forward(x):
    """
    ReLU, forward.

    Input:
    - x: any shape

    Returns a tuple of:
    - out: same shape as x
    - cache: x
    """
    out = None
    ###########################################################################
    # TODO: ReLU forward pass.                                                #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    out = np.maximum(0, x)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """
    ReLU, backward.

    Input:
    - dout: upstream gradient, any shape
    - cache: x, same shape as dout

    Returns:
    - dx: gradient with respect to x
    """
    dx, x = None, cache
    ###########################################################################
    # TODO: ReLU backward pass.                                               #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dx = dout * (x > 0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx


def svm_loss(x, y):
    """
    Multiclass SVM loss on class scores.

    Inputs:
    - x: scores, shape (N, C)
    - y: labels, shape (N,), 0 <= y[i] < C

    Returns a tuple of:
    - loss: float
    - dx: gradient of the loss with respect to x
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: SVM loss and its gradient.                                        #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    correct = x[np.arange(N), y][:, None]
    margins = np.maximum(0, x - correct + 1.0)
    margins[np.arange(N), y] = 0
    loss = np.sum(margins) / N

    pos = (margins > 0).astype(x.dtype)
    pos[np.arange(N), y] = -np.sum(pos, axis=1)
    dx = pos / N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx


def softmax_loss(x, y):
    """
    Softmax cross-entropy on class scores.

    Inputs:
    - x: scores, shape (N, C)
    - y: labels, shape (N,), 0 <= y[i] < C

    Returns a tuple of:
    - loss: float
    - dx: gradient of the loss with respect to x
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: softmax loss and its gradient.                                    #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    shifted = x - np.max(x, axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= np.sum(probs, axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(N), y]))

    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """
    Batch normalization, forward (assignment 2).
    """
    out, cache = None, None
    ###########################################################################
    # TODO: assignment 2.                                                     #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    pass

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return out, cache


def batchnorm_backward(dout, cache):
    """
    Batch normalization, backward (assignment 2).
    """
    dx, dgamma, dbeta = None, None, None
    ###########################################################################
    # TODO: assignment 2.                                                     #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    pass

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """
    Inverted dropout, forward (assignment 2).
    """
    out, cache = None, None
    ###########################################################################
    # TODO: assignment 2.                                                     #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    pass

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return out, cache


def dropout_backward(dout, cache):
    """
    Inverted dropout, backward (assignment 2).
    """
    dx = None
    ###########################################################################
    # TODO: assignment 2.                                                     #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    pass

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx
