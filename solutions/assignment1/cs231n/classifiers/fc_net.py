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
        self.params["W1"] = weight_scale * np.random.randn(input_dim, hidden_dim)
        self.params["b1"] = np.zeros(hidden_dim)
        self.params["W2"] = weight_scale * np.random.randn(hidden_dim, num_classes)
        self.params["b2"] = np.zeros(num_classes)
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
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
        hidden, hidden_cache = affine_relu_forward(X, W1, b1)
        scores, scores_cache = affine_forward(hidden, W2, b2)
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
        data_loss, dscores = softmax_loss(scores, y)
        loss = data_loss + 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

        dhidden, dW2, grads["b2"] = affine_backward(dscores, scores_cache)
        _, dW1, grads["b1"] = affine_relu_backward(dhidden, hidden_cache)
        grads["W2"] = dW2 + self.reg * W2
        grads["W1"] = dW1 + self.reg * W1
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                           END OF YOUR CODE                          #
        #######################################################################

        return loss, grads
