from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class FullyConnectedNet(object):
    """Fully connected network with a softmax loss.

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

        dims = [input_dim] + hidden_dims + [num_classes]
        for l in range(1, self.num_layers + 1):
            self.params['W' + str(l)] = weight_scale * np.random.randn(dims[l - 1], dims[l])
            self.params['b' + str(l)] = np.zeros(dims[l])
            # normalization after every affine layer
            if self.normalization is not None:
                self.params['gamma' + str(l)] = np.ones(dims[l])
                self.params['beta' + str(l)] = np.zeros(dims[l])

        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {"mode": "train", "p": dropout_keep_ratio}
            if seed is not None:
                self.dropout_param["seed"] = seed

        # one dict per normalization layer
        self.bn_params = []
        if self.normalization == "batchnorm":
            self.bn_params = [{"mode": "train"} for i in range(self.num_layers)]
        if self.normalization == "layernorm":
            self.bn_params = [{} for i in range(self.num_layers)]

        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def _norm_forward(self, a, l):
        gamma, beta = self.params['gamma' + str(l)], self.params['beta' + str(l)]
        if self.normalization == "batchnorm":
            return batchnorm_forward(a, gamma, beta, self.bn_params[l - 1])
        return layernorm_forward(a, gamma, beta, self.bn_params[l - 1])

    def _norm_backward(self, d, cache):
        if self.normalization == "batchnorm":
            return batchnorm_backward_alt(d, cache)
        return layernorm_backward(d, cache)

    def loss(self, X, y=None):
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"

        if self.use_dropout:
            self.dropout_param["mode"] = mode
        if self.normalization == "batchnorm":
            for bn_param in self.bn_params:
                bn_param["mode"] = mode
        scores = None

        caches = []
        h = X
        for l in range(1, self.num_layers + 1):
            a, fc_cache = affine_forward(h, self.params['W' + str(l)], self.params['b' + str(l)])
            norm_cache = relu_cache = drop_cache = None
            if self.normalization is not None:
                a, norm_cache = self._norm_forward(a, l)
            if l < self.num_layers:
                h, relu_cache = relu_forward(a)
                if self.use_dropout:
                    h, drop_cache = dropout_forward(h, self.dropout_param)
            else:
                scores = a
            caches.append((fc_cache, norm_cache, relu_cache, drop_cache))

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        loss, d = softmax_loss(scores, y)
        for l in range(self.num_layers, 0, -1):
            fc_cache, norm_cache, relu_cache, drop_cache = caches[l - 1]
            if l < self.num_layers:
                if self.use_dropout:
                    d = dropout_backward(d, drop_cache)
                d = relu_backward(d, relu_cache)
            if self.normalization is not None:
                d, grads['gamma' + str(l)], grads['beta' + str(l)] = self._norm_backward(d, norm_cache)
            d, dW, db = affine_backward(d, fc_cache)
            W = self.params['W' + str(l)]
            grads['W' + str(l)] = dW + self.reg * W
            grads['b' + str(l)] = db
            loss += 0.5 * self.reg * np.sum(W * W)

        return loss, grads
