from builtins import range
from builtins import object
import numpy as np

from cs231n.layers import *
from cs231n.layer_utils import *


class FullyConnectedNet(object):
    """
    Fully connected net with L - 1 hidden layers and a softmax loss:

    {affine - [batch norm] - relu - [dropout]} x (L - 1) - affine - softmax

    params: W1..WL, b1..bL, plus gamma1..gamma(L-1), beta1..beta(L-1) with batchnorm
    """

    def __init__(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10,
                 dropout=0, use_batchnorm=False, reg=0.0,
                 weight_scale=1e-2, dtype=np.float32, seed=None):
        """
        - hidden_dims: list with the size of every hidden layer
        - dropout: probability of dropping a unit; 0 switches dropout off
        - use_batchnorm: batch normalization after each hidden affine layer
        - reg, weight_scale, dtype, seed: as usual
        """
        self.use_batchnorm = use_batchnorm
        self.use_dropout = dropout > 0
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}

        dims = [input_dim] + hidden_dims + [num_classes]
        for i in range(self.num_layers):
            self.params['W' + str(i + 1)] = weight_scale * np.random.randn(dims[i], dims[i + 1])
            self.params['b' + str(i + 1)] = np.zeros(dims[i + 1])
            if self.use_batchnorm and i < self.num_layers - 1:
                self.params['gamma' + str(i + 1)] = np.ones(dims[i + 1])
                self.params['beta' + str(i + 1)] = np.zeros(dims[i + 1])

        # one shared dict for all dropout layers
        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {'mode': 'train', 'p': dropout}
            if seed is not None:
                self.dropout_param['seed'] = seed

        # one dict per batchnorm layer (running mean / var live there)
        self.bn_params = []
        if self.use_batchnorm:
            self.bn_params = [{'mode': 'train'} for i in range(self.num_layers - 1)]

        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """
        scores (N, C) when y is None, otherwise (loss, grads)
        """
        X = X.astype(self.dtype)
        mode = 'test' if y is None else 'train'

        if self.use_dropout:
            self.dropout_param['mode'] = mode
        if self.use_batchnorm:
            for bn_param in self.bn_params:
                bn_param['mode'] = mode

        scores = None
        cache = {}
        dropout_cache = {}
        h = X
        for i in range(1, self.num_layers):
            W, b = self.params['W' + str(i)], self.params['b' + str(i)]
            if self.use_batchnorm:
                h, cache[i] = affine_bn_relu_forward(h, W, b, self.params['gamma' + str(i)],
                                                     self.params['beta' + str(i)], self.bn_params[i - 1])
            else:
                h, cache[i] = affine_relu_forward(h, W, b)
            if self.use_dropout:
                h, dropout_cache[i] = dropout_forward(h, self.dropout_param)
        L = self.num_layers
        scores, cache[L] = affine_forward(h, self.params['W' + str(L)], self.params['b' + str(L)])

        if mode == 'test':
            return scores

        loss, grads = 0.0, {}
        loss, dscores = softmax_loss(scores, y)
        dh, dW, db = affine_backward(dscores, cache[L])
        grads['W' + str(L)] = dW + self.reg * self.params['W' + str(L)]
        grads['b' + str(L)] = db
        for i in range(L - 1, 0, -1):
            if self.use_dropout:
                dh = dropout_backward(dh, dropout_cache[i])
            if self.use_batchnorm:
                dh, dW, db, dgamma, dbeta = affine_bn_relu_backward(dh, cache[i])
                grads['gamma' + str(i)] = dgamma
                grads['beta' + str(i)] = dbeta
            else:
                dh, dW, db = affine_relu_backward(dh, cache[i])
            grads['W' + str(i)] = dW + self.reg * self.params['W' + str(i)]
            grads['b' + str(i)] = db

        for i in range(1, L + 1):
            loss += 0.5 * self.reg * np.sum(self.params['W' + str(i)] ** 2)

        return loss, grads
