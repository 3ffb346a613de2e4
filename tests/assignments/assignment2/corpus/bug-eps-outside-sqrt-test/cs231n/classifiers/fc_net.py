from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class FullyConnectedNet(object):
    """
    Multi-layer fully connected net with softmax loss:
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

        layer_in = input_dim
        for idx, layer_out in enumerate(list(hidden_dims) + [num_classes], start=1):
            self.params["W" + str(idx)] = weight_scale * np.random.randn(layer_in, layer_out)
            self.params["b" + str(idx)] = np.zeros(layer_out)
            layer_in = layer_out
        if self.normalization is not None:
            for idx, h in enumerate(hidden_dims, start=1):
                self.params["gamma" + str(idx)] = np.ones(h)
                self.params["beta" + str(idx)] = np.zeros(h)
        # print(sorted(self.params.keys()))

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
        """
        Forward (and backward when y is given) pass of the net.
        """
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"

        if self.use_dropout:
            self.dropout_param["mode"] = mode
        if self.normalization == "batchnorm":
            for bn_param in self.bn_params:
                bn_param["mode"] = mode
        scores = None

        self.cache = []
        out = X
        for idx in range(1, self.num_layers):
            s = str(idx)
            out, fc = affine_forward(out, self.params["W" + s], self.params["b" + s])
            nc = None
            if self.normalization == "batchnorm":
                out, nc = batchnorm_forward(out, self.params["gamma" + s], self.params["beta" + s],
                                            self.bn_params[idx - 1])
            elif self.normalization == "layernorm":
                out, nc = layernorm_forward(out, self.params["gamma" + s], self.params["beta" + s],
                                            self.bn_params[idx - 1])
            out, rc = relu_forward(out)
            dc = None
            if self.use_dropout:
                out, dc = dropout_forward(out, self.dropout_param)
            self.cache.append((fc, nc, rc, dc))
        s = str(self.num_layers)
        scores, fc = affine_forward(out, self.params["W" + s], self.params["b" + s])
        self.cache.append(fc)

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        loss, dscores = softmax_loss(scores, y)
        loss += 0.5 * self.reg * sum(np.sum(self.params["W" + str(i)] ** 2)
                                     for i in range(1, self.num_layers + 1))

        d, dW, db = affine_backward(dscores, self.cache[-1])
        grads["W" + s] = dW + self.reg * self.params["W" + s]
        grads["b" + s] = db
        for idx in range(self.num_layers - 1, 0, -1):
            s = str(idx)
            fc, nc, rc, dc = self.cache[idx - 1]
            if self.use_dropout:
                d = dropout_backward(d, dc)
            d = relu_backward(d, rc)
            if self.normalization == "batchnorm":
                d, grads["gamma" + s], grads["beta" + s] = batchnorm_backward_alt(d, nc)
            elif self.normalization == "layernorm":
                d, grads["gamma" + s], grads["beta" + s] = layernorm_backward(d, nc)
            d, dW, db = affine_backward(d, fc)
            grads["W" + s] = dW + self.reg * self.params["W" + s]
            grads["b" + s] = db

        return loss, grads
