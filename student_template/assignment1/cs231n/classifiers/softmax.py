"""The softmax (cross-entropy) loss of a linear classifier."""

import numpy as np


def softmax_loss_naive(W, X, y, reg):
    """Softmax loss and gradient, with explicit loops.

    For scores s = X[i].dot(W) the loss of example i is -log(p[y[i]]) with
    p = exp(s) / sum(exp(s)). The data loss is the mean of these over the
    minibatch; the regularization adds reg * sum(W * W) (so its gradient is
    2 * reg * W).

    Inputs:
    - W: weights, shape (D, C)
    - X: minibatch of data, shape (N, D)
    - y: labels, shape (N,); y[i] = c means that X[i] has label c, 0 <= c < C
    - reg: regularization strength (a float)

    Returns a tuple of:
    - loss: a float
    - dW: gradient of the loss w.r.t. W, shape (D, C)
    """
    loss = 0.0
    dW = np.zeros_like(W)

    ###########################################################################
    # TODO: Compute the softmax loss and its gradient with explicit loops.    #
    # Store the loss in `loss` and the gradient in dW. Subtract the largest   #
    # score of each example before exponentiating, or large scores will       #
    # overflow. Do not forget the regularization.                             #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################

    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """Softmax loss and gradient, without loops over examples or classes.

    Inputs and outputs are the same as for softmax_loss_naive.
    """
    loss = 0.0
    dW = np.zeros_like(W)

    ###########################################################################
    # TODO: Compute the softmax loss and its gradient without explicit        #
    # loops. Store the loss in `loss` and the gradient in dW. Keep it         #
    # numerically stable, and do not forget the regularization.               #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################

    return loss, dW
