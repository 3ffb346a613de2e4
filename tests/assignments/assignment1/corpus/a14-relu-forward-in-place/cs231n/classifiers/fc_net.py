from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class TwoLayerNet(object):
    """
    A two-layer fully-connected neural network with ReLU nonlinearity and
    softmax loss that uses a modular layer design: affine - relu - affine - softmax.

    The learnable parameters of the model are stored in the dictionary
    self.params that maps parameter names to numpy arrays.
    """

    def __init__(
        self,
        input_dim=3 * 32 * 32,
        hidden_dim=100,
        num_classes=10,
        weight_scale=1e-3,
        reg=0.0,
    ):
        """
        Initialize a new network.

        Inputs:
        - input_dim: An integer giving the size of the input
        - hidden_dim: An integer giving the size of the hidden layer
        - num_classes: An integer giving the number of classes to classify
        - weight_scale: Scalar giving the standard deviation for random
          initialization of the weights.
        - reg: Scalar giving L2 regularization strength.
        """
        self.params = {}
        self.reg = reg

        ############################################################################
        # TODO: weights from a Gaussian with std weight_scale, biases zero;       #
        # W1, b1 for the first layer and W2, b2 for the second.                    #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        dims = [input_dim, hidden_dim, num_classes]
        for layer in (1, 2):
            fan_in, fan_out = dims[layer - 1], dims[layer]
            self.params['W%d' % layer] = np.random.normal(0.0, weight_scale, (fan_in, fan_out))
            self.params['b%d' % layer] = np.zeros(fan_out)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    def loss(self, X, y=None):
        """
        Compute loss and gradient for a minibatch of data.

        Inputs:
        - X: (N, d_1, ..., d_k) input data
        - y: (N,) labels, or None

        Returns:
        If y is None, then run a test-time forward pass and return:
        - scores: (N, C) classification scores

        If y is not None, return a tuple of:
        - loss: scalar
        - grads: dictionary with the same keys as self.params
        """
        scores = None
        ############################################################################
        # TODO: the forward pass, class scores into scores.                       #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        h, cache_h = affine_relu_forward(X, self.params['W1'], self.params['b1'])
        scores, cache_s = affine_forward(h, self.params['W2'], self.params['b2'])

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # If y is None then we are in test mode so just return scores
        if y is None:
            return scores

        loss, grads = 0, {}
        ############################################################################
        # TODO: the backward pass: loss into loss, gradients into grads. The L2   #
        # term has a factor 0.5.                                                   #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        data_loss, dscores = softmax_loss(scores, y)
        reg_loss = 0.0
        for name in ('W1', 'W2'):
            reg_loss += 0.5 * self.reg * np.sum(self.params[name] ** 2)
        loss = data_loss + reg_loss

        dh, grads['W2'], grads['b2'] = affine_backward(dscores, cache_s)
        _, grads['W1'], grads['b1'] = affine_relu_backward(dh, cache_h)
        for name in ('W1', 'W2'):
            grads[name] = grads[name] + self.reg * self.params[name]

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
