"""A fully connected network of any depth, with optional normalization and dropout."""

import numpy as np

from ..layers import *
from ..layer_utils import *


class FullyConnectedNet:
    """Fully connected network with a softmax loss.

    With L = num_layers, the architecture is

        {affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax

    where the bracketed layers are optional. The learnable parameters live in
    ``self.params``: weights ``W1..WL``, biases ``b1..bL`` and, with normalization,
    scales ``gamma1..gamma(L-1)`` and shifts ``beta1..beta(L-1)`` (the last affine
    layer is never normalized).
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
        """Build the network and initialize its parameters.

        Inputs:
        - hidden_dims: list of the hidden layer sizes
        - input_dim: size of the (flattened) input
        - num_classes: number of classes
        - dropout_keep_ratio: probability of keeping a unit in dropout; 1 means
          no dropout
        - normalization: None, 'batchnorm' or 'layernorm'
        - reg: L2 regularization strength
        - weight_scale: standard deviation of the normal initial weights
        - dtype: numpy dtype of all parameters and computations (float64 for
          gradient checks)
        - seed: when given, dropout becomes deterministic (for gradient checks)
        """
        self.normalization = normalization
        self.use_dropout = dropout_keep_ratio != 1
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}

        dims = [input_dim, *hidden_dims, num_classes]
        for i in range(1, self.num_layers + 1):
            self.params[f"W{i}"] = weight_scale * np.random.randn(dims[i - 1], dims[i])
            self.params[f"b{i}"] = np.zeros(dims[i])
            if self.normalization and i < self.num_layers:
                self.params[f"gamma{i}"] = np.ones(dims[i])
                self.params[f"beta{i}"] = np.zeros(dims[i])

        # Dropout shares one parameter dict across all dropout layers; its mode
        # is switched by loss().
        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {"mode": "train", "p": dropout_keep_ratio}
            if seed is not None:
                self.dropout_param["seed"] = seed

        # One parameter dict per normalization layer: batchnorm keeps its running
        # statistics there.
        self.bn_params = []
        if self.normalization == "batchnorm":
            self.bn_params = [{"mode": "train"} for _ in range(self.num_layers - 1)]
        if self.normalization == "layernorm":
            self.bn_params = [{} for _ in range(self.num_layers - 1)]

        for name, value in self.params.items():
            self.params[name] = value.astype(dtype)

    def _hidden_forward(self, h, i):
        """affine - [norm] - relu - [dropout] for hidden layer i (1-based)."""
        cache = {}
        h, cache["affine"] = affine_forward(h, self.params[f"W{i}"], self.params[f"b{i}"])
        if self.normalization == "batchnorm":
            h, cache["norm"] = batchnorm_forward(h, self.params[f"gamma{i}"],
                                                 self.params[f"beta{i}"], self.bn_params[i - 1])
        elif self.normalization == "layernorm":
            h, cache["norm"] = layernorm_forward(h, self.params[f"gamma{i}"],
                                                 self.params[f"beta{i}"], self.bn_params[i - 1])
        h, cache["relu"] = relu_forward(h)
        if self.use_dropout:
            h, cache["dropout"] = dropout_forward(h, self.dropout_param)
        return h, cache

    def _hidden_backward(self, dh, i, cache, grads):
        """Backward of _hidden_forward; writes layer i's gradients into grads."""
        if self.use_dropout:
            dh = dropout_backward(dh, cache["dropout"])
        dh = relu_backward(dh, cache["relu"])
        if self.normalization == "batchnorm":
            dh, grads[f"gamma{i}"], grads[f"beta{i}"] = batchnorm_backward_alt(dh, cache["norm"])
        elif self.normalization == "layernorm":
            dh, grads[f"gamma{i}"], grads[f"beta{i}"] = layernorm_backward(dh, cache["norm"])
        dh, dw, grads[f"b{i}"] = affine_backward(dh, cache["affine"])
        grads[f"W{i}"] = dw + self.reg * self.params[f"W{i}"]
        return dh

    def _l2(self):
        """0.5 * reg * sum of the squared weights of every layer."""
        return 0.5 * self.reg * sum(np.sum(self.params[f"W{i}"] ** 2)
                                    for i in range(1, self.num_layers + 1))

    def loss(self, X, y=None):
        """Compute the class scores, or the loss and its gradients.

        Inputs:
        - X: input data, shape (N, d_1, ..., d_k)
        - y: labels, shape (N,), y[i] in [0, num_classes); None at test time

        Returns:
        - when y is None: scores, shape (N, num_classes)
        - otherwise a tuple of:
          - loss: scalar, softmax loss plus 0.5 * reg * sum of all squared weights
          - grads: dict with the same keys as self.params, gradients of the loss
        """
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"

        # Normalization and dropout behave differently at train and test time.
        if self.use_dropout:
            self.dropout_param["mode"] = mode
        if self.normalization == "batchnorm":
            for bn_param in self.bn_params:
                bn_param["mode"] = mode

        scores = None
        caches = []
        h = X
        for i in range(1, self.num_layers):
            h, c = self._hidden_forward(h, i)
            caches.append(c)
        L = self.num_layers
        scores, last_cache = affine_forward(h, self.params[f"W{L}"], self.params[f"b{L}"])

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        loss, dh = softmax_loss(scores, y)
        loss += self._l2()
        dh, dw, grads[f"b{L}"] = affine_backward(dh, last_cache)
        grads[f"W{L}"] = dw + self.reg * self.params[f"W{L}"]
        for i in range(L - 1, 0, -1):
            dh = self._hidden_backward(dh, i, caches[i - 1], grads)

        return loss, grads
