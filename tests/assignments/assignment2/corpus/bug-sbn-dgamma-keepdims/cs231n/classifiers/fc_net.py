from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class FullyConnectedNet(object):
    """Fully connected net with any number of hidden layers.

    Architecture: {affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax.
    Learnable parameters live in self.params, keyed W1, b1, ..., WL, bL (and
    gamma1, beta1, ... for the normalised hidden layers).
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
        """Build the net.

        Inputs:
        - hidden_dims: list of hidden layer sizes
        - input_dim: size of one input
        - num_classes: number of classes
        - dropout_keep_ratio: keep probability of dropout (1 = no dropout)
        - normalization: None, "batchnorm" or "layernorm"
        - reg: L2 strength
        - weight_scale: std of the Gaussian initial weights
        - dtype: dtype of every parameter
        - seed: seed for dropout, for gradient checks
        """
        self.normalization = normalization
        self.use_dropout = dropout_keep_ratio != 1
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}

        ############################################################################
        # TODO: initialise the parameters                                          #
        ############################################################################
        prev = input_dim
        for i, h in enumerate(hidden_dims + [num_classes]):
            n = i + 1
            self.params["W%d" % n] = np.random.normal(0, weight_scale, size=(prev, h))
            self.params["b%d" % n] = np.zeros(h)
            if normalization and n < self.num_layers:
                self.params["gamma%d" % n] = np.ones(h)
                self.params["beta%d" % n] = np.zeros(h)
            prev = h
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        # dropout: one dict shared by every dropout layer
        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {"mode": "train", "p": dropout_keep_ratio}
            if seed is not None:
                self.dropout_param["seed"] = seed

        # one dict of running statistics per normalised layer
        self.bn_params = []
        if self.normalization == "batchnorm":
            self.bn_params = [{"mode": "train"} for i in range(self.num_layers - 1)]
        if self.normalization == "layernorm":
            self.bn_params = [{} for i in range(self.num_layers - 1)]

        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """Scores (test mode, y None) or (loss, grads) (train mode).

        Inputs:
        - X: inputs, shape (N, d_1, ..., d_k)
        - y: labels, shape (N,), or None

        Returns scores (N, C) when y is None, else (loss, grads) with grads keyed
        like self.params.
        """
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"

        if self.use_dropout:
            self.dropout_param["mode"] = mode
        if self.normalization == "batchnorm":
            for bn_param in self.bn_params:
                bn_param["mode"] = mode
        scores = None

        ############################################################################
        # TODO: forward pass                                                       #
        ############################################################################
        self._caches = []
        a = X
        for n in range(1, self.num_layers + 1):
            a, c = affine_forward(a, self.params["W%d" % n], self.params["b%d" % n])
            layer = {"affine": c}
            if n == self.num_layers:
                self._caches.append(layer)
                break
            if self.normalization == "batchnorm":
                a, layer["norm"] = batchnorm_forward(a, self.params["gamma%d" % n],
                                                     self.params["beta%d" % n], self.bn_params[n - 1])
            elif self.normalization == "layernorm":
                a, layer["norm"] = layernorm_forward(a, self.params["gamma%d" % n],
                                                     self.params["beta%d" % n], self.bn_params[n - 1])
            a, layer["relu"] = relu_forward(a)
            if self.use_dropout:
                a, layer["dropout"] = dropout_forward(a, self.dropout_param)
            self._caches.append(layer)
        scores = a
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        ############################################################################
        # TODO: loss and gradients                                                 #
        ############################################################################
        loss, d = softmax_loss(scores, y)
        for n in range(self.num_layers, 0, -1):
            W = self.params["W%d" % n]
            layer = self._caches[n - 1]
            if n < self.num_layers:
                if "dropout" in layer:
                    d = dropout_backward(d, layer["dropout"])
                d = relu_backward(d, layer["relu"])
                if self.normalization == "batchnorm":
                    d, grads["gamma%d" % n], grads["beta%d" % n] = batchnorm_backward_alt(d, layer["norm"])
                elif self.normalization == "layernorm":
                    d, grads["gamma%d" % n], grads["beta%d" % n] = layernorm_backward(d, layer["norm"])
            d, dW, grads["b%d" % n] = affine_backward(d, layer["affine"])
            grads["W%d" % n] = dW + self.reg * W
            loss += 0.5 * self.reg * np.sum(W * W)
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        return loss, grads
