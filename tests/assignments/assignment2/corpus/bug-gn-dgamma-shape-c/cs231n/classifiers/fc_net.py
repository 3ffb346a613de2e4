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

        layer_sizes = [input_dim] + hidden_dims + [num_classes]
        for i in range(self.num_layers):
            idx = str(i + 1)
            self.params['W' + idx] = weight_scale * np.random.randn(layer_sizes[i], layer_sizes[i + 1])
            self.params['b' + idx] = np.zeros(layer_sizes[i + 1])
            if self.normalization is not None and i < self.num_layers - 1:
                self.params['gamma' + idx] = np.ones(layer_sizes[i + 1])
                self.params['beta' + idx] = np.zeros(layer_sizes[i + 1])

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

        caches = []
        h = X
        for i in range(1, self.num_layers):
            W, b = self.params['W%d' % i], self.params['b%d' % i]
            h, fc_cache = affine_forward(h, W, b)
            norm_cache = None
            if self.normalization == 'batchnorm':
                h, norm_cache = batchnorm_forward(h, self.params['gamma%d' % i],
                                                  self.params['beta%d' % i], self.bn_params[i - 1])
            elif self.normalization == 'layernorm':
                h, norm_cache = layernorm_forward(h, self.params['gamma%d' % i],
                                                  self.params['beta%d' % i], self.bn_params[i - 1])
            h, relu_cache = relu_forward(h)
            drop_cache = None
            if self.use_dropout:
                h, drop_cache = dropout_forward(h, self.dropout_param)
            caches.append((fc_cache, norm_cache, relu_cache, drop_cache))

        L = self.num_layers
        scores, last_cache = affine_forward(h, self.params['W%d' % L], self.params['b%d' % L])

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        loss, dscores = softmax_loss(scores, y)
        for i in range(1, L + 1):
            W = self.params['W%d' % i]
            loss += 0.5 * self.reg * np.sum(W * W)

        dh, dW, db = affine_backward(dscores, last_cache)
        grads['W%d' % L] = dW + self.reg * self.params['W%d' % L]
        grads['b%d' % L] = db

        for i in range(L - 1, 0, -1):
            fc_cache, norm_cache, relu_cache, drop_cache = caches[i - 1]
            if self.use_dropout:
                dh = dropout_backward(dh, drop_cache)
            dh = relu_backward(dh, relu_cache)
            if self.normalization == 'batchnorm':
                dh, dgamma, dbeta = batchnorm_backward(dh, norm_cache)
                grads['gamma%d' % i], grads['beta%d' % i] = dgamma, dbeta
            elif self.normalization == 'layernorm':
                dh, dgamma, dbeta = layernorm_backward(dh, norm_cache)
                grads['gamma%d' % i], grads['beta%d' % i] = dgamma, dbeta
            dh, dW, db = affine_backward(dh, fc_cache)
            grads['W%d' % i] = dW + self.reg * self.params['W%d' % i]
            grads['b%d' % i] = db

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
