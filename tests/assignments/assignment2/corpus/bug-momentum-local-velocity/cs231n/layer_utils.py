from .layers import *
from .fast_layers import *


def affine_relu_forward(x, w, b):
    """affine -> relu. Returns out and (fc_cache, relu_cache)."""
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    cache = (fc_cache, relu_cache)
    return out, cache


def affine_relu_backward(dout, cache):
    """Backward of affine_relu_forward -> dx, dw, db"""
    fc_cache, relu_cache = cache
    da = relu_backward(dout, relu_cache)
    dx, dw, db = affine_backward(da, fc_cache)
    return dx, dw, db

# *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

def hidden_layer_forward(x, w, b, gamma, beta, norm, norm_param, dropout_param):
    """affine -> [batchnorm | layernorm] -> relu -> [dropout]; cache is a dict"""
    cache = {}
    h, cache['fc'] = affine_forward(x, w, b)
    if norm == 'batchnorm':
        h, cache['norm'] = batchnorm_forward(h, gamma, beta, norm_param)
    elif norm == 'layernorm':
        h, cache['norm'] = layernorm_forward(h, gamma, beta, norm_param)
    h, cache['relu'] = relu_forward(h)
    if dropout_param:
        h, cache['drop'] = dropout_forward(h, dropout_param)
    cache['norm_type'] = norm
    return h, cache


def hidden_layer_backward(dout, cache):
    """returns dx, dw, db, dgamma, dbeta (the last two None without a norm)"""
    dgamma = dbeta = None
    if 'drop' in cache:
        dout = dropout_backward(dout, cache['drop'])
    dout = relu_backward(dout, cache['relu'])
    if cache['norm_type'] == 'batchnorm':
        dout, dgamma, dbeta = batchnorm_backward_alt(dout, cache['norm'])
    elif cache['norm_type'] == 'layernorm':
        dout, dgamma, dbeta = layernorm_backward(dout, cache['norm'])
    dx, dw, db = affine_backward(dout, cache['fc'])
    return dx, dw, db, dgamma, dbeta

# *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****


def conv_relu_forward(x, w, b, conv_param):
    """conv (fast) -> relu. Returns out and the cache."""
    a, conv_cache = conv_forward_fast(x, w, b, conv_param)
    out, relu_cache = relu_forward(a)
    cache = (conv_cache, relu_cache)
    return out, cache


def conv_relu_backward(dout, cache):
    """Backward of conv_relu_forward -> dx, dw, db"""
    conv_cache, relu_cache = cache
    da = relu_backward(dout, relu_cache)
    dx, dw, db = conv_backward_fast(da, conv_cache)
    return dx, dw, db


def conv_bn_relu_forward(x, w, b, gamma, beta, conv_param, bn_param):
    """conv (fast) -> spatial batch norm -> relu. Returns out and the cache."""
    a, conv_cache = conv_forward_fast(x, w, b, conv_param)
    an, bn_cache = spatial_batchnorm_forward(a, gamma, beta, bn_param)
    out, relu_cache = relu_forward(an)
    cache = (conv_cache, bn_cache, relu_cache)
    return out, cache


def conv_bn_relu_backward(dout, cache):
    """Backward of conv_bn_relu_forward -> dx, dw, db, dgamma, dbeta"""
    conv_cache, bn_cache, relu_cache = cache
    dan = relu_backward(dout, relu_cache)
    da, dgamma, dbeta = spatial_batchnorm_backward(dan, bn_cache)
    dx, dw, db = conv_backward_fast(da, conv_cache)
    return dx, dw, db, dgamma, dbeta


def conv_relu_pool_forward(x, w, b, conv_param, pool_param):
    """conv (fast) -> relu -> max pool (fast). Returns out and the cache."""
    a, conv_cache = conv_forward_fast(x, w, b, conv_param)
    s, relu_cache = relu_forward(a)
    out, pool_cache = max_pool_forward_fast(s, pool_param)
    cache = (conv_cache, relu_cache, pool_cache)
    return out, cache


def conv_relu_pool_backward(dout, cache):
    """Backward of conv_relu_pool_forward -> dx, dw, db"""
    conv_cache, relu_cache, pool_cache = cache
    ds = max_pool_backward_fast(dout, pool_cache)
    da = relu_backward(ds, relu_cache)
    dx, dw, db = conv_backward_fast(da, conv_cache)
    return dx, dw, db
