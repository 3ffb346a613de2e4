from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class TwoLayerNet(object):
    """
    affine - relu - affine - softmax classifier.
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
        - input_dim: int D
        - hidden_dim: int H
        - num_classes: int C
        - weight_scale: float, init std
        - reg: float, L2 strength
        """
        self.params = {}
        self.reg = reg

        ############################################################################
        # TODO: initial parameters.                                                #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        self.params.update(
            W1=weight_scale * np.random.randn(input_dim, hidden_dim),
            b1=np.zeros(hidden_dim),
            W2=weight_scale * np.random.randn(hidden_dim, num_classes),
            b2=np.zeros(num_classes),
        )

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    def loss(self, X, y=None):
        """
        Inputs:
        - X: (N, d_1, ..., d_k)
        - y: (N,) int array or None

        Returns:
        - (N, C) scores when y is None, else (loss, grads)
        """
        scores = None
        ############################################################################
        # TODO: forward pass.                                                      #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        p = self.params
        hidden, cache_1 = affine_relu_forward(X, p['W1'], p['b1'])
        scores, cache_2 = affine_forward(hidden, p['W2'], p['b2'])

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        if y is None:
            return scores

        loss, grads = 0, {}
        ############################################################################
        # TODO: backward pass.                                                     #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        loss, dscores = softmax_loss(scores, y)
        loss += 0.5 * self.reg * (np.sum(np.square(p['W1'])) + np.sum(np.square(p['W2'])))
        dhidden, dW2, db2 = affine_backward(dscores, cache_2)
        _, dW1, db1 = affine_relu_backward(dhidden, cache_1)
        grads['W1'] = dW1 + self.reg * p['W1']
        grads['b1'] = db1
        grads['W2'] = dW2 + self.reg * p['W2']
        grads['b2'] = db2

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
