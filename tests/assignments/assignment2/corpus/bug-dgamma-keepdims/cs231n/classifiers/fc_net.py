from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class FullyConnectedNet(object):
    """
    Fully-connected net: {affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax
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

        dims = [input_dim] + hidden_dims + [num_classes]
        for i in range(self.num_layers):
            self.params["W%d" % (i + 1)] = weight_scale * np.random.randn(dims[i], dims[i + 1])  # (in, out)
            self.params["b%d" % (i + 1)] = np.zeros(dims[i + 1])                                  # (out,)
        if self.normalization in ("batchnorm", "layernorm"):
            for i in range(self.num_layers - 1):
                self.params["gamma%d" % (i + 1)] = np.ones(dims[i + 1])
                self.params["beta%d" % (i + 1)] = np.zeros(dims[i + 1])

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
        X: (N, d_1, ..., d_k), y: (N,) or None.
        """
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"

        if self.use_dropout:
            self.dropout_param["mode"] = mode
        if self.normalization == "batchnorm":
            for bn_param in self.bn_params:
                bn_param["mode"] = mode
        scores = None

        cache = {}
        a = X
        for i in range(1, self.num_layers):
            a, cache["affine%d" % i] = affine_forward(a, self.params["W%d" % i], self.params["b%d" % i])
            if self.normalization == "batchnorm":
                a, cache["norm%d" % i] = batchnorm_forward(a, self.params["gamma%d" % i],
                                                           self.params["beta%d" % i], self.bn_params[i - 1])
            elif self.normalization == "layernorm":
                a, cache["norm%d" % i] = layernorm_forward(a, self.params["gamma%d" % i],
                                                           self.params["beta%d" % i], self.bn_params[i - 1])
            a, cache["relu%d" % i] = relu_forward(a)
            if self.use_dropout:
                a, cache["drop%d" % i] = dropout_forward(a, self.dropout_param)
        n = self.num_layers
        scores, cache["affine%d" % n] = affine_forward(a, self.params["W%d" % n], self.params["b%d" % n])  # (N, C)

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        loss, d = softmax_loss(scores, y)
        d, grads["W%d" % n], grads["b%d" % n] = affine_backward(d, cache["affine%d" % n])
        for i in range(n - 1, 0, -1):
            if self.use_dropout:
                d = dropout_backward(d, cache["drop%d" % i])
            d = relu_backward(d, cache["relu%d" % i])
            if self.normalization == "batchnorm":
                d, grads["gamma%d" % i], grads["beta%d" % i] = batchnorm_backward_alt(d, cache["norm%d" % i])
            elif self.normalization == "layernorm":
                d, grads["gamma%d" % i], grads["beta%d" % i] = layernorm_backward(d, cache["norm%d" % i])
            d, grads["W%d" % i], grads["b%d" % i] = affine_backward(d, cache["affine%d" % i])

        for i in range(1, n + 1):
            W = self.params["W%d" % i]
            loss += 0.5 * self.reg * np.sum(W ** 2)
            grads["W%d" % i] = grads["W%d" % i] + self.reg * W

        return loss, grads
