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

        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        dims = [input_dim, *hidden_dims, num_classes]
        for l, (fan_in, fan_out) in enumerate(zip(dims[:-1], dims[1:]), start=1):
            self.params[f"W{l}"] = np.random.normal(0.0, weight_scale, (fan_in, fan_out))
            self.params[f"b{l}"] = np.zeros(fan_out)
        if normalization in ("batchnorm", "layernorm"):
            for l, d in enumerate(hidden_dims, start=1):
                self.params[f"gamma{l}"] = np.ones(d)
                self.params[f"beta{l}"] = np.zeros(d)
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
        cache = {}
        out = X
        for l in range(1, self.num_layers):
            gamma = self.params.get(f"gamma{l}")
            beta = self.params.get(f"beta{l}")
            norm_param = self.bn_params[l - 1] if self.normalization else None
            out, cache[l] = hidden_layer_forward(
                out, self.params[f"W{l}"], self.params[f"b{l}"], gamma, beta,
                self.normalization, norm_param,
                self.dropout_param if self.use_dropout else None)
        L = self.num_layers
        scores, cache[L] = affine_forward(out, self.params[f"W{L}"], self.params[f"b{L}"])
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        loss, dout = softmax_loss(scores, y)
        Ws = [self.params[f"W{l}"] for l in range(1, L + 1)]
        loss += 0.5 * self.reg * sum(np.sum(W ** 2) for W in Ws)

        dout, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dout, cache[L])
        for l in reversed(range(1, L)):
            dout, dw, db, dgamma, dbeta = hidden_layer_backward(dout, cache[l])
            grads[f"W{l}"], grads[f"b{l}"] = dw, db
            if self.normalization:
                grads[f"gamma{l}"], grads[f"beta{l}"] = dgamma, dbeta
        for l in range(1, L + 1):
            grads[f"W{l}"] += self.reg * self.params[f"W{l}"]
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
