from builtins import range
from builtins import object
import numpy as np

from ..layers import *


class TwoLayerNet(object):
    """
    Two-layer net, affine - relu - affine - softmax, built from layers.py.
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
        Inputs:
        - input_dim: D
        - hidden_dim: H
        - num_classes: C
        - weight_scale: init std
        - reg: L2 strength
        """
        self.params = {}
        self.reg = reg

        ############################################################################
        # TODO: initialise the four parameters.                                    #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        self.params['W1'] = np.random.randn(input_dim, hidden_dim) * weight_scale
        self.params['b1'] = np.zeros(hidden_dim)
        self.params['W2'] = np.random.randn(hidden_dim, num_classes) * weight_scale
        self.params['b2'] = np.zeros(num_classes)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    def loss(self, X, y=None):
        """
        Inputs:
        - X: shape (N, d_1, ..., d_k)
        - y: shape (N,) or None

        Returns: scores (N, C) when y is None, else (loss, grads).
        """
        scores = None
        ############################################################################
        # TODO: forward pass.                                                      #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        z1, c_fc1 = affine_forward(X, self.params['W1'], self.params['b1'])
        a1, c_relu = relu_forward(z1)
        scores, c_fc2 = affine_forward(a1, self.params['W2'], self.params['b2'])

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        if y is None:
            return scores

        loss, grads = 0, {}
        ############################################################################
        # TODO: backward pass.                                                     #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        data_loss, dz2 = softmax_loss(scores, y)
        W1, W2 = self.params['W1'], self.params['W2']
        loss = data_loss + 0.5 * self.reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))

        da1, dW2, grads['b2'] = affine_backward(dz2, c_fc2)
        dz1 = relu_backward(da1, c_relu)
        _, dW1, grads['b1'] = affine_backward(dz1, c_fc1)
        grads['W2'] = dW2 + self.reg * W2
        grads['W1'] = dW1 + self.reg * W1

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
