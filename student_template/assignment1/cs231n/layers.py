"""Forward and backward passes of the layers used in this assignment.

Every ``*_forward`` function returns ``(out, cache)``; the matching ``*_backward``
function takes the upstream gradient ``dout`` and that cache, and returns the
gradients with respect to the forward inputs, in the order of those inputs.

Assignment 1 asks for the affine and ReLU layers and the two loss layers. The
normalization, dropout, convolution and pooling layers at the end of the file belong
to assignment 2: they are left empty here and are not used or graded in assignment 1.
"""

import numpy as np


def affine_forward(x, w, b):
    """Fully connected (affine) layer, forward pass.

    Each example is flattened into a row vector of D = d_1 * ... * d_k numbers.

    Inputs:
    - x: array of shape (N, d_1, ..., d_k), a minibatch of N examples
    - w: weights, shape (D, M)
    - b: biases, shape (M,)

    Returns a tuple of:
    - out: shape (N, M), equal to x_flat.dot(w) + b
    - cache: (x, w, b)
    """
    out = None
    ###########################################################################
    # TODO: Flatten each example of x into a row, multiply by w and add b.    #
    # Keep the result in `out`. Do not change x in place.                     #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """Fully connected (affine) layer, backward pass.

    Inputs:
    - dout: upstream gradient, shape (N, M)
    - cache: (x, w, b) from affine_forward, x of shape (N, d_1, ..., d_k)

    Returns a tuple of:
    - dx: gradient w.r.t. x, shape (N, d_1, ..., d_k)
    - dw: gradient w.r.t. w, shape (D, M)
    - db: gradient w.r.t. b, shape (M,)
    """
    x, w, b = cache
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO: Compute dx, dw and db. dx must have the shape of x (undo the      #
    # flattening); db sums dout over the minibatch.                           #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dw, db


def relu_forward(x):
    """Rectified linear unit, forward pass.

    Inputs:
    - x: array of any shape

    Returns a tuple of:
    - out: max(0, x), same shape as x
    - cache: x
    """
    out = None
    ###########################################################################
    # TODO: Apply the ReLU elementwise. Do not change x in place.             #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """Rectified linear unit, backward pass.

    Inputs:
    - dout: upstream gradient, any shape
    - cache: the input x of relu_forward, same shape as dout

    Returns:
    - dx: gradient w.r.t. x, same shape as dout
    """
    dx, x = None, cache
    ###########################################################################
    # TODO: The gradient passes only where the input was positive. Do not     #
    # write into dout.                                                        #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx


def svm_loss(x, y):
    """Multiclass SVM loss (margin 1) of given scores, and its gradient.

    Inputs:
    - x: class scores, shape (N, C); x[i, j] is the score of class j for example i
    - y: correct labels, shape (N,), each an integer in [0, C)

    Returns a tuple of:
    - loss: mean over the N examples of sum over j != y[i] of
      max(0, x[i, j] - x[i, y[i]] + 1) (a scalar; no regularization)
    - dx: gradient of the loss w.r.t. x, shape (N, C)
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: Compute the SVM loss and its gradient, without loops.             #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return loss, dx


def softmax_loss(x, y):
    """Softmax classifier: mean cross-entropy loss of given scores, and its gradient.

    Inputs:
    - x: class scores, shape (N, C); x[i, j] is the score of class j for example i
    - y: correct labels, shape (N,), each an integer in [0, C)

    Returns a tuple of:
    - loss: the mean negative log-probability of the correct classes (a scalar)
    - dx: gradient of the loss w.r.t. x, shape (N, C)
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: Compute the softmax loss and its gradient, without loops.         #
    # Subtract each row's maximum before exponentiating.                      #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return loss, dx


###############################################################################
# Assignment 2 layers. They are written in assignment 2; in assignment 1 they #
# stay empty and nothing calls them.                                          #
###############################################################################


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch normalization, forward pass (assignment 2).

    Inputs:
    - x: data, shape (N, D)
    - gamma, beta: scale and shift, shape (D,)
    - bn_param: dict with 'mode' ('train' or 'test'), optional 'eps', 'momentum',
      'running_mean' and 'running_var' (shape (D,))

    Returns a tuple of:
    - out: shape (N, D)
    - cache: what the backward passes need
    """
    out, cache = None, None
    ###########################################################################
    # TODO (assignment 2): batch normalization, train and test mode.          #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return out, cache


