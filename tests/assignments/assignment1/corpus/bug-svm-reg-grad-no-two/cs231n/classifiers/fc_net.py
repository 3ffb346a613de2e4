from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class TwoLayerNet(object):
    """
    affine - relu - affine - softmax with self.params W1, b1, W2, b2.
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
        D = input_dim, H = hidden_dim, C = num_classes; weights drawn with
        std weight_scale; reg is the L2 strength.
        """
        self.params = {}
        self.reg = reg

        ############################################################################
        # TODO: parameters                                                         #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        self.params['W1'] = weight_scale * np.random.standard_normal((input_dim, hidden_dim))
        self.params['b1'] = np.zeros(hidden_dim)
        self.params['W2'] = weight_scale * np.random.standard_normal((hidden_dim, num_classes))
        self.params['b2'] = np.zeros(num_classes)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    def loss(self, X, y=None):
        """
        X (N, d_1, ..., d_k), y (N,) or None.
        Returns scores (N, C) for y None, else (loss, grads).
        """
        scores = None
        ############################################################################
        # TODO: forward                                                            #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        h, c1 = affine_relu_forward(X, self.params['W1'], self.params['b1'])
        scores, c2 = affine_forward(h, self.params['W2'], self.params['b2'])

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        if y is None:
            return scores

        loss, grads = 0, {}
        ############################################################################
        # TODO: backward                                                           #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        loss, ds = softmax_loss(scores, y)
        dh, grads['W2'], grads['b2'] = affine_backward(ds, c2)
        _, grads['W1'], grads['b1'] = affine_relu_backward(dh, c1)

        # regularisation (weights only)
        for name in ['W1', 'W2']:
            w = self.params[name]
            loss += 0.5 * self.reg * np.sum(w * w)
            grads[name] += self.reg * w

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
