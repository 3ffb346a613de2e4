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
        all_dims = [input_dim] + hidden_dims + [num_classes]
        for layer in range(self.num_layers):
            name = str(layer + 1)
            self.params["W" + name] = np.random.normal(0.0, weight_scale, (all_dims[layer], all_dims[layer + 1]))
            self.params["b" + name] = np.zeros(all_dims[layer + 1])
        for layer in range(self.num_layers - 1):
            if self.normalization is not None:
                name = str(layer + 1)
                self.params["gamma" + name] = np.ones(all_dims[layer + 1])
                self.params["beta" + name] = np.zeros(all_dims[layer + 1])
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
        caches = []
        layer_input = X
        for layer in range(self.num_layers - 1):
            name = str(layer + 1)
            w, b = self.params["W" + name], self.params["b" + name]
            if self.normalization is None:
                layer_input, cache = affine_relu_forward(layer_input, w, b)
            else:
                layer_input, cache = affine_norm_relu_forward(layer_input, w, b,
                                                              self.params["gamma" + name],
                                                              self.params["beta" + name],
                                                              self.bn_params[layer], self.normalization)
            if self.use_dropout:
                layer_input, d_cache = dropout_forward(layer_input, self.dropout_param)
                cache = (cache, d_cache)
            caches.append(cache)
        name = str(self.num_layers)
        scores, cache = affine_forward(layer_input, self.params["W" + name], self.params["b" + name])
        caches.append(cache)
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
        loss, upstream = softmax_loss(scores, y)
        name = str(self.num_layers)
        upstream, grads["W" + name], grads["b" + name] = affine_backward(upstream, caches[-1])
        for layer in reversed(range(self.num_layers - 1)):
            name = str(layer + 1)
            cache = caches[layer]
            if self.use_dropout:
                cache, d_cache = cache
                upstream = dropout_backward(upstream, d_cache)
            if self.normalization is None:
                upstream, grads["W" + name], grads["b" + name] = affine_relu_backward(upstream, cache)
            else:
                (upstream, grads["W" + name], grads["b" + name],
                 grads["gamma" + name], grads["beta" + name]) = affine_norm_relu_backward(upstream, cache)

        for layer in range(self.num_layers):
            name = str(layer + 1)
            loss += 0.5 * self.reg * np.sum(np.square(self.params["W" + name]))
            grads["W" + name] += self.reg * self.params["W" + name]
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################

        return loss, grads
