from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class FullyConnectedNet(object):
    """
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

        # hidden layers
        prev = input_dim
        for i, h in enumerate(hidden_dims):
            n = i + 1
            self.params["W" + str(n)] = weight_scale * np.random.randn(prev, h)
            self.params["b" + str(n)] = np.zeros(h)
            if self.normalization is not None:
                self.params["gamma" + str(n)] = np.ones(h)
                self.params["beta" + str(n)] = np.zeros(h)
            prev = h
        # output layer
        n = self.num_layers
        self.params["W" + str(n)] = np.random.randn(prev, num_classes)
        self.params["b" + str(n)] = np.zeros(num_classes)

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

        caches = []
        h = X
        for n in range(1, self.num_layers):
            W, b = self.params["W" + str(n)], self.params["b" + str(n)]
            if self.normalization is None:
                h, c = affine_relu_forward(h, W, b)
            else:
                h, c = affine_norm_relu_forward(h, W, b, self.params["gamma" + str(n)],
                                                self.params["beta" + str(n)], self.bn_params[n - 1],
                                                self.normalization)
            dc = None
            if self.use_dropout:
                h, dc = dropout_forward(h, self.dropout_param)
            caches.append((c, dc))
        n = self.num_layers
        scores, out_cache = affine_forward(h, self.params["W" + str(n)], self.params["b" + str(n)])

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        loss, dscores = softmax_loss(scores, y)
        dh, dW, grads["b" + str(n)] = affine_backward(dscores, out_cache)
        grads["W" + str(n)] = dW + self.reg * self.params["W" + str(n)]
        loss += 0.5 * self.reg * np.sum(self.params["W" + str(n)] ** 2)
        for n in range(self.num_layers - 1, 0, -1):
            c, dc = caches[n - 1]
            if self.use_dropout:
                dh = dropout_backward(dh, dc)
            if self.normalization is None:
                dh, dW, db = affine_relu_backward(dh, c)
            else:
                dh, dW, db, grads["gamma" + str(n)], grads["beta" + str(n)] = affine_norm_relu_backward(dh, c)
            grads["W" + str(n)] = dW + self.reg * self.params["W" + str(n)]
            grads["b" + str(n)] = db
            loss += 0.5 * self.reg * np.sum(self.params["W" + str(n)] ** 2)

        return loss, grads
