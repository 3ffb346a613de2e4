from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class TwoLayerNet(object):
    """affine - relu - affine - softmax, params W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)."""

    def __init__(self, input_dim=3 * 32 * 32, hidden_dim=100, num_classes=10,
                 weight_scale=1e-3, reg=0.0):
        self.params = {}
        self.reg = reg
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        self.params['W1'] = weight_scale * np.random.randn(input_dim, hidden_dim)
        self.params['b1'] = np.zeros(hidden_dim)
        self.params['W2'] = weight_scale * np.random.randn(hidden_dim, num_classes)
        self.params['b2'] = np.zeros(num_classes)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    def loss(self, X, y=None):
        """scores (N, C) when y is None, else (loss, grads)."""
        scores = None
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        h, c1 = affine_relu_forward(X, self.params['W1'], self.params['b1'])
        scores, c2 = affine_forward(h, self.params['W2'], self.params['b2'])

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        if y is None:
            return scores

        loss, grads = 0, {}
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        loss, ds = softmax_loss(scores, y)
        loss += 0.5 * self.reg * (np.sum(self.params['W1'] ** 2) + np.sum(self.params['W2'] ** 2))
        dh, grads['W2'], grads['b2'] = affine_backward(ds, c2)
        _, grads['W1'], grads['b1'] = affine_relu_backward(dh, c1)
        grads['W1'] += self.reg * self.params['W1']
        grads['W2'] += self.reg * self.params['W2']

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return loss, grads


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
        dropout=1,
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
        - dropout: keep probability of dropout (1 = no dropout)
        - normalization: None, "batchnorm" or "layernorm"
        - reg: L2 strength
        - weight_scale: std of the Gaussian initial weights
        - dtype: dtype of every parameter
        - seed: seed for dropout, for gradient checks
        """
        self.normalization = normalization
        self.use_dropout = dropout != 1
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}

        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        all_dims = [input_dim] + hidden_dims + [num_classes]
        for i in range(self.num_layers):
            self.params['W%d' % (i + 1)] = weight_scale * np.random.randn(all_dims[i], all_dims[i + 1])
            self.params['b%d' % (i + 1)] = np.zeros(all_dims[i + 1])
        for i in range(self.num_layers - 1):
            if self.normalization:
                self.params['gamma%d' % (i + 1)] = np.ones(all_dims[i + 1])
                self.params['beta%d' % (i + 1)] = np.zeros(all_dims[i + 1])
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # dropout: one dict shared by every dropout layer
        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {"mode": "train", "p": dropout}
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
        self.cache = {}
        hidden = X
        for i in range(1, self.num_layers):
            W, b = self.params['W%d' % i], self.params['b%d' % i]
            if self.normalization:
                hidden, self.cache['layer%d' % i] = affine_norm_relu_forward(
                    hidden, W, b, self.params['gamma%d' % i], self.params['beta%d' % i],
                    self.bn_params[i - 1], self.normalization)
            else:
                hidden, self.cache['layer%d' % i] = affine_relu_forward(hidden, W, b)
            if self.use_dropout:
                hidden, self.cache['dropout%d' % i] = dropout_forward(hidden, self.dropout_param)
        i = self.num_layers
        scores, self.cache['layer%d' % i] = affine_forward(hidden, self.params['W%d' % i], self.params['b%d' % i])
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        loss, dscores = softmax_loss(scores, y)
        reg_loss = 0.0
        for i in range(1, self.num_layers + 1):
            reg_loss += np.sum(np.square(self.params['W%d' % i]))
        loss += 0.5 * self.reg * reg_loss

        i = self.num_layers
        dhidden, dW, db = affine_backward(dscores, self.cache['layer%d' % i])
        grads['W%d' % i] = dW + self.reg * self.params['W%d' % i]
        grads['b%d' % i] = db
        for i in range(self.num_layers - 1, 0, -1):
            if self.use_dropout:
                dhidden = dropout_backward(dhidden, self.cache['dropout%d' % i])
            if self.normalization:
                dhidden, dW, db, dgamma, dbeta = affine_norm_relu_backward(dhidden, self.cache['layer%d' % i])
                grads['gamma%d' % i] = dgamma
                grads['beta%d' % i] = dbeta
            else:
                dhidden, dW, db = affine_relu_backward(dhidden, self.cache['layer%d' % i])
            grads['W%d' % i] = dW + self.reg * self.params['W%d' % i]
            grads['b%d' % i] = db
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
