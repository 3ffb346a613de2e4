"""A two-layer fully connected network built from modular layers."""

import numpy as np

from ..layers import *
from ..layer_utils import *


class TwoLayerNet:
    """Two-layer fully connected network with a ReLU and a softmax loss.

    With input dimension D, hidden dimension H and C classes the architecture is

        affine - relu - affine - softmax

    (no ReLU on the scores). The learnable parameters live in ``self.params``:
    ``W1`` (D, H), ``b1`` (H,), ``W2`` (H, C) and ``b2`` (C,). Optimization is left
    to a Solver.
    """

    def __init__(self, input_dim=3 * 32 * 32, hidden_dim=100, num_classes=10,
                 weight_scale=1e-3, reg=0.0):
        """Build the network and initialize its parameters.

        Inputs:
        - input_dim: size D of the (flattened) input
        - hidden_dim: size H of the hidden layer
        - num_classes: number C of classes
        - weight_scale: standard deviation of the normal initial weights
        - reg: L2 regularization strength
        """
        self.params = {}
        self.reg = reg

        #######################################################################
        # TODO: Initialize W1, b1, W2 and b2 in self.params: weights drawn    #
        # from a normal distribution with mean 0 and standard deviation       #
        # weight_scale, biases zero.                                          #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        pass
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                           END OF YOUR CODE                          #
        #######################################################################

    def loss(self, X, y=None):
        """Scores, or loss and gradients, of a minibatch.

        Inputs:
        - X: data, shape (N, d_1, ..., d_k)
        - y: labels, shape (N,); y[i] is the label of X[i]; None for scores only

        Returns:
        - without y, scores: shape (N, C); scores[i, c] is the score of class c
          for X[i]
        - with y, a tuple of:
          - loss: softmax data loss + 0.5 * reg * (sum(W1**2) + sum(W2**2))
          - grads: dict with the keys of self.params, each gradient of the shape
            of its parameter
        """
        scores = None
        #######################################################################
        # TODO: Forward pass of the net: compute the class scores of X and    #
        # store them in `scores`.                                             #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        pass
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                           END OF YOUR CODE                          #
        #######################################################################

        # Without labels, return the scores.
        if y is None:
            return scores

        loss, grads = 0, {}
        #######################################################################
        # TODO: Backward pass: store the loss in `loss` and the gradients in  #
        # `grads`, grads[k] holding the gradient of self.params[k]. Use       #
        # softmax_loss for the data loss and add the L2 regularization        #
        # 0.5 * reg * (sum(W1**2) + sum(W2**2)); biases are not regularized.  #
        # The factor 0.5 makes the gradient of the regularization reg * W.    #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        pass
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                           END OF YOUR CODE                          #
        #######################################################################

        return loss, grads
