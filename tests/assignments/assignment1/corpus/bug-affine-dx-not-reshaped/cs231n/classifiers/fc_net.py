from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class TwoLayerNet(object):
    """
    Two-layer fully connected network with a ReLU and a softmax loss:

        affine - relu - affine - softmax

    No optimisation here: the Solver drives training through self.params
    and the (loss, grads) returned by loss().
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
        - input_dim: size of one (flattened) input
        - hidden_dim: number of hidden units
        - num_classes: number of classes
        - weight_scale: standard deviation of the initial weights
        - reg: L2 regularization strength
        """
        self.params = {}
        self.reg = reg

        ############################################################################
        # TODO: W1, b1, W2, b2 into self.params (Gaussian W, zero b).            #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # Gaussian weights with std weight_scale, zero biases
        self.params["W1"] = weight_scale * np.random.randn(input_dim, hidden_dim)
        self.params["b1"] = np.zeros(hidden_dim)
        self.params["W2"] = weight_scale * np.random.randn(hidden_dim, num_classes)
        self.params["b2"] = np.zeros(num_classes)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    def loss(self, X, y=None):
        """
        Inputs:
        - X: numpy array (N, d_1, ..., d_k)
        - y: numpy array (N,) of labels, or None for a test-time pass

        Returns:
        - y is None: scores, numpy array (N, C)
        - otherwise: (loss, grads) with grads keyed like self.params
        """
        scores = None
        ############################################################################
        # TODO: class scores for X into scores.                                   #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # layer 1: affine + relu, layer 2: affine (no relu on the scores)
        hidden, hidden_cache = affine_relu_forward(X, self.params["W1"], self.params["b1"])
        scores, scores_cache = affine_forward(hidden, self.params["W2"], self.params["b2"])

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        if y is None:
            return scores

        loss, grads = 0, {}
        ############################################################################
        # TODO: loss (with 0.5 * reg L2) and grads.                               #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        data_loss, dscores = softmax_loss(scores, y)

        # L2 with the 0.5 factor, so that its gradient is reg * W
        W1, W2 = self.params["W1"], self.params["W2"]
        reg_loss = 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        loss = data_loss + reg_loss

        # backprop layer 2, then layer 1
        dhidden, dW2, db2 = affine_backward(dscores, scores_cache)
        dX, dW1, db1 = affine_relu_backward(dhidden, hidden_cache)

        grads["W2"] = dW2 + self.reg * W2
        grads["b2"] = db2
        grads["W1"] = dW1 + self.reg * W1
        grads["b1"] = db1

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
