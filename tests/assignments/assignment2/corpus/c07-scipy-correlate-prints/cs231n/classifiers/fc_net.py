from builtins import range
from builtins import object
import numpy as np

from cs231n.layers import *
from cs231n.layer_utils import *


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
        prev_dim = input_dim
        for layer, dim in enumerate(hidden_dims, 1):
            self.params['W' + str(layer)] = np.random.normal(0, weight_scale, [prev_dim, dim])
            self.params['b' + str(layer)] = np.zeros([dim])
            if self.normalization:
                self.params['gamma' + str(layer)] = np.ones([dim])
                self.params['beta' + str(layer)] = np.zeros([dim])
            prev_dim = dim
        self.params['W' + str(self.num_layers)] = np.random.normal(0, weight_scale, [prev_dim, num_classes])
        self.params['b' + str(self.num_layers)] = np.zeros([num_classes])
        print('params:', {k: v.shape for k, v in self.params.items()})
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
        self.layer_caches = []
        x = X
        for layer in range(1, self.num_layers):
            lc = {}
            x, lc['fc'] = affine_forward(x, self.params['W' + str(layer)], self.params['b' + str(layer)])
            if self.normalization == 'batchnorm':
                x, lc['bn'] = batchnorm_forward(x, self.params['gamma' + str(layer)], self.params['beta' + str(layer)], self.bn_params[layer - 1])
            if self.normalization == 'layernorm':
                x, lc['ln'] = layernorm_forward(x, self.params['gamma' + str(layer)], self.params['beta' + str(layer)], self.bn_params[layer - 1])
            x, lc['relu'] = relu_forward(x)
            if self.use_dropout:
                x, lc['drop'] = dropout_forward(x, self.dropout_param)
            self.layer_caches.append(lc)
        scores, self.last_cache = affine_forward(x, self.params['W' + str(self.num_layers)], self.params['b' + str(self.num_layers)])
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        loss, dx = softmax_loss(scores, y)
        dx, dW, db = affine_backward(dx, self.last_cache)
        grads['W' + str(self.num_layers)] = dW
        grads['b' + str(self.num_layers)] = db
        for layer in range(self.num_layers - 1, 0, -1):
            lc = self.layer_caches[layer - 1]
            if 'drop' in lc:
                dx = dropout_backward(dx, lc['drop'])
            dx = relu_backward(dx, lc['relu'])
            if 'bn' in lc:
                dx, grads['gamma' + str(layer)], grads['beta' + str(layer)] = batchnorm_backward_alt(dx, lc['bn'])
            if 'ln' in lc:
                dx, grads['gamma' + str(layer)], grads['beta' + str(layer)] = layernorm_backward(dx, lc['ln'])
            dx, grads['W' + str(layer)], grads['b' + str(layer)] = affine_backward(dx, lc['fc'])
        for layer in range(1, self.num_layers + 1):
            W = self.params['W' + str(layer)]
            loss += 0.5 * self.reg * np.sum(W * W)
            grads['W' + str(layer)] += self.reg * W
        # print('loss', loss)
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
