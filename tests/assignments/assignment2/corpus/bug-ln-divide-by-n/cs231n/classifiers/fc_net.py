from builtins import range
from builtins import object
import numpy as np

from cs231n.layers import *
from cs231n.layer_utils import *


class FullyConnectedNet(object):
    """
    {affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax
    """

    def __init__(
        self,
        hidden_dims,
        input_dim=3 * 32 * 32,
        num_classes=10,
        dropout=1,
        normalization=None,
        reg=0.0,
        weight_scale=1e-2,
        dtype=np.float32,
        seed=None,
    ):
        self.normalization = normalization
        self.use_dropout = dropout != 1
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}

        sizes = [input_dim] + list(hidden_dims) + [num_classes]
        for n in range(1, len(sizes)):
            self.params["W{}".format(n)] = weight_scale * np.random.randn(sizes[n - 1], sizes[n])
            self.params["b{}".format(n)] = np.zeros(sizes[n])
            if self.normalization is not None and n < len(sizes) - 1:
                self.params["gamma{}".format(n)] = np.ones(sizes[n])
                self.params["beta{}".format(n)] = np.zeros(sizes[n])

        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {"mode": "train", "p": dropout}
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
        """
        Returns scores if y is None, else (loss, grads).
        """
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"

        if self.use_dropout:
            self.dropout_param["mode"] = mode
        if self.normalization == "batchnorm":
            for bn_param in self.bn_params:
                bn_param["mode"] = mode
        scores = None

        p = self.params

        def hidden_forward(h, n):
            a, c_fc = affine_forward(h, p["W{}".format(n)], p["b{}".format(n)])
            c_norm = None
            if self.normalization == "batchnorm":
                a, c_norm = batchnorm_forward(a, p["gamma{}".format(n)], p["beta{}".format(n)], self.bn_params[n - 1])
            elif self.normalization == "layernorm":
                a, c_norm = layernorm_forward(a, p["gamma{}".format(n)], p["beta{}".format(n)], self.bn_params[n - 1])
            h, c_relu = relu_forward(a)
            c_drop = None
            if self.use_dropout:
                h, c_drop = dropout_forward(h, self.dropout_param)
            return h, (c_fc, c_norm, c_relu, c_drop)

        def hidden_backward(dh, cache, n):
            c_fc, c_norm, c_relu, c_drop = cache
            if self.use_dropout:
                dh = dropout_backward(dh, c_drop)
            da = relu_backward(dh, c_relu)
            if self.normalization == "batchnorm":
                da, grads["gamma{}".format(n)], grads["beta{}".format(n)] = batchnorm_backward_alt(da, c_norm)
            elif self.normalization == "layernorm":
                da, grads["gamma{}".format(n)], grads["beta{}".format(n)] = layernorm_backward(da, c_norm)
            dh, grads["W{}".format(n)], grads["b{}".format(n)] = affine_backward(da, c_fc)
            return dh

        L = self.num_layers
        caches = {}
        h = X
        for n in range(1, L):
            h, caches[n] = hidden_forward(h, n)
        scores, caches[L] = affine_forward(h, p["W{}".format(L)], p["b{}".format(L)])

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        loss, dscores = softmax_loss(scores, y)
        dh, grads["W{}".format(L)], grads["b{}".format(L)] = affine_backward(dscores, caches[L])
        for n in range(L - 1, 0, -1):
            dh = hidden_backward(dh, caches[n], n)

        for n in range(1, L + 1):
            W = p["W{}".format(n)]
            loss += 0.5 * self.reg * np.sum(W * W)
            grads["W{}".format(n)] += self.reg * W

        return loss, grads
