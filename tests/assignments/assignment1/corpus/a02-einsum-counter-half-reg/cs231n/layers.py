from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """
    Affine (fully connected) forward pass.

    Inputs:
    - x: (N, d_1, ..., d_k) input
    - w: (D, M) weights, D = d_1 * ... * d_k
    - b: (M,) biases

    Returns:
    - out: (N, M)
    - cache: (x, w, b)
    """
    out = None
    ###########################################################################
    # TODO: forward pass; reshape the input into rows first.                  #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    x_rows = np.reshape(x, (N, -1))
    out = x_rows @ w + b

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    Affine backward pass.

    Inputs:
    - dout: (N, M) upstream derivative
    - cache: (x, w, b)

    Returns:
    - dx: (N, d1, ..., d_k)
    - dw: (D, M)
    - db: (M,)
    """
    x, w, b = cache
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO: backward pass.                                                    #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = x.shape[0]
    dx = np.reshape(dout @ w.T, x.shape)
    dw = np.reshape(x, (N, -1)).T @ dout
    db = dout.sum(axis=0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dw, db


def relu_forward(x):
    """
    ReLU forward pass.

    Input:
    - x: input of any shape

    Returns:
    - out: like x
    - cache: x
    """
    out = None
    ###########################################################################
    # TODO: ReLU forward pass.                                                #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    out = np.where(x > 0, x, 0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """
    ReLU backward pass.

    Input:
    - dout: upstream derivatives
    - cache: x

    Returns:
    - dx: gradient w.r.t. x
    """
    dx, x = None, cache
    ###########################################################################
    # TODO: ReLU backward pass.                                               #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dx = np.where(x > 0, dout, 0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx


def svm_loss(x, y):
    """
    Multiclass SVM loss.

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
    s_true = np.choose(y, x.T)
    M = np.maximum(0, x - s_true[:, np.newaxis] + 1)
    M[np.arange(N), y] = 0
    loss = M.sum() / N

    dx = np.zeros_like(x)
    dx[M > 0] = 1
    dx[np.arange(N), y] -= dx.sum(axis=1)
    dx /= N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx


def softmax_loss(x, y):
    """
    Softmax cross-entropy loss.

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
    S = x - np.max(x, axis=1)[:, np.newaxis]
    P = np.exp(S)
    P /= np.sum(P, axis=1)[:, np.newaxis]
    loss = -np.sum(np.log(np.choose(y, P.T))) / N

    dx = P
    dx[np.arange(N), y] -= 1
    dx /= N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx
