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
        layer_sizes = [input_dim] + hidden_dims + [num_classes]
        for l in range(1, self.num_layers + 1):
            self.params["W%d" % l] = weight_scale * np.random.randn(layer_sizes[l - 1], layer_sizes[l])
            self.params["b%d" % l] = np.zeros(layer_sizes[l])
        if self.normalization == "batchnorm" or self.normalization == "layernorm":
            for l in range(1, self.num_layers):
                self.params["gamma%d" % l] = np.ones(layer_sizes[l])
                self.params["beta%d" % l] = np.zeros(layer_sizes[l])
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
        cache = {}
        inp = X
        for l in range(1, self.num_layers):
            W, b = self.params["W%d" % l], self.params["b%d" % l]
            if self.normalization == "batchnorm":
                inp, cache[l] = affine_bn_relu_forward(inp, W, b, self.params["gamma%d" % l],
                                                       self.params["beta%d" % l], self.bn_params[l - 1])
            elif self.normalization == "layernorm":
                a, fc_c = affine_forward(inp, W, b)
                a, ln_c = layernorm_forward(a, self.params["gamma%d" % l], self.params["beta%d" % l],
                                            self.bn_params[l - 1])
                inp, relu_c = relu_forward(a)
                cache[l] = (fc_c, ln_c, relu_c)
            else:
                inp, cache[l] = affine_relu_forward(inp, W, b)
            if self.use_dropout:
                inp, cache["drop%d" % l] = dropout_forward(inp, self.dropout_param)
        scores, cache[self.num_layers] = affine_forward(inp, self.params["W%d" % self.num_layers],
                                                        self.params["b%d" % self.num_layers])
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
        loss, dscores = softmax_loss(scores, y)
        for l in range(1, self.num_layers + 1):
            loss += 0.5 * self.reg * np.sum(self.params["W%d" % l] ** 2)

        dup, dW, db = affine_backward(dscores, cache[self.num_layers])
        grads["W%d" % self.num_layers] = dW
        grads["b%d" % self.num_layers] = db
        for l in range(self.num_layers - 1, 0, -1):
            if self.use_dropout:
                dup = dropout_backward(dup, cache["drop%d" % l])
            if self.normalization == "batchnorm":
                dup, dW, db, dgamma, dbeta = affine_bn_relu_backward(dup, cache[l])
                grads["gamma%d" % l], grads["beta%d" % l] = dgamma, dbeta
            elif self.normalization == "layernorm":
                fc_c, ln_c, relu_c = cache[l]
                da = relu_backward(dup, relu_c)
                da, grads["gamma%d" % l], grads["beta%d" % l] = layernorm_backward(da, ln_c)
                dup, dW, db = affine_backward(da, fc_c)
            else:
                dup, dW, db = affine_relu_backward(dup, cache[l])
            grads["W%d" % l] = dW
            grads["b%d" % l] = db
        for l in range(1, self.num_layers + 1):
            grads["W%d" % l] = grads["W%d" % l] + self.reg * self.params["W%d" % l]
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################

        return loss, grads
