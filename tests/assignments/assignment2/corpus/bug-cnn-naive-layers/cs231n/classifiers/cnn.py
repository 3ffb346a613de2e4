from builtins import object
import numpy as np

from ..layers import *
from ..fast_layers import *
from ..layer_utils import *


class ThreeLayerConvNet(object):
    """Three-layer ConvNet: conv - relu - 2x2 max pool - affine - relu - affine - softmax.

    Works on minibatches of shape (N, C, H, W).
    """

    def __init__(
        self,
        input_dim=(3, 32, 32),
        num_filters=32,
        filter_size=7,
        hidden_dim=100,
        num_classes=10,
        weight_scale=1e-3,
        reg=0.0,
        dtype=np.float32,
    ):
        """Build the net.

        Inputs:
        - input_dim: (C, H, W) of one input
        - num_filters: filters of the conv layer
        - filter_size: height and width of each filter
        - hidden_dim: units of the hidden affine layer
        - num_classes: number of scores
        - weight_scale: std of the Gaussian initial weights
        - reg: L2 strength
        - dtype: dtype of every parameter
        """
        self.params = {}
        self.reg = reg
        self.dtype = dtype

        ############################################################################
        # TODO: weights and biases of the three layers
        ############################################################################
        C, H, W = input_dim
        F, HH = num_filters, filter_size
        self.params['W1'] = np.random.randn(F, C, HH, HH) * weight_scale
        self.params['b1'] = np.zeros(F)
        self.params['W2'] = np.random.randn(F * int(H / 2) * int(W / 2), hidden_dim) * weight_scale
        self.params['b2'] = np.zeros(hidden_dim)
        self.params['W3'] = np.random.randn(hidden_dim, num_classes) * weight_scale
        self.params['b3'] = np.zeros(num_classes)
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """Scores (y None) or (loss, grads), as FullyConnectedNet.loss."""
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
        W3, b3 = self.params["W3"], self.params["b3"]

        # keeps the spatial size of the input
        filter_size = W1.shape[2]
        conv_param = {"stride": 1, "pad": (filter_size - 1) // 2}

        pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}

        scores = None
        ############################################################################
        # TODO: forward pass
        ############################################################################
        c1, c1_cache = conv_forward_naive(X, W1, b1, conv_param)
        r1, r1_cache = relu_forward(c1)
        conv_out, p1_cache = max_pool_forward_naive(r1, pool_param)
        N = conv_out.shape[0]
        hid, hid_cache = affine_relu_forward(conv_out.reshape(N, -1), W2, b2)
        scores, sc_cache = affine_forward(hid, W3, b3)
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        if y is None:
            return scores

        loss, grads = 0, {}
        ############################################################################
        # TODO: loss and gradients
        ############################################################################
        loss, dscores = softmax_loss(scores, y)
        loss += self.reg * 0.5 * (np.sum(np.square(W1)) + np.sum(np.square(W2)) + np.sum(np.square(W3)))
        dhid, dW3, db3 = affine_backward(dscores, sc_cache)
        dflat, dW2, db2 = affine_relu_backward(dhid, hid_cache)
        dr1 = max_pool_backward_naive(dflat.reshape(conv_out.shape), p1_cache)
        dx, dW1, db1 = conv_backward_naive(relu_backward(dr1, r1_cache), c1_cache)
        grads['W1'], grads['b1'] = dW1 + self.reg * W1, db1
        grads['W2'], grads['b2'] = dW2 + self.reg * W2, db2
        grads['W3'], grads['b3'] = dW3 + self.reg * W3, db3
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        return loss, grads
