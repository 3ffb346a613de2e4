from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """
    Forward pass of a fully connected layer.

    Inputs:
    - x: numpy array (N, d_1, ..., d_k)
    - w: numpy array (D, M), D = d_1 * ... * d_k
    - b: numpy array (M,)

    Returns a tuple of:
    - out: numpy array (N, M)
    - cache: (x, w, b)
    """
    out = None
    ###########################################################################
    # TODO: forward pass of the affine layer into out.                      #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    # every example becomes one row of D numbers
    num_examples = x.shape[0]
    x_rows = x.reshape(num_examples, -1)
    out = x_rows.dot(w) + b

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    Backward pass of a fully connected layer.

    Inputs:
    - dout: numpy array (N, M)
    - cache: (x, w, b)

    Returns a tuple of:
    - dx: numpy array (N, d1, ..., d_k)
    - dw: numpy array (D, M)
    - db: numpy array (M,)
    """
    x, w, b = cache
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO: dx, dw and db of the affine layer.                             #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_examples = x.shape[0]
    x_rows = x.reshape(num_examples, -1)

    # out = x_rows w + b
    dx_rows = dout.dot(w.T)          # (N, D)
    dx = dx_rows                     # (N, D)
    dw = x_rows.T.dot(dout)          # (D, M)
    db = np.sum(dout, axis=0)        # b was added to every row

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx, dw, db


def relu_forward(x):
    """
    Forward pass of a ReLU.

    Input:
    - x: numpy array of any shape

    Returns a tuple of:
    - out: same shape as x
    - cache: x
    """
    out = None
    ###########################################################################
    # TODO: out = elementwise max(0, x).                                   #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    out = np.maximum(0, x)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """
    Backward pass of a ReLU.

    Input:
    - dout: upstream derivatives
    - cache: x

    Returns:
    - dx: gradient with respect to x
    """
    dx, x = None, cache
    ###########################################################################
    # TODO: gradient through the ReLU.                                     #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    # the gradient only flows where the unit was active
    active = x > 0
    dx = dout * active

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return dx


def svm_loss(x, y):
    """
    Multiclass SVM loss and gradient.

    Inputs:
    - x: numpy array (N, C) of scores
    - y: numpy array (N,) of labels

    Returns a tuple of:
    - loss: float
    - dx: numpy array (N, C)
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: hinge loss on the scores and dx.                               #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_examples = x.shape[0]
    all_rows = np.arange(num_examples)
    correct_scores = x[all_rows, y].reshape(-1, 1)
    margins = np.maximum(0, x - correct_scores + 1)
    margins[all_rows, y] = 0
    loss = np.sum(margins) / num_examples

    dx = np.zeros_like(x)
    dx[margins > 0] = 1
    dx[all_rows, y] = -np.sum(dx, axis=1)
    dx /= num_examples

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx


def softmax_loss(x, y):
    """
    Softmax (cross-entropy) loss and gradient.

    Inputs:
    - x: numpy array (N, C) of scores
    - y: numpy array (N,) of labels

    Returns a tuple of:
    - loss: float
    - dx: numpy array (N, C)
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: cross-entropy on the scores and dx.                            #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    num_examples = x.shape[0]
    all_rows = np.arange(num_examples)
    shifted = x - np.max(x, axis=1, keepdims=True)
    exp_scores = np.exp(shifted)
    prob = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    loss = np.sum(-np.log(prob[all_rows, y])) / num_examples

    dx = prob.copy()
    dx[all_rows, y] -= 1
    dx /= num_examples

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    return loss, dx
