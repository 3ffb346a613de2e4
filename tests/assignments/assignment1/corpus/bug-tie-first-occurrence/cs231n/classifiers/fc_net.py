import numpy as np

from ..layers import *
from ..layer_utils import *


class TwoLayerNet(object):
    """affine - relu - affine - softmax."""

    def __init__(self, input_dim=3 * 32 * 32, hidden_dim=100, num_classes=10,
                 weight_scale=1e-3, reg=0.0):
        self.params = {}
        self.reg = reg
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        self.params['W1'] = weight_scale * np.random.randn(input_dim, hidden_dim)
        self.params['b1'] = np.zeros(hidden_dim)
        self.params['W2'] = weight_scale * np.random.randn(hidden_dim, num_classes)
        self.params['b2'] = np.zeros(num_classes)
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    def loss(self, X, y=None):
        """X (N, ...) -> scores (N, C), or (loss, grads) when y is given."""
        scores = None
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        W1, b1, W2, b2 = [self.params[k] for k in ('W1', 'b1', 'W2', 'b2')]
        h, ch = affine_relu_forward(X, W1, b1)
        scores, cs = affine_forward(h, W2, b2)
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        if y is None:
            return scores
        loss, grads = 0, {}
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        loss, d = softmax_loss(scores, y)
        loss += 0.5 * self.reg * ((W1 ** 2).sum() + (W2 ** 2).sum())
        d, grads['W2'], grads['b2'] = affine_backward(d, cs)
        _, grads['W1'], grads['b1'] = affine_relu_backward(d, ch)
        grads['W1'] += self.reg * W1
        grads['W2'] += self.reg * W2
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        return loss, grads
