"""Forward and backward passes of the layers used in this assignment.

Every ``*_forward`` function returns ``(out, cache)``; the matching ``*_backward``
function takes the upstream gradient ``dout`` and that cache, and returns the
gradients with respect to the forward inputs, in the order of those inputs.
"""

import numpy as np


def affine_forward(x, w, b):
    """Fully connected (affine) layer, forward pass.

    Each example is flattened into a row vector of D = d_1 * ... * d_k numbers.

    Inputs:
    - x: array of shape (N, d_1, ..., d_k), a minibatch of N examples
    - w: weights, shape (D, M)
    - b: biases, shape (M,)

    Returns a tuple of:
    - out: shape (N, M), equal to x_flat @ w + b
    - cache: what the backward pass needs, (x, w, b)
    """
    out = None
    ###########################################################################
    # TODO: Flatten each example of x into a row, multiply by w and add b.    #
    # Keep the result in `out`. Hint: x.reshape(x.shape[0], -1).              #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    x_rows = x.reshape(x.shape[0], -1)
    out = x_rows.dot(w) + b
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """Fully connected (affine) layer, backward pass.

    Inputs:
    - dout: upstream gradient, shape (N, M)
    - cache: (x, w, b) from affine_forward, x of shape (N, d_1, ..., d_k)

    Returns a tuple of:
    - dx: gradient w.r.t. x, shape (N, d_1, ..., d_k)
    - dw: gradient w.r.t. w, shape (D, M)
    - db: gradient w.r.t. b, shape (M,)
    """
    x, w, b = cache
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO: Compute dx, dw and db. dx must have the same shape as x (undo the #
    # flattening); db sums dout over the minibatch.                           #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    x_rows = x.reshape(x.shape[0], -1)
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x_rows.T.dot(dout)
    db = np.sum(dout, axis=0)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dw, db


def relu_forward(x):
    """Rectified linear unit, forward pass.

    Inputs:
    - x: array of any shape

    Returns a tuple of:
    - out: max(0, x), same shape as x
    - cache: x
    """
    out = None
    ###########################################################################
    # TODO: Apply the ReLU elementwise. Do not change x in place.             #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    out = np.maximum(0, x)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """Rectified linear unit, backward pass.

    Inputs:
    - dout: upstream gradient, any shape
    - cache: the input x of relu_forward, same shape as dout

    Returns:
    - dx: gradient w.r.t. x, same shape as dout
    """
    dx, x = None, cache
    ###########################################################################
    # TODO: The gradient flows only where the input was positive.             #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    dx = dout * (x > 0)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx


def softmax_loss(x, y):
    """Softmax classifier: mean cross-entropy loss and its gradient.

    Inputs:
    - x: class scores, shape (N, C); x[i, j] is the score of class j for example i
    - y: correct labels, shape (N,), each an integer in [0, C)

    Returns a tuple of:
    - loss: the mean negative log-probability of the correct classes (a scalar)
    - dx: gradient of the loss w.r.t. x, shape (N, C)
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: Compute the softmax loss and its gradient. Subtract each row's    #
    # maximum before exponentiating so that large scores do not overflow.    #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    N = x.shape[0]
    shifted = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted), axis=1, keepdims=True)
    log_probs = shifted - np.log(Z)
    probs = np.exp(log_probs)
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch normalization, forward pass.

    In train mode each feature is normalized with the mean and the (biased, 1/N)
    variance of the current minibatch, then scaled by gamma and shifted by beta.
    Exponential running averages of the batch statistics are kept,

        running_mean = momentum * running_mean + (1 - momentum) * batch_mean
        running_var  = momentum * running_var  + (1 - momentum) * batch_var

    and test mode normalizes with them instead of the batch statistics.

    Inputs:
    - x: data, shape (N, D)
    - gamma: scale, shape (D,)
    - beta: shift, shape (D,)
    - bn_param: dict with
      - mode: 'train' or 'test' (required)
      - eps: added to the variance for numerical stability (default 1e-5)
      - momentum: weight of the old running average (default 0.9)
      - running_mean, running_var: shape (D,); zeros of x's dtype when absent.
        The updated values are stored back into bn_param.

    Returns a tuple of:
    - out: shape (N, D)
    - cache: what batchnorm_backward and batchnorm_backward_alt need
    """
    mode = bn_param.get("mode")
    if mode not in ("train", "test"):
        raise ValueError(f"Invalid batchnorm mode {mode!r}: use 'train' or 'test'")
    eps = bn_param.get("eps", 1e-8)  # smaller is more accurate
    momentum = bn_param.get("momentum", 0.99)  # smoother averages

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        #######################################################################
        # TODO: Train-mode forward pass.                                      #
        # 1. Compute the per-feature mean and variance of the minibatch      #
        #    (divide by N, not N - 1).                                        #
        # 2. Normalize: xhat = (x - mean) / sqrt(var + eps).                  #
        # 3. Scale and shift: out = gamma * xhat + beta.                      #
        # 4. Update running_mean and running_var with the batch statistics   #
        #    (the plain variance: eps belongs only in the normalization).    #
        # Store in `cache` every intermediate the backward pass will need.   #
        # Do not modify x in place. Both backward functions receive this      #
        # same cache.                                                         #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        mu = np.sum(x, axis=0, keepdims=True) / N            # (1, D)
        xc = x - mu
        var = np.sum(xc ** 2, axis=0, keepdims=True) / N     # (1, D)
        xhat = xc / np.sqrt(var + eps)
        out = gamma * xhat + beta

        # running averages must stay (D,), so flatten the (1, D) stats first
        running_mean = momentum * running_mean + (1 - momentum) * mu.reshape(D)
        running_var = momentum * running_var + (1 - momentum) * var.reshape(D)

        cache = (x, xhat, mu, var, gamma, beta, eps)
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################
    else:
        #######################################################################
        # TODO: Test-mode forward pass: normalize x with the running mean and #
        # variance (plus eps), then scale by gamma and shift by beta. Leave   #
        # the running statistics unchanged.                                   #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        xhat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * xhat + beta
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    """Batch normalization, backward pass along the computation graph.

    Inputs:
    - dout: upstream gradient, shape (N, D)
    - cache: from batchnorm_forward in train mode

    Returns a tuple of:
    - dx: gradient w.r.t. x, shape (N, D)
    - dgamma: gradient w.r.t. gamma, shape (D,)
    - dbeta: gradient w.r.t. beta, shape (D,)
    """
    dx, dgamma, dbeta = None, None, None
    ###########################################################################
    # TODO: Backpropagate through the forward pass one node at a time, from   #
    # the output back to x. Draw the graph first (mean, centred x, variance,  #
    # standard deviation, its inverse, xhat, scale, shift) and apply the      #
    # chain rule at each node. Where a node sums or broadcasts over the batch #
    # axis, its backward does the opposite.                                   #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    x, xhat, mu, var, gamma, beta, eps = cache
    N = x.shape[0]

    # out = gamma * xhat + beta
    dbeta = np.sum(dout, axis=0, keepdims=True)
    dgamma = np.sum(dout * xhat, axis=0, keepdims=True)
    dxhat = dout * gamma

    # xhat = xc * ivar, with xc = x - mu and ivar = 1 / sqrt(var + eps)
    xc = x - mu
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    divar = np.sum(dxhat * xc, axis=0, keepdims=True)
    dxc1 = dxhat * ivar

    # ivar = 1 / sqrtvar
    dsqrtvar = -divar / (sqrtvar ** 2)

    # sqrtvar = sqrt(var + eps)
    dvar = 0.5 * dsqrtvar / sqrtvar

    # var = sum(sq) / N, sq = xc ** 2
    dsq = np.ones_like(x) * dvar / N
    dxc2 = 2 * xc * dsq

    # xc = x - mu: two branches meet here
    dxc = dxc1 + dxc2
    dmu = -np.sum(dxc, axis=0, keepdims=True)
    dx1 = dxc

    # mu = sum(x) / N
    dx2 = np.ones_like(x) * dmu / N
    dx = dx1 + dx2

    dgamma = dgamma.reshape(-1)
    dbeta = dbeta.reshape(-1)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """Batch normalization, backward pass in simplified closed form.

    Same inputs and outputs as batchnorm_backward (and the same cache), but the
    gradient w.r.t. x is computed from a formula derived on paper, which needs far
    fewer passes over the data:

        dx = gamma / (N * sigma) * (N * dout - sum_i dout_i - xhat * sum_i dout_i * xhat_i)

    Inputs:
    - dout: upstream gradient, shape (N, D)
    - cache: from batchnorm_forward in train mode

    Returns a tuple of:
    - dx: shape (N, D)
    - dgamma: shape (D,)
    - dbeta: shape (D,)
    """
    dx, dgamma, dbeta = None, None, None
    ###########################################################################
    # TODO: Derive dL/dx on paper, simplify it as far as you can, and write   #
    # it here in a few vectorized lines. Aim to be clearly faster than        #
    # batchnorm_backward: reuse sums instead of recomputing them and avoid    #
    # large temporary arrays.                                                 #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    x, xhat, mu, var, gamma, beta, eps = cache
    N = x.shape[0]
    dbeta = np.sum(dout, axis=0, keepdims=True)
    dgamma = np.sum(dout * xhat, axis=0, keepdims=True)
    g = dout * gamma
    dx = (g - np.sum(g, axis=0, keepdims=True) / N
          - xhat * np.sum(g * xhat, axis=0, keepdims=True) / N) / np.sqrt(var + eps)
    dgamma = dgamma.reshape(-1)
    dbeta = dbeta.reshape(-1)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """Layer normalization, forward pass.

    Each data point (row) is normalized with the mean and (1/D) variance of its own
    D features, then scaled by gamma and shifted by beta. There are no running
    statistics: train and test time behave the same.

    Inputs:
    - x: data, shape (N, D)
    - gamma: scale, shape (D,)
    - beta: shift, shape (D,)
    - ln_param: dict; key 'eps' (default 1e-5)

    Returns a tuple of:
    - out: shape (N, D)
    - cache: what layernorm_backward needs
    """
    out, cache = None, None
    eps = ln_param.get("eps", 1e-7)
    ###########################################################################
    # TODO: Like train-mode batch normalization, but with the statistics of   #
    # each row (axis 1) instead of each column. Keep the row statistics as    #
    # (N, 1) columns (keepdims=True) so they broadcast against x.             #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    D = x.shape[1]
    mu = np.sum(x, axis=1, keepdims=True) / D          # (N, 1)
    xc = x - mu
    var = np.sum(xc ** 2, axis=1, keepdims=True) / D   # (N, 1)
    xhat = xc / np.sqrt(var + eps)
    out = gamma * xhat + beta
    cache = (x, xhat, mu, var, gamma, beta, eps)
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return out, cache


def layernorm_backward(dout, cache):
    """Layer normalization, backward pass.

    Inputs:
    - dout: upstream gradient, shape (N, D)
    - cache: from layernorm_forward

    Returns a tuple of:
    - dx: shape (N, D)
    - dgamma: shape (D,)
    - dbeta: shape (D,)
    """
    dx, dgamma, dbeta = None, None, None
    ###########################################################################
    # TODO: gamma and beta act per feature, as in batch normalization, so     #
    # their gradients sum over the batch. For dx, reuse the closed form of    #
    # batchnorm_backward_alt with the roles of the two axes swapped.          #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    x, xhat, mu, var, gamma, beta, eps = cache
    D = x.shape[1]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * xhat, axis=0)
    g = dout * gamma
    dx = (D * g - np.sum(g, axis=1, keepdims=True)
          - xhat * np.sum(g * xhat, axis=1, keepdims=True)) / (D * np.sqrt(var + eps))
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """Inverted dropout, forward pass.

    In train mode each unit is kept with probability p and zeroed otherwise; kept
    units are divided by p so that the expected output equals x. Test mode is the
    identity.

    Inputs:
    - x: data of any shape
    - dropout_param: dict with
      - p: probability of KEEPING each unit
      - mode: 'train' or 'test'
      - seed: optional; when given, the mask is drawn after np.random.seed(seed),
        which makes the pass deterministic (for gradient checking)

    Returns a tuple of:
    - out: same shape and dtype as x
    - cache: (dropout_param, mask); mask is None in test mode
    """
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])

    mask, out = None, None
    if mode == "train":
        #######################################################################
        # TODO: Draw a keep-mask with np.random.rand (True with probability  #
        # p), divide it by p, apply it to x and store it in `mask` for the   #
        # backward pass.                                                      #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        mask = (np.random.rand(*x.shape) < p) / p
        out = (x * mask).astype(x.dtype, copy=False)
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################
    elif mode == "test":
        #######################################################################
        # TODO: Test-mode forward pass.                                       #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        out = x
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################

    cache = (dropout_param, mask)
    return out, cache


def dropout_backward(dout, cache):
    """Inverted dropout, backward pass.

    Inputs:
    - dout: upstream gradient, any shape
    - cache: (dropout_param, mask) from dropout_forward

    Returns:
    - dx: same shape as dout
    """
    dropout_param, mask = cache
    mode = dropout_param["mode"]

    dx = None
    if mode == "train":
        #######################################################################
        # TODO: Train-mode backward pass: the mask scales the gradient just   #
        # as it scaled the input.                                             #
        #######################################################################
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        dx = dout * mask
        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
        #######################################################################
        #                          END OF YOUR CODE                           #
        #######################################################################
    elif mode == "test":
        dx = dout
    return dx


def conv_forward_naive(x, w, b, conv_param):
    """Convolutional layer, forward pass (a plain loop version).

    Inputs:
    - x: data, shape (N, C, H, W)
    - w: filters, shape (F, C, HH, WW)
    - b: biases, shape (F,)
    - conv_param: dict with
      - stride: step between neighbouring receptive fields, both directions
      - pad: zeros added on every side of the height and width axes

    Returns a tuple of:
    - out: shape (N, F, H', W'), where
      H' = 1 + (H + 2 * pad - HH) // stride and W' = 1 + (W + 2 * pad - WW) // stride
    - cache: (x, w, b, conv_param)
    """
    out = None
    ###########################################################################
    # TODO: Pad x with np.pad (height and width axes only), then loop over    #
    # the output positions; each output value is the sum of a filter times    #
    # the window of the padded input under it, plus the filter's bias.        #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """Convolutional layer, backward pass (a plain loop version).

    Inputs:
    - dout: upstream gradient, shape (N, F, H', W')
    - cache: (x, w, b, conv_param) from conv_forward_naive

    Returns a tuple of:
    - dx: shape (N, C, H, W)
    - dw: shape (F, C, HH, WW)
    - db: shape (F,)
    """
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO: Loop over the output positions as in the forward pass. Each       #
    # window sends gradient to the filters and to the padded input; crop the  #
    # padding off at the end.                                                 #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """Max-pooling layer, forward pass (a plain loop version). No padding.

    Inputs:
    - x: data, shape (N, C, H, W)
    - pool_param: dict with 'pool_height', 'pool_width' and 'stride'

    Returns a tuple of:
    - out: shape (N, C, H', W'), where H' = 1 + (H - pool_height) // stride and
      W' = 1 + (W - pool_width) // stride
    - cache: (x, pool_param)
    """
    out = None
    ###########################################################################
    # TODO: Each output value is the maximum of its window, per channel.      #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """Max-pooling layer, backward pass (a plain loop version).

    Inputs:
    - dout: upstream gradient, shape (N, C, H', W')
    - cache: (x, pool_param) from max_pool_forward_naive

    Returns:
    - dx: shape (N, C, H, W)
    """
    dx = None
    ###########################################################################
    # TODO: Route each window's gradient to the position of its maximum (the  #
    # first one, if several values tie).                                      #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """Spatial batch normalization, forward pass.

    Statistics are taken per channel over the batch and both spatial axes.

    Inputs:
    - x: data, shape (N, C, H, W)
    - gamma: scale, shape (C,)
    - beta: shift, shape (C,)
    - bn_param: as for batchnorm_forward

    Returns a tuple of:
    - out: shape (N, C, H, W)
    - cache: what spatial_batchnorm_backward needs
    """
    out, cache = None, None
    ###########################################################################
    # TODO: Move the channel axis last and flatten the rest, so that          #
    # batchnorm_forward sees an (N*H*W, C) matrix; then undo the reshape.     #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    """Spatial batch normalization, backward pass.

    Inputs:
    - dout: upstream gradient, shape (N, C, H, W)
    - cache: from spatial_batchnorm_forward

    Returns a tuple of:
    - dx: shape (N, C, H, W)
    - dgamma: shape (C,)
    - dbeta: shape (C,)
    """
    dx, dgamma, dbeta = None, None, None
    ###########################################################################
    # TODO: Reshape as in the forward pass and reuse a batchnorm backward.    #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """Spatial group normalization, forward pass.

    The C channels of each data point are split into G groups of C // G
    consecutive channels; each group is normalized with its own mean and (1/n)
    variance over its channels and both spatial axes.

    Inputs:
    - x: data, shape (N, C, H, W)
    - gamma: scale, shape (1, C, 1, 1)
    - beta: shift, shape (1, C, 1, 1)
    - G: number of groups; divides C
    - gn_param: dict; key 'eps' (default 1e-5)

    Returns a tuple of:
    - out: shape (N, C, H, W)
    - cache: what spatial_groupnorm_backward needs
    """
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    ###########################################################################
    # TODO: Reshape x to (N, G, C // G * H * W) and normalize each row as in  #
    # layer normalization; reshape back, then apply the per-channel gamma and #
    # beta.                                                                   #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    """Spatial group normalization, backward pass.

    Inputs:
    - dout: upstream gradient, shape (N, C, H, W)
    - cache: from spatial_groupnorm_forward

    Returns a tuple of:
    - dx: shape (N, C, H, W)
    - dgamma: shape (1, C, 1, 1)
    - dbeta: shape (1, C, 1, 1)
    """
    dx, dgamma, dbeta = None, None, None
    ###########################################################################
    # TODO: dgamma and dbeta sum over every axis but the channels. For dx,    #
    # reshape the gradient w.r.t. xhat into groups and use the layer norm     #
    # closed form on each group.                                              #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dgamma, dbeta
