from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """
    Fully connected forward.

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
    # TODO: forward pass into out.                                            #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    D = int(np.prod(x.shape[1:]))
    out = x.reshape(-1, D) @ w + b

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    Fully connected backward.

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
    # TODO: backward pass.                                                    #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    D = int(np.prod(x.shape[1:]))
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(-1, D).T @ dout
    db = dout.sum(axis=0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dw, db


def relu_forward(x):
    """
    ReLU forward.

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

    out = x * (x > 0)

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
    - dx: like x
    """
    dx, x = None, cache
    ###########################################################################
    # TODO: ReLU backward.                                                    #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    dx = dout * (x > 0).astype(dout.dtype)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx


def svm_loss(x, y):
    """
    Hinge loss on scores.

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

    N, C = x.shape
    onehot = np.eye(C, dtype=bool)[y]
    margins = np.maximum(0.0, x - x[onehot][:, None] + 1.0)
    margins[onehot] = 0.0
    loss = margins.sum() / N

    active = (margins > 0).astype(x.dtype)
    dx = (active - onehot * active.sum(axis=1, keepdims=True)) / N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx


def softmax_loss(x, y):
    """
    Softmax cross-entropy on scores.

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

    N, C = x.shape
    Y = np.eye(C)[y]
    z = x - x.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    loss = -np.sum(Y * log_p) / N
    dx = (np.exp(log_p) - Y) / N

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx
