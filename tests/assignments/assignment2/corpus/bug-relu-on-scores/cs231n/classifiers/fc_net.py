from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class FullyConnectedNet(object):
    """
    Fully connected network with a softmax loss:
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
        for i in range(1, self.num_layers + 1):
            self.params["W%d" % i] = weight_scale * np.random.randn(dims[i - 1], dims[i])
            self.params["b%d" % i] = np.zeros(dims[i])
            if normalization is not None and i < self.num_layers:
                self.params["gamma%d" % i] = np.ones(dims[i])
                self.params["beta%d" % i] = np.zeros(dims[i])

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

        L = self.num_layers
        caches = {}
        out = X
        for i in range(1, L):
            a, caches["fc%d" % i] = affine_forward(out, self.params["W%d" % i], self.params["b%d" % i])
            if self.normalization == "batchnorm":
                a, caches["bn%d" % i] = batchnorm_forward(a, self.params["gamma%d" % i], self.params["beta%d" % i],
                                                          self.bn_params[i - 1])
            elif self.normalization == "layernorm":
                a, caches["bn%d" % i] = layernorm_forward(a, self.params["gamma%d" % i], self.params["beta%d" % i],
                                                          self.bn_params[i - 1])
            out, caches["relu%d" % i] = relu_forward(a)
            if self.use_dropout:
                out, caches["drop%d" % i] = dropout_forward(out, self.dropout_param)
        # output layer
        scores, caches["out"] = affine_relu_forward(out, self.params["W%d" % L], self.params["b%d" % L])

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        loss, dscores = softmax_loss(scores, y)
        dout, grads["W%d" % L], grads["b%d" % L] = affine_relu_backward(dscores, caches["out"])
        for i in range(L - 1, 0, -1):
            if self.use_dropout:
                dout = dropout_backward(dout, caches["drop%d" % i])
            da = relu_backward(dout, caches["relu%d" % i])
            if self.normalization == "batchnorm":
                da, grads["gamma%d" % i], grads["beta%d" % i] = batchnorm_backward_alt(da, caches["bn%d" % i])
            elif self.normalization == "layernorm":
                da, grads["gamma%d" % i], grads["beta%d" % i] = layernorm_backward(da, caches["bn%d" % i])
            dout, grads["W%d" % i], grads["b%d" % i] = affine_backward(da, caches["fc%d" % i])

        for i in range(1, L + 1):
            loss += 0.5 * self.reg * np.sum(self.params["W%d" % i] ** 2)
            grads["W%d" % i] += self.reg * self.params["W%d" % i]

        return loss, grads
