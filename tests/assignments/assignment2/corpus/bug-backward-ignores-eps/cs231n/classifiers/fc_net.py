"""A fully connected network of any depth, with optional normalization and dropout."""

import numpy as np

from ..layers import *
from ..layer_utils import *


class FullyConnectedNet:
    """Fully connected network with a softmax loss.

    With L = num_layers, the architecture is

        {affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax

    where the bracketed layers are optional. The learnable parameters live in
    ``self.params``: weights ``W1..WL``, biases ``b1..bL`` and, with normalization,
    scales ``gamma1..gamma(L-1)`` and shifts ``beta1..beta(L-1)`` (the last affine
    layer is never normalized).
    """

    def __init__(
        self,
        hidden_dims,
        input_dim=3 * 32 * 32,
        num_classes=10,
        dropout_keep_ratio=1,
        normalization=None,
        reg=0.0,
        weight_scale=1e-2,
        dtype=np.float32,
        seed=None,
    ):
        """Build the network and initialize its parameters.

        Inputs:
        - hidden_dims: list of the hidden layer sizes
        - input_dim: size of the (flattened) input
        - num_classes: number of classes
        - dropout_keep_ratio: probability of keeping a unit in dropout; 1 means
          no dropout
        - normalization: None, 'batchnorm' or 'layernorm'
        - reg: L2 regularization strength
        - weight_scale: standard deviation of the normal initial weights
        - dtype: numpy dtype of all parameters and computations (float64 for
          gradient checks)
        - seed: when given, dropout becomes deterministic (for gradient checks)
        """
        self.normalization = normalization
        self.use_dropout = dropout_keep_ratio != 1
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}

        #######################################################################
        # TODO: Initialize the parameters in self.params, layer by layer      #
        # (W1, b1, W2, b2, ...): weights drawn from a normal distribution     #
        # with mean 0 and standard deviation weight_scale (np.random.randn),  #
        # biases zero. With normalization, every layer except the last also   #
        # gets a scale gammaK (ones) and a shift betaK (zeros).               #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        dims = [input_dim] + hidden_dims + [num_classes]
        for i in range(self.num_layers):
            self.params['W%d' % (i + 1)] = weight_scale * np.random.randn(dims[i], dims[i + 1])
            self.params['b%d' % (i + 1)] = np.zeros(dims[i + 1])
            if self.normalization is not None and i < self.num_layers - 1:
                self.params['gamma%d' % (i + 1)] = np.ones(dims[i + 1])
                self.params['beta%d' % (i + 1)] = np.zeros(dims[i + 1])
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################

        # Dropout shares one parameter dict across all dropout layers; its mode
        # is switched by loss().
        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {"mode": "train", "p": dropout_keep_ratio}
            if seed is not None:
                self.dropout_param["seed"] = seed

        # One parameter dict per normalization layer: batchnorm keeps its running
        # statistics there.
        self.bn_params = []
        if self.normalization == "batchnorm":
            self.bn_params = [{"mode": "train"} for _ in range(self.num_layers - 1)]
        if self.normalization == "layernorm":
            self.bn_params = [{} for _ in range(self.num_layers - 1)]

        for name, value in self.params.items():
            self.params[name] = value.astype(dtype)

    def loss(self, X, y=None):
        """Compute the class scores, or the loss and its gradients.

        Inputs:
        - X: input data, shape (N, d_1, ..., d_k)
        - y: labels, shape (N,), y[i] in [0, num_classes); None at test time

        Returns:
        - when y is None: scores, shape (N, num_classes)
        - otherwise a tuple of:
          - loss: scalar, softmax loss plus 0.5 * reg * sum of all squared weights
          - grads: dict with the same keys as self.params, gradients of the loss
        """
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"

        # Normalization and dropout behave differently at train and test time.
        if self.use_dropout:
            self.dropout_param["mode"] = mode
        if self.normalization == "batchnorm":
            for bn_param in self.bn_params:
                bn_param["mode"] = mode

        scores = None
        #######################################################################
        # TODO: Forward pass. Run the L - 1 hidden layers (affine, optional   #
        # normalization with self.bn_params[i], relu, optional dropout with   #
        # self.dropout_param), then the last affine layer, and store the      #
        # class scores in `scores`. Keep every layer's cache for the          #
        # backward pass.                                                      #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        caches = {}
        out = X
        for i in range(1, self.num_layers):
            W, b = self.params['W%d' % i], self.params['b%d' % i]
            if self.normalization is not None:
                gamma, beta = self.params['gamma%d' % i], self.params['beta%d' % i]
                out, caches[i] = affine_norm_relu_forward(out, W, b, gamma, beta,
                                                          self.bn_params[i - 1], self.normalization)
            else:
                out, caches[i] = affine_relu_forward(out, W, b)
            if self.use_dropout:
                out, caches['drop%d' % i] = dropout_forward(out, self.dropout_param)
        L = self.num_layers
        scores, caches[L] = affine_forward(out, self.params['W%d' % L], self.params['b%d' % L])
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        #######################################################################
        # TODO: Backward pass. Compute the softmax loss and its gradient,     #
        # then backpropagate through the layers in reverse order, filling     #
        # grads with the same keys as self.params. Add the L2 penalty         #
        # 0.5 * self.reg * sum(W**2) for every weight matrix (not biases,     #
        # gammas or betas) and its gradient to grads.                         #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        L = self.num_layers
        loss, dscores = softmax_loss(scores, y)
        for i in range(1, L + 1):
            W = self.params['W%d' % i]
            loss += 0.5 * self.reg * np.sum(W * W)

        dout, dW, db = affine_backward(dscores, caches[L])
        grads['W%d' % L] = dW + self.reg * self.params['W%d' % L]
        grads['b%d' % L] = db
        for i in range(L - 1, 0, -1):
            if self.use_dropout:
                dout = dropout_backward(dout, caches['drop%d' % i])
            if self.normalization is not None:
                dout, dW, db, dgamma, dbeta = affine_norm_relu_backward(dout, caches[i])
                grads['gamma%d' % i] = dgamma
                grads['beta%d' % i] = dbeta
            else:
                dout, dW, db = affine_relu_backward(dout, caches[i])
            grads['W%d' % i] = dW + self.reg * self.params['W%d' % i]
            grads['b%d' % i] = db
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################

        return loss, grads
