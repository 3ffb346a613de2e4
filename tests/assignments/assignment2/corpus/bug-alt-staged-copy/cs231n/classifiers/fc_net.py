from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class FullyConnectedNet(object):
    """
    Fully connected classifier, as many hidden layers as hidden_dims has:

    {affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax

    Weights, biases, gammas and betas all sit in self.params.
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
            self.params[f"W{i}"] = weight_scale * np.random.randn(dims[i - 1], dims[i])
            self.params[f"b{i}"] = np.zeros(dims[i])
        if self.normalization is not None:
            for i, h in enumerate(hidden_dims, start=1):
                self.params[f"gamma{i}"] = np.ones(h)
                self.params[f"beta{i}"] = np.zeros(h)

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
        Compute loss and gradient. Returns scores when y is None.
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
        x = X
        for i in range(1, self.num_layers):
            if self.normalization is None:
                x, cache[f"h{i}"] = affine_relu_forward(x, self.params[f"W{i}"], self.params[f"b{i}"])
            else:
                x, cache[f"h{i}"] = affine_norm_relu_forward(
                    x, self.params[f"W{i}"], self.params[f"b{i}"],
                    self.params[f"gamma{i}"], self.params[f"beta{i}"],
                    self.bn_params[i - 1], self.normalization)
            if self.use_dropout:
                x, cache[f"d{i}"] = dropout_forward(x, self.dropout_param)
        L = self.num_layers
        scores, cache[f"h{L}"] = affine_forward(x, self.params[f"W{L}"], self.params[f"b{L}"])

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        data_loss, dx = softmax_loss(scores, y)
        reg_loss = 0.0
        for i in range(1, L + 1):
            reg_loss += 0.5 * self.reg * np.sum(self.params[f"W{i}"] ** 2)
        loss = data_loss + reg_loss

        dx, dw, db = affine_backward(dx, cache[f"h{L}"])
        grads[f"W{L}"] = dw + self.reg * self.params[f"W{L}"]
        grads[f"b{L}"] = db
        for i in range(L - 1, 0, -1):
            if self.use_dropout:
                dx = dropout_backward(dx, cache[f"d{i}"])
            if self.normalization is None:
                dx, dw, db = affine_relu_backward(dx, cache[f"h{i}"])
            else:
                dx, dw, db, grads[f"gamma{i}"], grads[f"beta{i}"] = affine_norm_relu_backward(dx, cache[f"h{i}"])
            grads[f"W{i}"] = dw + self.reg * self.params[f"W{i}"]
            grads[f"b{i}"] = db

        return loss, grads
