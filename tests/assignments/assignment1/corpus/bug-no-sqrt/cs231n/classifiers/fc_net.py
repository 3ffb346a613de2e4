from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class TwoLayerNet(object):
    """
    Two-layer fully connected net: affine - relu - affine - softmax.
    Parameters are kept in self.params; training is left to Solver.
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
        - weight_scale: standard deviation of the initial weights
        - reg: L2 strength
        """
        self.params = {}
        self.reg = reg

        ############################################################################
        # TODO: initialise W1, b1, W2, b2 (Gaussian weights, zero biases).        #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        self.params = {
            'W1': np.random.normal(0.0, weight_scale, (input_dim, hidden_dim)),
            'b1': np.zeros(hidden_dim),
            'W2': np.random.normal(0.0, weight_scale, (hidden_dim, num_classes)),
            'b2': np.zeros(num_classes),
        }

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    def loss(self, X, y=None):
        """
        Inputs:
        - X: (N, d_1, ..., d_k) input
        - y: (N,) labels or None

        Returns:
        - scores (N, C) when y is None
        - otherwise (loss, grads)
        """
        scores = None
        ############################################################################
        # TODO: forward pass.                                                      #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        a1, fc1 = affine_forward(X, self.params['W1'], self.params['b1'])
        h1, r1 = relu_forward(a1)
        scores, fc2 = affine_forward(h1, self.params['W2'], self.params['b2'])

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        if y is None:
            return scores

        loss, grads = 0, {}
        ############################################################################
        # TODO: loss (with 0.5 * reg L2) and gradients.                            #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        data_loss, dscores = softmax_loss(scores, y)
        reg_loss = 0.0
        for name in ('W1', 'W2'):
            reg_loss += 0.5 * self.reg * np.sum(self.params[name] ** 2)
        loss = data_loss + reg_loss

        dh1, grads['W2'], grads['b2'] = affine_backward(dscores, fc2)
        da1 = relu_backward(dh1, r1)
        _, grads['W1'], grads['b1'] = affine_backward(da1, fc1)
        for name in ('W1', 'W2'):
            grads[name] = grads[name] + self.reg * self.params[name]

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
