from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """
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

    N = x.shape[0]
    out = np.matmul(x.reshape(N, -1), w) + b

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
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

    N = x.shape[0]
    dx = np.matmul(dout, w.T).reshape(*x.shape)
    dw = np.matmul(x.reshape(N, -1).T, dout)
    db = np.sum(dout, axis=0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dw, db


def relu_forward(x):
    """
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

    out = np.maximum(x, 0.0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """
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

    # step function: 1 for x > 0, 0 for x <= 0
    dx = dout * np.heaviside(x, 0.0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx


def svm_loss(x, y):
    """
    Inputs:
    - x: (N, C) scores
    - y: (N,) labels

    Returns:
    - loss: float
    - dx: (N, C)
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: SVM loss.                                                         #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    margins = x - x[range(N), y][:, None] + 1
    margins[range(N), y] = 0
    margins = margins * (margins > 0)
    loss = margins.sum() / N
    dx = (margins > 0) * 1.0
    dx[range(N), y] = -dx.sum(axis=1)
    dx = dx / N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx


def softmax_loss(x, y):
    """
    Inputs:
    - x: (N, C) scores
    - y: (N,) labels

    Returns:
    - loss: float
    - dx: (N, C)
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: softmax loss.                                                     #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    f = x - x.max(axis=1, keepdims=True)
    probs = np.exp(f)
    probs /= probs.sum(axis=1, keepdims=True)
    loss = -np.log(probs[range(N), y]).sum() / N
    probs[range(N), y] -= 1
    dx = probs / N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx
