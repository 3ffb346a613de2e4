from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class TwoLayerNet(object):
    """
    affine - relu - affine - softmax, with the layers from layers.py.

    Learnable parameters live in self.params (W1, b1, W2, b2); the Solver
    does the optimisation.
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
        - input_dim: size D of one input.
        - hidden_dim: size H of the hidden layer.
        - num_classes: number C of classes.
        - weight_scale: std of the normal draws for the weights.
        - reg: L2 regularization strength.
        """
        self.params = {}
        self.reg = reg

        ############################################################################
        # TODO: weights ~ N(0, weight_scale^2), biases zero. W1, b1 for the first #
        # layer, W2, b2 for the second.                                            #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        self.params['W1'] = weight_scale * np.random.randn(input_dim, hidden_dim)
        self.params['b1'] = np.zeros(hidden_dim)
        self.params['W2'] = weight_scale * np.random.randn(hidden_dim, num_classes)
        self.params['b2'] = np.zeros(num_classes)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    def loss(self, X, y=None):
        """
        Inputs:
        - X: shape (N, d_1, ..., d_k).
        - y: shape (N,), or None.

        Returns:
        If y is None: scores of shape (N, C).
        Otherwise: (loss, grads), grads keyed like self.params.
        """
        scores = None
        ############################################################################
        # TODO: forward pass, class scores into scores.                           #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        W1, b1 = self.params['W1'], self.params['b1']
        W2, b2 = self.params['W2'], self.params['b2']
        hidden, cache1 = affine_relu_forward(X, W1, b1)
        scores, cache2 = affine_forward(hidden, W2, b2)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # test time: only the scores
        if y is None:
            return scores

        loss, grads = 0, {}
        ############################################################################
        # TODO: backward pass. Loss into loss, gradients into grads. The L2 term  #
        # carries a factor 0.5.                                                    #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        loss, dscores = softmax_loss(scores, y)
        loss += 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

        dhidden, grads['W2'], grads['b2'] = affine_backward(dscores, cache2)
        _, grads['W1'], grads['b1'] = affine_relu_backward(dhidden, cache1)
        grads['W2'] += self.reg * W2
        grads['W1'] += self.reg * W1

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
