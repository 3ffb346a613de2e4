from builtins import object
import numpy as np

from cs231n.layers import *
from cs231n.fast_layers import *
from cs231n.layer_utils import *


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

        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        C, H, W = input_dim
        self.params['W1'] = np.random.normal(0, weight_scale, (num_filters, C, filter_size, filter_size))
        self.params['b1'] = np.zeros(num_filters)
        conv_out_h = H          # padding keeps the size (stride 1)
        conv_out_w = W
        pool_out_h = (conv_out_h - 2) // 2 + 1
        pool_out_w = (conv_out_w - 2) // 2 + 1
        self.params['W2'] = np.random.normal(0, weight_scale, (num_filters * pool_out_h * pool_out_w, hidden_dim))
        self.params['b2'] = np.zeros(hidden_dim)
        self.params['W3'] = np.random.normal(0, weight_scale, (hidden_dim, num_classes))
        self.params['b3'] = np.zeros(num_classes)
        print('W2 shape', self.params['W2'].shape)
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

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
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        a1, cache_a1 = conv_relu_pool_forward(X, W1, b1, conv_param, pool_param)
        a2, cache_a2 = affine_relu_forward(a1, W2, b2)
        scores, cache_s = affine_forward(a2, W3, b3)
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        if y is None:
            return scores

        loss, grads = 0, {}
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        loss, ds = softmax_loss(scores, y)
        for k in ['W1', 'W2', 'W3']:
            loss += 0.5 * self.reg * np.sum(self.params[k] ** 2)
        da2, grads['W3'], grads['b3'] = affine_backward(ds, cache_s)
        da1, grads['W2'], grads['b2'] = affine_relu_backward(da2, cache_a2)
        dX, grads['W1'], grads['b1'] = conv_relu_pool_backward(da1, cache_a1)
        for k in ['W1', 'W2', 'W3']:
            grads[k] += self.reg * self.params[k]
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