def batchnorm_backward(dout, cache):
    """Batch normalization, backward pass along the computation graph (assignment 2).

    Inputs:
    - dout: upstream gradient, shape (N, D)
    - cache: from batchnorm_forward

    Returns a tuple of dx (N, D), dgamma (D,), dbeta (D,).
    """
    dx, dgamma, dbeta = None, None, None
    ###########################################################################
    # TODO (assignment 2): backward pass, one node of the graph at a time.    #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """Batch normalization, backward pass in closed form (assignment 2).

    Same inputs and outputs as batchnorm_backward.
    """
    dx, dgamma, dbeta = None, None, None
    ###########################################################################
    # TODO (assignment 2): the simplified closed-form backward pass.          #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """Layer normalization, forward pass (assignment 2).

    Inputs:
    - x: data, shape (N, D)
    - gamma, beta: scale and shift, shape (D,)
    - ln_param: dict with optional 'eps'

    Returns a tuple of:
    - out: shape (N, D)
    - cache: what layernorm_backward needs
    """
    out, cache = None, None
    ###########################################################################
    # TODO (assignment 2): normalize each row with its own statistics.        #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return out, cache


def layernorm_backward(dout, cache):
    """Layer normalization, backward pass (assignment 2).

    Inputs:
    - dout: upstream gradient, shape (N, D)
    - cache: from layernorm_forward

    Returns a tuple of dx (N, D), dgamma (D,), dbeta (D,).
    """
    dx, dgamma, dbeta = None, None, None
    ###########################################################################
    # TODO (assignment 2): layer normalization backward pass.                 #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """Inverted dropout, forward pass (assignment 2).

    Inputs:
    - x: data of any shape
    - dropout_param: dict with 'p' (probability of keeping a unit), 'mode'
      ('train' or 'test') and an optional 'seed'

    Returns a tuple of:
    - out: shape of x
    - cache: (dropout_param, mask)
    """
    out, mask = None, None
    ###########################################################################
    # TODO (assignment 2): inverted dropout in train mode, identity in test.  #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (dropout_param, mask)
    return out, cache


def dropout_backward(dout, cache):
    """Inverted dropout, backward pass (assignment 2).

    Inputs:
    - dout: upstream gradient, any shape
    - cache: (dropout_param, mask) from dropout_forward

    Returns:
    - dx: shape of dout
    """
    dx = None
    ###########################################################################
    # TODO (assignment 2): dropout backward pass.                             #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx


def conv_forward_naive(x, w, b, conv_param):
    """Convolutional layer, naive forward pass (assignment 2).

    Inputs:
    - x: input, shape (N, C, H, W)
    - w: filters, shape (F, C, HH, WW)
    - b: biases, shape (F,)
    - conv_param: dict with 'stride' and 'pad'

    Returns a tuple of:
    - out: shape (N, F, H', W')
    - cache: (x, w, b, conv_param)
    """
    out = None
    ###########################################################################
    # TODO (assignment 2): convolution with explicit loops.                   #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """Convolutional layer, naive backward pass (assignment 2).

    Inputs:
    - dout: upstream gradient, shape (N, F, H', W')
    - cache: (x, w, b, conv_param) from conv_forward_naive

    Returns a tuple of dx (N, C, H, W), dw (F, C, HH, WW), db (F,).
    """
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO (assignment 2): convolution backward pass.                         #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """Max pooling, naive forward pass (assignment 2).

    Inputs:
    - x: input, shape (N, C, H, W)
    - pool_param: dict with 'pool_height', 'pool_width' and 'stride'

    Returns a tuple of:
    - out: shape (N, C, H', W')
    - cache: (x, pool_param)
    """
    out = None
    ###########################################################################
    # TODO (assignment 2): max pooling with explicit loops.                   #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """Max pooling, naive backward pass (assignment 2).

    Inputs:
    - dout: upstream gradient, shape (N, C, H', W')
    - cache: (x, pool_param) from max_pool_forward_naive

    Returns:
    - dx: shape (N, C, H, W)
    """
    dx = None
    ###########################################################################
    # TODO (assignment 2): max pooling backward pass.                         #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """Spatial batch normalization, forward pass (assignment 2).

    Inputs:
    - x: input, shape (N, C, H, W)
    - gamma, beta: scale and shift, shape (C,)
    - bn_param: as for batchnorm_forward

    Returns a tuple of:
    - out: shape (N, C, H, W)
    - cache: what spatial_batchnorm_backward needs
    """
    out, cache = None, None
    ###########################################################################
    # TODO (assignment 2): batch normalization per channel.                   #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """Spatial batch normalization, backward pass (assignment 2).

    Inputs:
    - dout: upstream gradient, shape (N, C, H, W)
    - cache: from spatial_batchnorm_forward

    Returns a tuple of dx (N, C, H, W), dgamma (C,), dbeta (C,).
    """
    dx, dgamma, dbeta = None, None, None
    ###########################################################################
    # TODO (assignment 2): spatial batch normalization backward pass.         #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """Spatial group normalization, forward pass (assignment 2).

    Inputs:
    - x: input, shape (N, C, H, W)
    - gamma, beta: scale and shift, shape (1, C, 1, 1)
    - G: number of groups of contiguous channels (divides C)
    - gn_param: dict with optional 'eps'

    Returns a tuple of:
    - out: shape (N, C, H, W)
    - cache: what spatial_groupnorm_backward needs
    """
    out, cache = None, None
    ###########################################################################
    # TODO (assignment 2): normalize each group of each sample.               #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """Spatial group normalization, backward pass (assignment 2).

    Inputs:
    - dout: upstream gradient, shape (N, C, H, W)
    - cache: from spatial_groupnorm_forward

    Returns a tuple of dx (N, C, H, W), dgamma (1, C, 1, 1), dbeta (1, C, 1, 1).
    """
    dx, dgamma, dbeta = None, None, None
    ###########################################################################
    # TODO (assignment 2): spatial group normalization backward pass.         #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dgamma, dbeta
