"""A three-layer convolutional network."""

import numpy as np

from ..layers import *
from ..fast_layers import *
from ..layer_utils import *


class ThreeLayerConvNet:
    """Convolutional network with a softmax loss and the architecture

        conv - relu - 2x2 max pool - affine - relu - affine - softmax

    It works on minibatches of images of shape (N, C, H, W). The convolution
    keeps H and W (stride 1, pad (filter_size - 1) // 2 for an odd filter size)
    and the pooling halves them. The learnable parameters live in
    ``self.params``: ``W1`` (F, C, filter_size, filter_size), ``b1`` (F,),
    ``W2`` (F * H/2 * W/2, hidden_dim), ``b2`` (hidden_dim,),
    ``W3`` (hidden_dim, num_classes), ``b3`` (num_classes,).
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
        """Initialize the network.

        Inputs:
        - input_dim: tuple (C, H, W), the size of one input image
        - num_filters: number of filters F of the convolution
        - filter_size: height and width of every filter
        - hidden_dim: number of units in the hidden affine layer
        - num_classes: number of classes
        - weight_scale: standard deviation of the normal initial weights
        - reg: L2 regularization strength
        - dtype: numpy dtype of all parameters and computations (float64 for
          gradient checks)
        """
        self.params = {}
        self.reg = reg
        self.dtype = dtype

        #######################################################################
        # TODO: Initialize the weights W1, W2, W3 from a normal distribution  #
        # with mean 0 and standard deviation weight_scale, and the biases     #
        # b1, b2, b3 with zeros, all in self.params. W1, b1 belong to the     #
        # convolution, W2, b2 to the hidden affine layer, W3, b3 to the       #
        # output affine layer. The convolution keeps the input's height and   #
        # width (see loss() for its padding); the pooling halves them.        #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        pass
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################

        for name, value in self.params.items():
            self.params[name] = value.astype(dtype)

    def loss(self, X, y=None):
        """Compute the class scores, or the loss and its gradients.

        Inputs:
        - X: input images, shape (N, C, H, W)
        - y: labels, shape (N,), y[i] in [0, num_classes); None at test time

        Returns:
        - when y is None: scores, shape (N, num_classes)
        - otherwise a tuple of:
          - loss: scalar, softmax loss plus 0.5 * reg * (sum of W1**2, W2**2, W3**2)
          - grads: dict with the same keys as self.params, gradients of the loss
        """
        X = X.astype(self.dtype)
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
        W3, b3 = self.params["W3"], self.params["b3"]

        # The convolution keeps the spatial size for an odd filter size.
        filter_size = W1.shape[2]
        conv_param = {"stride": 1, "pad": (filter_size - 1) // 2}

        # 2x2 max pooling with stride 2.
        pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}

        scores = None
        #######################################################################
        # TODO: Forward pass of the network: compute the class scores of X    #
        # and store them in `scores`. The fast layers and the sandwich layers #
        # of cs231n/fast_layers.py and cs231n/layer_utils.py may be used.     #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        pass
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################

        if y is None:
            return scores

        loss, grads = 0, {}
        #######################################################################
        # TODO: Backward pass: compute the softmax loss and the gradients of  #
        # every parameter, stored in grads under the same keys as in          #
        # self.params. Add the L2 penalty 0.5 * self.reg * sum(W**2) for the  #
        # three weights (not the biases) and its gradient.                    #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        pass
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################

        return loss, grads
