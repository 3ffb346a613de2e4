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
        in_dim = input_dim
        for i, out_dim in enumerate(hidden_dims):
            self.params[f"W{i + 1}"] = np.random.randn(in_dim, out_dim) * weight_scale
            self.params[f"b{i + 1}"] = np.zeros(out_dim)
            if normalization is not None:
                self.params[f"gamma{i + 1}"] = np.ones(out_dim)
                self.params[f"beta{i + 1}"] = np.zeros(out_dim)
            in_dim = out_dim
        self.params[f"W{self.num_layers}"] = np.random.randn(in_dim, num_classes) * weight_scale
        self.params[f"b{self.num_layers}"] = np.zeros(num_classes)
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
        out = X
        for i in range(self.num_layers - 1):
            W, b = self.params[f"W{i + 1}"], self.params[f"b{i + 1}"]
            if self.normalization is None:
                out, c = affine_relu_forward(out, W, b)
            else:
                out, c = affine_norm_relu_forward(out, W, b, self.params[f"gamma{i + 1}"],
                                                  self.params[f"beta{i + 1}"], self.bn_params[i],
                                                  self.normalization)
            d_c = None
            if self.use_dropout:
                out, d_c = dropout_forward(out, self.dropout_param)
            caches.append((c, d_c))
        scores, final_cache = affine_forward(out, self.params[f"W{self.num_layers}"],
                                             self.params[f"b{self.num_layers}"])
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
        weights = [self.params[f"W{i + 1}"] for i in range(self.num_layers)]
        loss += 0.5 * self.reg * np.sum([np.sum(W * W) for W in weights])

        L = self.num_layers
        dout, dW, db = affine_backward(dscores, final_cache)
        grads[f"W{L}"] = dW + self.reg * self.params[f"W{L}"]
        grads[f"b{L}"] = db
        for i in range(L - 2, -1, -1):
            c, d_c = caches[i]
            if d_c is not None:
                dout = dropout_backward(dout, d_c)
            if self.normalization is None:
                dout, dW, db = affine_relu_backward(dout, c)
            else:
                dout, dW, db, dg, dbt = affine_norm_relu_backward(dout, c)
                grads[f"gamma{i + 1}"] = dg
                grads[f"beta{i + 1}"] = dbt
            grads[f"W{i + 1}"] = dW + self.reg * self.params[f"W{i + 1}"]
            grads[f"b{i + 1}"] = db
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################

        return loss, grads
