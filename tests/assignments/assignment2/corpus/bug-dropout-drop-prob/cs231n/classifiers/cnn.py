from builtins import object
import numpy as np

from ..layers import *
from ..fast_layers import *
from ..layer_utils import *


class ThreeLayerConvNet(object):
    """conv - relu - 2x2 max pool - affine - relu - affine - softmax, on (N, C, H, W) inputs."""

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
        """input_dim (C, H, W); conv with num_filters filters of filter_size^2; weights
        N(0, weight_scale^2), biases 0; reg is the L2 strength; dtype of the parameters."""
        self.params = {}
        self.reg = reg
        self.dtype = dtype

        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        C, H, W = input_dim
        shapes = {
            'W1': (num_filters, C, filter_size, filter_size),
            'W2': (num_filters * (H // 2) * (W // 2), hidden_dim),
            'W3': (hidden_dim, num_classes),
        }
        for name, shape in shapes.items():
            self.params[name] = np.random.normal(scale=weight_scale, size=shape)
            self.params['b' + name[1:]] = np.zeros(shape[0] if name == 'W1' else shape[1])
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """X (N, C, H, W), y (N,) or None -> scores (N, classes), or (loss, grads)."""
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
        W3, b3 = self.params["W3"], self.params["b3"]

        filter_size = W1.shape[2]
        conv_param = {"stride": 1, "pad": (filter_size - 1) // 2}

        pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}

        scores = None
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        cache = {}
        h, cache['crp'] = conv_relu_pool_forward(X, W1, b1, conv_param, pool_param)
        h, cache['ar'] = affine_relu_forward(h, W2, b2)
        scores, cache['a'] = affine_forward(h, W3, b3)
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        if y is None:
            return scores

        loss, grads = 0, {}
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        data_loss, d = softmax_loss(scores, y)
        reg_loss = 0.5 * self.reg * sum(np.sum(self.params[k] ** 2) for k in ('W1', 'W2', 'W3'))
        loss = data_loss + reg_loss

        d, grads['W3'], grads['b3'] = affine_backward(d, cache['a'])
        d, grads['W2'], grads['b2'] = affine_relu_backward(d, cache['ar'])
        d, grads['W1'], grads['b1'] = conv_relu_pool_backward(d, cache['crp'])
        for k in ('W1', 'W2', 'W3'):
            grads[k] = grads[k] + self.reg * self.params[k]
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
