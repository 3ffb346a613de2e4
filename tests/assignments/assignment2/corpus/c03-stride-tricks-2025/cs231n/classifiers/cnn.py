from builtins import object
import numpy as np

from ..layers import *
from ..fast_layers import *
from ..layer_utils import *


class ThreeLayerConvNet(object):
    """conv - relu - 2x2 max pool - affine - relu - affine - softmax"""

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
        """input_dim (C, H, W), num_filters, filter_size, hidden_dim, num_classes,
        weight_scale, reg, dtype"""
        self.params = {}
        self.reg = reg
        self.dtype = dtype

        ############################################################################
        # TODO: initialise W1, b1, W2, b2, W3, b3                                  #
        ############################################################################
        C, H, W = input_dim
        pad = (filter_size - 1) // 2
        H_conv = 1 + (H + 2 * pad - filter_size)          # stride 1
        W_conv = 1 + (W + 2 * pad - filter_size)
        H_pool, W_pool = 1 + (H_conv - 2) // 2, 1 + (W_conv - 2) // 2
        self.params["W1"] = weight_scale * np.random.randn(num_filters, C, filter_size, filter_size)
        self.params["b1"] = np.zeros((num_filters,))
        self.params["W2"] = weight_scale * np.random.randn(num_filters * H_pool * W_pool, hidden_dim)
        self.params["b2"] = np.zeros((hidden_dim,))
        self.params["W3"] = weight_scale * np.random.randn(hidden_dim, num_classes)
        self.params["b3"] = np.zeros((num_classes,))
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """X (N, C, H, W); returns scores when y is None, else (loss, grads)"""
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
        W3, b3 = self.params["W3"], self.params["b3"]

        filter_size = W1.shape[2]
        conv_param = {"stride": 1, "pad": (filter_size - 1) // 2}

        pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}

        scores = None
        ############################################################################
        # TODO: forward pass                                                       #
        ############################################################################
        c1, conv_cache = conv_forward_fast(X, W1, b1, conv_param)
        r1, relu1_cache = relu_forward(c1)
        p1, pool_cache = max_pool_forward_fast(r1, pool_param)
        h, h_cache = affine_forward(p1.reshape(p1.shape[0], -1), W2, b2)
        hr, relu2_cache = relu_forward(h)
        scores, out_cache = affine_forward(hr, W3, b3)
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        if y is None:
            return scores

        loss, grads = 0, {}
        ############################################################################
        # TODO: backward pass                                                      #
        ############################################################################
        loss, dscores = softmax_loss(scores, y)
        loss += 0.5 * self.reg * sum(np.sum(Wk ** 2) for Wk in (W1, W2, W3))
        dhr, dW3, db3 = affine_backward(dscores, out_cache)
        dh = relu_backward(dhr, relu2_cache)
        dp1, dW2, db2 = affine_backward(dh, h_cache)
        dr1 = max_pool_backward_fast(dp1.reshape(p1.shape), pool_cache)
        dc1 = relu_backward(dr1, relu1_cache)
        _, dW1, db1 = conv_backward_fast(dc1, conv_cache)
        grads = {
            "W1": dW1 + self.reg * W1, "b1": db1,
            "W2": dW2 + self.reg * W2, "b2": db2,
            "W3": dW3 + self.reg * W3, "b3": db3,
        }
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        return loss, grads
