"""A fully connected network of any depth, with optional normalization and dropout."""

from typing import Dict, List, Optional, Tuple, Union

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
        hidden_dims: List[int],
        input_dim: int = 3 * 32 * 32,
        num_classes: int = 10,
        dropout_keep_ratio: float = 1,
        normalization: Optional[str] = None,
        reg: float = 0.0,
        weight_scale: float = 1e-2,
        dtype: type = np.float32,
        seed: Optional[int] = None,
    ) -> None:
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
        # Layer sizes from the input to the scores.
        sizes = [input_dim] + list(hidden_dims) + [num_classes]
        for layer in range(1, self.num_layers + 1):
            fan_in, fan_out = sizes[layer - 1], sizes[layer]
            self.params[f"W{layer}"] = weight_scale * np.random.randn(fan_in, fan_out)
            self.params[f"b{layer}"] = np.zeros(fan_out)
            # The last affine layer (the scores) is never normalized.
            if self.normalization is not None and layer < self.num_layers:
                self.params[f"gamma{layer}"] = np.ones(fan_out)
                self.params[f"beta{layer}"] = np.zeros(fan_out)
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

    def loss(
        self, X: np.ndarray, y: Optional[np.ndarray] = None
    ) -> Union[np.ndarray, Tuple[float, Dict[str, np.ndarray]]]:
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
        # Each hidden layer: affine -> [norm] -> relu -> [dropout]; caches kept per layer.
        layer_caches: List[dict] = []
        activations = X
        for layer in range(1, self.num_layers):
            layer_cache: dict = {}
            activations, layer_cache["affine"] = affine_forward(
                activations, self.params[f"W{layer}"], self.params[f"b{layer}"])
            if self.normalization == "batchnorm":
                activations, layer_cache["norm"] = batchnorm_forward(
                    activations, self.params[f"gamma{layer}"], self.params[f"beta{layer}"],
                    self.bn_params[layer - 1])
            elif self.normalization == "layernorm":
                activations, layer_cache["norm"] = layernorm_forward(
                    activations, self.params[f"gamma{layer}"], self.params[f"beta{layer}"],
                    self.bn_params[layer - 1])
            activations, layer_cache["relu"] = relu_forward(activations)
            if self.use_dropout:
                activations, layer_cache["dropout"] = dropout_forward(activations, self.dropout_param)
            layer_caches.append(layer_cache)

        # The output layer is a plain affine layer: no normalization, no ReLU.
        last = self.num_layers
        scores, scores_cache = affine_forward(activations, self.params[f"W{last}"], self.params[f"b{last}"])
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
        data_loss, dscores = softmax_loss(scores, y)
        # L2 penalty on every weight matrix (biases, gammas and betas are not penalized).
        reg_loss = 0.5 * self.reg * sum(
            np.sum(self.params[f"W{layer}"] ** 2) for layer in range(1, self.num_layers + 1))
        loss = data_loss + reg_loss

        dact, dW, db = affine_backward(dscores, scores_cache)
        grads[f"W{last}"] = dW + self.reg * self.params[f"W{last}"]
        grads[f"b{last}"] = db

        # Walk the hidden layers from the top down.
        for layer in range(self.num_layers - 1, 0, -1):
            layer_cache = layer_caches[layer - 1]
            if self.use_dropout:
                dact = dropout_backward(dact, layer_cache["dropout"])
            dact = relu_backward(dact, layer_cache["relu"])
            if self.normalization == "batchnorm":
                dact, grads[f"gamma{layer}"], grads[f"beta{layer}"] = batchnorm_backward_alt(
                    dact, layer_cache["norm"])
            elif self.normalization == "layernorm":
                dact, grads[f"gamma{layer}"], grads[f"beta{layer}"] = layernorm_backward(
                    dact, layer_cache["norm"])
            dact, dW, db = affine_backward(dact, layer_cache["affine"])
            grads[f"W{layer}"] = dW + self.reg * self.params[f"W{layer}"]
            grads[f"b{layer}"] = db
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################

        return loss, grads
