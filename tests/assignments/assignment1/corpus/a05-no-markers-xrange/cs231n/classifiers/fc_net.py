from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class TwoLayerNet(object):
    """
    affine - relu - affine - softmax; weights in self.params.
    """

    def __init__(self, input_dim=3 * 32 * 32, hidden_dim=100, num_classes=10,
                 weight_scale=1e-3, reg=0.0):
        self.params = {}
        self.reg = reg

        ############################################################################
        # TODO: initialise the parameters                                          #
        ############################################################################
        self.params['W1'] = weight_scale * np.random.randn(input_dim, hidden_dim)
        self.params['b1'] = np.zeros(hidden_dim)
        self.params['W2'] = weight_scale * np.random.randn(hidden_dim, num_classes)
        self.params['b2'] = np.zeros(num_classes)
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

    def loss(self, X, y=None):
        """
        X: (N, d_1, ..., d_k), y: (N,) or None.
        Returns scores (N, C) if y is None, else (loss, grads).
        """
        scores = None
        ############################################################################
        # TODO: forward pass                                                       #
        ############################################################################
        hidden, hidden_cache = affine_relu_forward(X, self.params['W1'], self.params['b1'])
        scores, scores_cache = affine_forward(hidden, self.params['W2'], self.params['b2'])
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        if y is None:
            return scores

        loss, grads = 0, {}
        ############################################################################
        # TODO: backward pass                                                      #
        ############################################################################
        loss, dscores = softmax_loss(scores, y)
        reg_sum = np.sum(self.params['W1'] ** 2) + np.sum(self.params['W2'] ** 2)
        loss += 0.5 * self.reg * reg_sum

        dhidden, dW2, db2 = affine_backward(dscores, scores_cache)
        dX, dW1, db1 = affine_relu_backward(dhidden, hidden_cache)
        grads['W1'] = dW1 + self.reg * self.params['W1']
        grads['b1'] = db1
        grads['W2'] = dW2 + self.reg * self.params['W2']
        grads['b2'] = db2
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        return loss, grads
