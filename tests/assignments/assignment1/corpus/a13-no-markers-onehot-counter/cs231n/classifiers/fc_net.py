import numpy as np

from ..layers import *
from ..layer_utils import *


class TwoLayerNet:
    """
    A two-layer fully-connected neural network with ReLU nonlinearity and
    softmax loss: affine - relu - affine - softmax.

    The learnable parameters are stored in self.params (W1, b1, W2, b2).
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
        Initialize a new network.

        Inputs:
        - input_dim: size of the input.
        - hidden_dim: size of the hidden layer.
        - num_classes: number of classes.
        - weight_scale: std of the random weight initialization.
        - reg: L2 regularization strength.
        """
        self.params = {}
        self.reg = reg

        # TODO: weights from a Gaussian centred at 0 with std weight_scale,
        # biases zero. First layer W1, b1; second layer W2, b2.
        self.params.update({
            "W1": np.random.randn(input_dim, hidden_dim) * weight_scale,
            "b1": np.zeros(hidden_dim),
            "W2": np.random.randn(hidden_dim, num_classes) * weight_scale,
            "b2": np.zeros(num_classes),
        })

    def loss(self, X, y=None):
        """
        Compute loss and gradient for a minibatch of data.

        Inputs:
        - X: (N, d_1, ..., d_k) input data.
        - y: (N,) labels, or None.

        Returns:
        If y is None: scores, (N, C).
        Else: (loss, grads) with grads keyed like self.params.
        """
        scores = None
        # TODO: the forward pass, class scores into scores.
        p = self.params
        hidden, hidden_cache = affine_relu_forward(X, p["W1"], p["b1"])
        scores, out_cache = affine_forward(hidden, p["W2"], p["b2"])

        # If y is None then we are in test mode so just return scores
        if y is None:
            return scores

        loss, grads = 0, {}
        # TODO: the backward pass; the L2 term carries a factor 0.5.
        loss, dscores = softmax_loss(scores, y)
        loss += 0.5 * self.reg * sum(np.sum(p[k] * p[k]) for k in ("W1", "W2"))
        dhidden, grads["W2"], grads["b2"] = affine_backward(dscores, out_cache)
        _, grads["W1"], grads["b1"] = affine_relu_backward(dhidden, hidden_cache)
        grads["W1"] += self.reg * p["W1"]
        grads["W2"] += self.reg * p["W2"]

        return loss, grads
