from builtins import range
from builtins import object
import numpy as np

from cs231n.layers import *
from cs231n.layer_utils import *


class FullyConnectedNet(object):
    """
    net of any depth: hidden layers of affine + relu, softmax on top
    {affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax
    """

    def __init__(
        self,
        hidden_dims,
        input_dim=3 * 32 * 32,
        num_classes=10,
        dropout_keep_ratio=1,
        normalization=None,
        reg=0.0,
        weight_scale=1e-2,
        dtype=np.float32,
        seed=None,
    ):
        self.normalization = normalization
        self.use_dropout = dropout_keep_ratio != 1
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}

        prev = input_dim
        for i, h in enumerate(hidden_dims):
            self.params['W%d' % (i + 1)] = np.random.randn(prev, h) * weight_scale
            self.params['b%d' % (i + 1)] = np.zeros(h)
            if self.normalization in ('batchnorm', 'layernorm'):
                self.params['gamma%d' % (i + 1)] = np.ones(h)
                self.params['beta%d' % (i + 1)] = np.zeros(h)
            prev = h
        self.params['W%d' % self.num_layers] = np.random.randn(prev, num_classes) * weight_scale
        self.params['b%d' % self.num_layers] = np.zeros(num_classes)

        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {"mode": "train", "p": dropout_keep_ratio}
            if seed is not None:
                self.dropout_param["seed"] = seed

        self.bn_params = []
        if self.normalization == "batchnorm":
            self.bn_params = [{"mode": "train"} for i in range(self.num_layers - 1)]
        if self.normalization == "layernorm":
            self.bn_params = [{} for i in range(self.num_layers - 1)]

        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"

        if self.use_dropout:
            self.dropout_param["mode"] = mode
        if self.normalization == "batchnorm":
            for bn_param in self.bn_params:
                bn_param["mode"] = mode
        scores = None

        cache, drop_cache = [], []
        out = X
        for i in range(self.num_layers - 1):
            W, b = self.params['W%d' % (i + 1)], self.params['b%d' % (i + 1)]
            if self.normalization == 'batchnorm':
                g, bt = self.params['gamma%d' % (i + 1)], self.params['beta%d' % (i + 1)]
                out, c = affine_bn_relu_forward(out, W, b, g, bt, self.bn_params[i])
            elif self.normalization == 'layernorm':
                g, bt = self.params['gamma%d' % (i + 1)], self.params['beta%d' % (i + 1)]
                a, fc_c = affine_forward(out, W, b)
                an, ln_c = layernorm_forward(a, g, bt, self.bn_params[i])
                out, r_c = relu_forward(an)
                c = (fc_c, ln_c, r_c)
            else:
                out, c = affine_relu_forward(out, W, b)
            cache.append(c)
            if self.use_dropout:
                out, dc = dropout_forward(out, self.dropout_param)
                drop_cache.append(dc)
        scores, c = affine_forward(out, self.params['W%d' % self.num_layers], self.params['b%d' % self.num_layers])
        cache.append(c)

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        loss, dout = softmax_loss(scores, y)
        n = self.num_layers
        dout, grads['W%d' % n], grads['b%d' % n] = affine_backward(dout, cache[n - 1])
        loss += 0.5 * self.reg * np.sum(self.params['W%d' % n] ** 2)
        grads['W%d' % n] += self.reg * self.params['W%d' % n]

        for i in reversed(range(n - 1)):
            if self.use_dropout:
                dout = dropout_backward(dout, drop_cache[i])
            if self.normalization == 'batchnorm':
                dout, dw, db, dg, dbt = affine_bn_relu_backward(dout, cache[i])
            elif self.normalization == 'layernorm':
                fc_c, ln_c, r_c = cache[i]
                da = relu_backward(dout, r_c)
                da, dg, dbt = layernorm_backward(da, ln_c)
                dout, dw, db = affine_backward(da, fc_c)
            else:
                dout, dw, db = affine_relu_backward(dout, cache[i])
            if self.normalization is not None:
                grads['gamma%d' % (i + 1)] = dg
                grads['beta%d' % (i + 1)] = dbt
            W = self.params['W%d' % (i + 1)]
            grads['W%d' % (i + 1)] = dw + self.reg * W
            grads['b%d' % (i + 1)] = db
            loss += 0.5 * self.reg * np.sum(W ** 2)

        return loss, grads
