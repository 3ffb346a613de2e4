from builtins import range
from builtins import object
from typing import List, Optional

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
        hidden_dims: List[int],
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

        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        if seed is not None:
            np.random.seed(seed)  # same weights every time when a seed is given
        sizes = [input_dim, *hidden_dims, num_classes]
        for i in range(1, self.num_layers + 1):
            self.params[f"W{i}"] = weight_scale * np.random.randn(sizes[i - 1], sizes[i])
            self.params[f"b{i}"] = np.zeros(sizes[i])
            if normalization is not None and i != self.num_layers:
                self.params[f"gamma{i}"], self.params[f"beta{i}"] = np.ones(sizes[i]), np.zeros(sizes[i])
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

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

        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        caches, h = [], X
        for i in range(1, self.num_layers):
            norm = (self.params.get(f"gamma{i}"), self.params.get(f"beta{i}"),
                    self.normalization, self.bn_params[i - 1] if self.normalization else None)
            h, c = hidden_layer_forward(h, self.params[f"W{i}"], self.params[f"b{i}"], *norm,
                                        self.dropout_param if self.use_dropout else None)
            caches.append(c)
        scores, c = affine_forward(h, self.params[f"W{self.num_layers}"], self.params[f"b{self.num_layers}"])
        caches.append(c)
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        loss, d = softmax_loss(scores, y)
        loss += 0.5 * self.reg * sum((self.params[f"W{i}"] ** 2).sum() for i in range(1, self.num_layers + 1))
        d, dw, db = affine_backward(d, caches[-1])
        grads[f"W{self.num_layers}"], grads[f"b{self.num_layers}"] = dw, db
        for i in range(self.num_layers - 1, 0, -1):
            d, dw, db, dg, dbt = hidden_layer_backward(d, caches[i - 1])
            grads[f"W{i}"], grads[f"b{i}"] = dw, db
            if self.normalization is not None:
                grads[f"gamma{i}"], grads[f"beta{i}"] = dg, dbt
        grads = {k: (g + self.reg * self.params[k] if k.startswith("W") else g) for k, g in grads.items()}
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
