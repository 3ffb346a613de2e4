from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class TwoLayerNet(object):
    """
    affine -> relu -> affine -> softmax.
    params: W1 (D, H), b1 (H,), W2 (H, C), b2 (C,).
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
        - weight_scale: std of the weight init
        - reg: L2 strength
        """
        self.params = {}
        self.reg = reg

        ############################################################################
        # TODO: init the weights and biases.                                       #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        dims = [input_dim, hidden_dim, num_classes]
        for l in (1, 2):
            self.params['W%d' % l] = weight_scale * np.random.randn(dims[l - 1], dims[l])
            self.params['b%d' % l] = np.zeros(dims[l])

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    def loss(self, X, y=None):
        """
        Inputs:
        - X: (N, d_1, ..., d_k)
        - y: (N,) or None

        Returns:
        - y is None: scores (N, C)
        - else: (loss, grads)
        """
        scores = None
        ############################################################################
        # TODO: forward pass.                                                      #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        caches = {}
        hid, caches['layer1'] = affine_relu_forward(X, self.params['W1'], self.params['b1'])
        scores, caches['layer2'] = affine_forward(hid, self.params['W2'], self.params['b2'])

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        if y is None:
            return scores

        loss, grads = 0, {}
        ############################################################################
        # TODO: backward pass (L2 with the 0.5 factor).                            #
        ############################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        loss, dout = softmax_loss(scores, y)
        dout, grads['W2'], grads['b2'] = affine_backward(dout, caches['layer2'])
        dout, grads['W1'], grads['b1'] = affine_relu_backward(dout, caches['layer1'])
        for l in (1, 2):
            W = self.params['W%d' % l]
            loss += 0.5 * self.reg * np.sum(W * W)
            grads['W%d' % l] += self.reg * W

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
