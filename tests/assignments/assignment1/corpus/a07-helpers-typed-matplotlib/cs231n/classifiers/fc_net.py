from builtins import range
from builtins import object
from typing import Dict, Optional

import numpy as np

from ..layers import *
from ..layer_utils import *


class TwoLayerNet(object):
    """
    affine - relu - affine - softmax.

    self.params: 'W1' (D, H), 'b1' (H,), 'W2' (H, C), 'b2' (C,).
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
        # TODO: initialise the parameters.                                         #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        self.params['W1'] = self._gaussian(input_dim, hidden_dim, weight_scale)
        self.params['b1'] = np.zeros(hidden_dim)
        self.params['W2'] = self._gaussian(hidden_dim, num_classes, weight_scale)
        self.params['b2'] = np.zeros(num_classes)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    @staticmethod
    def _gaussian(fan_in: int, fan_out: int, std: float) -> np.ndarray:
        """(fan_in, fan_out) draws from N(0, std^2)."""
        return std * np.random.randn(fan_in, fan_out)

    def _l2_penalty(self) -> float:
        """0.5 * reg * (||W1||^2 + ||W2||^2)."""
        return 0.5 * self.reg * sum(np.sum(self.params[k] ** 2) for k in ('W1', 'W2'))

    def loss(self, X, y=None):
        """
        Inputs:
        - X: (N, d_1, ..., d_k)
        - y: (N,) labels, or None

        Returns:
        - scores (N, C) if y is None, otherwise (loss, grads)
        """
        scores = None
        ############################################################################
        # TODO: forward pass.                                                      #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        h, cache1 = affine_relu_forward(X, self.params['W1'], self.params['b1'])
        scores, cache2 = affine_forward(h, self.params['W2'], self.params['b2'])

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        if y is None:
            return scores

        loss, grads = 0, {}
        ############################################################################
        # TODO: backward pass.                                                     #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        loss, dscores = softmax_loss(scores, y)
        loss += self._l2_penalty()
        dh, grads['W2'], grads['b2'] = affine_backward(dscores, cache2)
        _, grads['W1'], grads['b1'] = affine_relu_backward(dh, cache1)
        for k in ('W1', 'W2'):
            grads[k] += self.reg * self.params[k]

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
