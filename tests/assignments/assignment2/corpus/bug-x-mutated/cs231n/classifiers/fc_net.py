from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class FullyConnectedNet(object):
    """
    Fully connected network with any number of hidden layers, ReLU, softmax loss,
    optional batch/layer normalization and dropout:

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
        """
        - dropout: keep probability for dropout; 1 = no dropout
        - normalization: None, "batchnorm" or "layernorm"
        """
        self.normalization = normalization
        self.use_dropout = dropout != 1
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}

        in_dim = input_dim
        i = 1
        while i <= self.num_layers:
            out_dim = hidden_dims[i - 1] if i < self.num_layers else num_classes
            self.params["W%d" % i] = np.random.randn(in_dim, out_dim) * weight_scale
            self.params["b%d" % i] = np.zeros(out_dim)
            if self.normalization is not None and i < self.num_layers:
                self.params["gamma%d" % i] = np.ones(out_dim)
                self.params["beta%d" % i] = np.zeros(out_dim)
            in_dim = out_dim
            i += 1

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
        Returns scores (N, C) if y is None, otherwise (loss, grads).
        """
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"

        if self.use_dropout:
            self.dropout_param["mode"] = mode
        if self.normalization == "batchnorm":
            for bn_param in self.bn_params:
                bn_param["mode"] = mode
        scores = None

        caches = {}
        out = X
        for i in range(1, self.num_layers):
            W, b = self.params["W%d" % i], self.params["b%d" % i]
            if self.normalization == "batchnorm":
                out, caches[i] = affine_bn_relu_forward(out, W, b, self.params["gamma%d" % i],
                                                        self.params["beta%d" % i], self.bn_params[i - 1])
            elif self.normalization == "layernorm":
                out, caches[i] = affine_ln_relu_forward(out, W, b, self.params["gamma%d" % i],
                                                        self.params["beta%d" % i], self.bn_params[i - 1])
            else:
                out, caches[i] = affine_relu_forward(out, W, b)
            if self.use_dropout:
                out, caches["dropout%d" % i] = dropout_forward(out, self.dropout_param)
        n = self.num_layers
        scores, caches[n] = affine_forward(out, self.params["W%d" % n], self.params["b%d" % n])

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        loss, dout = softmax_loss(scores, y)
        dout, grads["W%d" % n], grads["b%d" % n] = affine_backward(dout, caches[n])
        i = n - 1
        while i >= 1:
            if self.use_dropout:
                dout = dropout_backward(dout, caches["dropout%d" % i])
            if self.normalization == "batchnorm":
                dout, dw, db, dg, dbe = affine_bn_relu_backward(dout, caches[i])
            elif self.normalization == "layernorm":
                dout, dw, db, dg, dbe = affine_ln_relu_backward(dout, caches[i])
            else:
                dout, dw, db = affine_relu_backward(dout, caches[i])
            grads["W%d" % i], grads["b%d" % i] = dw, db
            if self.normalization is not None:
                grads["gamma%d" % i], grads["beta%d" % i] = dg, dbe
            i -= 1

        for i in range(1, n + 1):
            W = self.params["W%d" % i]
            loss += 0.5 * self.reg * np.sum(W * W)
            grads["W%d" % i] += self.reg * W

        return loss, grads
