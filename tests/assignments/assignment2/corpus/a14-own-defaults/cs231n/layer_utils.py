"""Sandwich layers: short chains of layers that often occur together.

Each ``*_forward`` returns ``(out, cache)`` and each ``*_backward`` takes
``(dout, cache)`` and returns the gradients of the chain's inputs, in order.
"""

from .layers import *
from .fast_layers import *


def affine_relu_forward(x, w, b):
    """Affine layer followed by a ReLU.

    Inputs:
    - x: input, shape (N, d_1, ..., d_k)
    - w: weights, shape (D, M)
    - b: biases, shape (M,)

    Returns a tuple of:
    - out: shape (N, M)
    - cache: (affine cache, relu cache)
    """
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    return out, (fc_cache, relu_cache)


def affine_relu_backward(dout, cache):
    """Backward pass of affine_relu_forward.

    Inputs:
    - dout: upstream gradient, shape (N, M)
    - cache: from affine_relu_forward

    Returns a tuple of:
    - dx: shape (N, d_1, ..., d_k)
    - dw: shape (D, M)
    - db: shape (M,)
    """
    fc_cache, relu_cache = cache
    da = relu_backward(dout, relu_cache)
    return affine_backward(da, fc_cache)


###############################################################################
# TODO (optional): helpers for the fully connected net's hidden layers,       #
# affine - [batch/layer norm] - relu, so that FullyConnectedNet.loss stays    #
# short. Write a forward function returning (out, cache) and a backward       #
# function returning (dx, dw, db, dgamma, dbeta).                             #
###############################################################################
# *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
def affine_norm_relu_forward(x, w, b, gamma, beta, bn_param, normalization):
    """affine -> batchnorm or layernorm -> relu"""
    a, fc_cache = affine_forward(x, w, b)
    if normalization == "batchnorm":
        a, norm_cache = batchnorm_forward(a, gamma, beta, bn_param)
    elif normalization == "layernorm":
        a, norm_cache = layernorm_forward(a, gamma, beta, bn_param)
    else:
        norm_cache = None
    out, relu_cache = relu_forward(a)
    return out, (fc_cache, norm_cache, relu_cache, normalization)


def affine_norm_relu_backward(dout, cache):
    fc_cache, norm_cache, relu_cache, normalization = cache
    da = relu_backward(dout, relu_cache)
    dgamma, dbeta = None, None
    if normalization == "batchnorm":
        da, dgamma, dbeta = batchnorm_backward_alt(da, norm_cache)
    elif normalization == "layernorm":
        da, dgamma, dbeta = layernorm_backward(da, norm_cache)
    dx, dw, db = affine_backward(da, fc_cache)
    return dx, dw, db, dgamma, dbeta
# *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
###############################################################################
#                             END OF YOUR CODE                                #
###############################################################################


def conv_relu_forward(x, w, b, conv_param):
    """Convolution followed by a ReLU.

    Inputs:
    - x: input, shape (N, C, H, W)
    - w, b: filters (F, C, HH, WW) and biases (F,)
    - conv_param: as for conv_forward_fast

    Returns a tuple of:
    - out: shape (N, F, H', W')
    - cache: (conv cache, relu cache)
    """
    a, conv_cache = conv_forward_fast(x, w, b, conv_param)
    out, relu_cache = relu_forward(a)
    return out, (conv_cache, relu_cache)


def conv_relu_backward(dout, cache):
    """Backward pass of conv_relu_forward.

    Inputs:
    - dout: upstream gradient, shape (N, F, H', W')
    - cache: from conv_relu_forward

    Returns a tuple of dx (N, C, H, W), dw (F, C, HH, WW), db (F,).
    """
    conv_cache, relu_cache = cache
    da = relu_backward(dout, relu_cache)
    return conv_backward_fast(da, conv_cache)


def conv_bn_relu_forward(x, w, b, gamma, beta, conv_param, bn_param):
    """Convolution, spatial batch normalization, then a ReLU.

    Inputs:
    - x: input, shape (N, C, H, W)
    - w, b: filters (F, C, HH, WW) and biases (F,)
    - gamma, beta: shape (F,)
    - conv_param, bn_param: as for conv_forward_fast and spatial_batchnorm_forward

    Returns a tuple of:
    - out: shape (N, F, H', W')
    - cache: (conv cache, batchnorm cache, relu cache)
    """
    a, conv_cache = conv_forward_fast(x, w, b, conv_param)
    an, bn_cache = spatial_batchnorm_forward(a, gamma, beta, bn_param)
    out, relu_cache = relu_forward(an)
    return out, (conv_cache, bn_cache, relu_cache)


def conv_bn_relu_backward(dout, cache):
    """Backward pass of conv_bn_relu_forward.

    Inputs:
    - dout: upstream gradient, shape (N, F, H', W')
    - cache: from conv_bn_relu_forward

    Returns a tuple of dx (N, C, H, W), dw (F, C, HH, WW), db (F,), dgamma (F,),
    dbeta (F,).
    """
    conv_cache, bn_cache, relu_cache = cache
    dan = relu_backward(dout, relu_cache)
    da, dgamma, dbeta = spatial_batchnorm_backward(dan, bn_cache)
    dx, dw, db = conv_backward_fast(da, conv_cache)
    return dx, dw, db, dgamma, dbeta


def conv_relu_pool_forward(x, w, b, conv_param, pool_param):
    """Convolution, ReLU, then max pooling.

    Inputs:
    - x: input, shape (N, C, H, W)
    - w, b: filters (F, C, HH, WW) and biases (F,)
    - conv_param, pool_param: as for conv_forward_fast and max_pool_forward_fast

    Returns a tuple of:
    - out: the pooled output, shape (N, F, H'', W'')
    - cache: (conv cache, relu cache, pool cache)
    """
    a, conv_cache = conv_forward_fast(x, w, b, conv_param)
    s, relu_cache = relu_forward(a)
    out, pool_cache = max_pool_forward_fast(s, pool_param)
    return out, (conv_cache, relu_cache, pool_cache)


def conv_relu_pool_backward(dout, cache):
    """Backward pass of conv_relu_pool_forward.

    Inputs:
    - dout: upstream gradient, shape (N, F, H'', W'')
    - cache: from conv_relu_pool_forward

    Returns a tuple of dx (N, C, H, W), dw (F, C, HH, WW), db (F,).
    """
    conv_cache, relu_cache, pool_cache = cache
    ds = max_pool_backward_fast(dout, pool_cache)
    da = relu_backward(ds, relu_cache)
    return conv_backward_fast(da, conv_cache)
