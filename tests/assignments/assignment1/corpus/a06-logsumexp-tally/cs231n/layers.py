from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """
    Affine layer forward.

    Inputs:
    - x: shape (N, d_1, ..., d_k)
    - w: shape (D, M)
    - b: shape (M,)

    Returns:
    - out: shape (N, M)
    - cache: (x, w, b)
    """
    out = None
    ###########################################################################
    # TODO: affine forward.                                                   #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    out = np.dot(x.reshape(len(x), w.shape[0]), w) + b

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    Affine layer backward.

    Inputs:
    - dout: shape (N, M)
    - cache: (x, w, b)

    Returns:
    - dx: shape (N, d1, ..., d_k)
    - dw: shape (D, M)
    - db: shape (M,)
    """
    x, w, b = cache
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO: affine backward.                                                  #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dx = np.dot(dout, w.T).reshape(x.shape)
    dw = np.dot(x.reshape(len(x), w.shape[0]).T, dout)
    db = np.sum(dout, axis=0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dw, db


def relu_forward(x):
    """
    ReLU forward.

    Input:
    - x: any shape

    Returns:
    - out: shape of x
    - cache: x
    """
    out = None
    ###########################################################################
    # TODO: ReLU forward.                                                     #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    out = np.clip(x, 0, None)

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
    - dx: shape of x
    """
    dx, x = None, cache
    ###########################################################################
    # TODO: ReLU backward.                                                    #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dx = np.multiply(dout, x > 0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx


def svm_loss(x, y):
    """
    SVM loss on scores.

    Inputs:
    - x: shape (N, C)
    - y: shape (N,)

    Returns:
    - loss: float
    - dx: shape (N, C)
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: SVM loss.                                                         #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = len(y)
    idx = np.arange(N)
    hinge = np.clip(x - x[idx, y].reshape(N, 1) + 1, 0, None)
    hinge[idx, y] = 0
    loss = hinge.sum() / N
    dx = np.sign(hinge)
    dx[idx, y] = -dx.sum(axis=1)
    dx /= N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx


def softmax_loss(x, y):
    """
    Softmax loss on scores.

    Inputs:
    - x: shape (N, C)
    - y: shape (N,)

    Returns:
    - loss: float
    - dx: shape (N, C)
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: softmax loss.                                                     #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = len(y)
    m = x.max(axis=1, keepdims=True)
    logp = x - m - np.log(np.exp(x - m).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(N), y].mean()
    dx = np.exp(logp)
    dx[np.arange(N), y] -= 1
    dx /= N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx
