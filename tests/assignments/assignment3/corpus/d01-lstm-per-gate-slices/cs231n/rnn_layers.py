"""Layers for recurrent networks: a vanilla RNN, an LSTM, word embeddings and the
temporal versions of the affine layer and of the softmax loss.
"""
from __future__ import print_function, division
from builtins import range
import numpy as np

"""
Each layer has a forward function that returns its output and a cache, and a
backward function that takes the upstream gradient and that cache.
"""


def affine_forward(x, w, b):
    """Fully connected layer, forward.

    Inputs:
    - x: array of shape (N, d_1, ..., d_k); each example is flattened to D values
    - w: weights, shape (D, M)
    - b: biases, shape (M,)

    Returns a tuple of:
    - out: output, shape (N, M)
    - cache: (x, w, b)
    """
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """Fully connected layer, backward.

    Inputs:
    - dout: upstream gradient, shape (N, M)
    - cache: (x, w, b) from affine_forward

    Returns a tuple of:
    - dx: shape (N, d_1, ..., d_k)
    - dw: shape (D, M)
    - db: shape (M,)
    """
    x, w, b = cache
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """One time step of a vanilla RNN with a tanh nonlinearity.

    Inputs:
    - x: input at this step, shape (N, D)
    - prev_h: hidden state of the previous step, shape (N, H)
    - Wx: input-to-hidden weights, shape (D, H)
    - Wh: hidden-to-hidden weights, shape (H, H)
    - b: biases, shape (H,)

    Returns a tuple of:
    - next_h: next hidden state, shape (N, H)
    - cache: whatever the backward pass needs
    """
    next_h, cache = None, None
    ##############################################################################
    # TODO: Compute one step of the RNN. Put the next hidden state in next_h and #
    # whatever the backward pass will need in cache.                             #
    ##############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    a = x.dot(Wx) + prev_h.dot(Wh) + b
    next_h = np.tanh(a)
    cache = (x, prev_h, Wx, Wh, next_h)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return next_h, cache


def rnn_step_backward(dnext_h, cache):
    """Backward pass of one vanilla RNN step.

    Inputs:
    - dnext_h: gradient of the loss with respect to next_h, shape (N, H)
    - cache: cache from rnn_step_forward

    Returns a tuple of:
    - dx: gradient of the input, shape (N, D)
    - dprev_h: gradient of the previous hidden state, shape (N, H)
    - dWx: shape (D, H)
    - dWh: shape (H, H)
    - db: shape (H,)
    """
    dx, dprev_h, dWx, dWh, db = None, None, None, None, None
    ##############################################################################
    # TODO: Backpropagate through one RNN step. Remember that the derivative of  #
    # tanh can be written in terms of its output.                                #
    ##############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    x, prev_h, Wx, Wh, next_h = cache
    # d tanh(a) / da = 1 - tanh(a)^2
    da = dnext_h * (1 - next_h ** 2)
    dx = da.dot(Wx.T)
    dprev_h = da.dot(Wh.T)
    dWx = x.T.dot(da)
    dWh = prev_h.T.dot(da)
    db = np.sum(da, axis=0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    """Vanilla RNN over a whole sequence of T steps with input size D, hidden size H,
    for a minibatch of N sequences.

    Inputs:
    - x: inputs for every step, shape (N, T, D)
    - h0: initial hidden state, shape (N, H)
    - Wx: input-to-hidden weights, shape (D, H)
    - Wh: hidden-to-hidden weights, shape (H, H)
    - b: biases, shape (H,)

    Returns a tuple of:
    - h: hidden states of every step, shape (N, T, H)
    - cache: whatever the backward pass needs
    """
    h, cache = None, None
    ##############################################################################
    # TODO: Run the RNN over the sequence, calling rnn_step_forward once per     #
    # time step.                                                                 #
    ##############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    cache = []
    prev_h = h0
    for t in range(T):
        prev_h, step_cache = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        h[:, t, :] = prev_h
        cache.append(step_cache)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return h, cache


def rnn_backward(dh, cache):
    """Backward pass of a vanilla RNN over a whole sequence.

    Inputs:
    - dh: upstream gradients of every hidden state, shape (N, T, H)
    - cache: cache from rnn_forward

    Note that dh only holds the gradients coming from the layers above; the gradient
    that flows between time steps is yours to compute.

    Returns a tuple of:
    - dx: shape (N, T, D)
    - dh0: gradient of the initial hidden state, shape (N, H)
    - dWx: shape (D, H)
    - dWh: shape (H, H)
    - db: shape (H,)
    """
    dx, dh0, dWx, dWh, db = None, None, None, None, None
    ##############################################################################
    # TODO: Run the backward pass over the whole sequence, calling               #
    # rnn_step_backward once per time step, last step first.                     #
    ##############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N, T, H = dh.shape
    x0, _, Wx0, Wh0, _ = cache[0]
    D = x0.shape[1]

    dx = np.zeros((N, T, D))
    dWx = np.zeros_like(Wx0)
    dWh = np.zeros_like(Wh0)
    db = np.zeros(H)
    dprev_h = np.zeros((N, H))

    for t in reversed(range(T)):
        # gradient from the output at t plus gradient coming back from step t+1
        dcur = dh[:, t, :] + dprev_h
        dx_t, dprev_h, dWx_t, dWh_t, db_t = rnn_step_backward(dcur, cache[t])
        dx[:, t, :] = dx_t
        dWx += dWx_t
        dWh += dWh_t
        db += db_t

    dh0 = dprev_h

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return dx, dh0, dWx, dWh, db


def word_embedding_forward(x, W):
    """Word embeddings: look up the vector of every word index.

    Inputs:
    - x: integer array of shape (N, T), each entry in [0, V)
    - W: word vectors, shape (V, D)

    Returns a tuple of:
    - out: shape (N, T, D), out[n, t] = W[x[n, t]]
    - cache: whatever the backward pass needs
    """
    out, cache = None, None
    ##############################################################################
    # TODO: Implement the lookup. One line of numpy indexing is enough.          #
    ##############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    out = W[x]
    cache = (x, W)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return out, cache


def word_embedding_backward(dout, cache):
    """Backward pass of the word embeddings. Word indices are not differentiable, so
    only the gradient of the embedding matrix is returned.

    Inputs:
    - dout: upstream gradients, shape (N, T, D)
    - cache: cache from word_embedding_forward

    Returns:
    - dW: gradient of the word vectors, shape (V, D)
    """
    dW = None
    ##############################################################################
    # TODO: Implement the backward pass. Beware of words that occur more than    #
    # once; np.add.at may help.                                                  #
    ##############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    x, W = cache
    dW = np.zeros_like(W)
    np.add.at(dW, x, dout)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return dW


def sigmoid(x):
    """Logistic function that does not overflow for large |x|."""
    positive = x >= 0
    negative = ~positive
    e = np.zeros_like(x)
    e[positive] = np.exp(-x[positive])
    e[negative] = np.exp(x[negative])
    numerator = np.ones_like(x)
    numerator[negative] = e[negative]
    return numerator / (1 + e)


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """One time step of an LSTM.

    Inputs:
    - x: input at this step, shape (N, D)
    - prev_h: previous hidden state, shape (N, H)
    - prev_c: previous cell state, shape (N, H)
    - Wx: input-to-hidden weights, shape (D, 4H)
    - Wh: hidden-to-hidden weights, shape (H, 4H)
    - b: biases, shape (4H,)

    Returns a tuple of:
    - next_h: next hidden state, shape (N, H)
    - next_c: next cell state, shape (N, H)
    - cache: whatever the backward pass needs
    """
    next_h, next_c, cache = None, None, None
    #############################################################################
    # TODO: Implement one LSTM step. Use the numerically stable sigmoid above.  #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    H = prev_h.shape[1]

    def gate(k):
        # the k-th block of columns belongs to the k-th gate (order i, f, o, g)
        cols = slice(k * H, (k + 1) * H)
        return x.dot(Wx[:, cols]) + prev_h.dot(Wh[:, cols]) + b[cols]

    i = sigmoid(gate(0))
    f = sigmoid(gate(1))
    o = sigmoid(gate(2))
    g = np.tanh(gate(3))
    next_c = f * prev_c + i * g
    tanh_c = np.tanh(next_c)
    next_h = o * tanh_c
    cache = (x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################

    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    """Backward pass of one LSTM step.

    Inputs:
    - dnext_h: gradient of the next hidden state, shape (N, H)
    - dnext_c: gradient of the next cell state, shape (N, H)
    - cache: cache from lstm_step_forward

    Returns a tuple of:
    - dx: shape (N, D)
    - dprev_h: shape (N, H)
    - dprev_c: shape (N, H)
    - dWx: shape (D, 4H)
    - dWh: shape (H, 4H)
    - db: shape (4H,)
    """
    dx, dprev_h, dprev_c, dWx, dWh, db = None, None, None, None, None, None
    #############################################################################
    # TODO: Backpropagate through one LSTM step. The derivatives of sigmoid and #
    # tanh can be written in terms of their outputs.                            #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c = cache
    H = prev_h.shape[1]
    # gradient reaching the new cell: directly, and through next_h = o * tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tanh_c * tanh_c)
    dprev_c = dc * f
    # gradients of the four pre-activations
    dpre = [
        dc * g * i * (1 - i),         # input gate
        dc * prev_c * f * (1 - f),    # forget gate
        dnext_h * tanh_c * o * (1 - o),  # output gate
        dc * i * (1 - g * g),         # candidate
    ]
    dx = np.zeros_like(x)
    dprev_h = np.zeros_like(prev_h)
    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    db = np.zeros(4 * H)
    for k in range(4):
        cols = slice(k * H, (k + 1) * H)
        dx += dpre[k].dot(Wx[:, cols].T)
        dprev_h += dpre[k].dot(Wh[:, cols].T)
        dWx[:, cols] = x.T.dot(dpre[k])
        dWh[:, cols] = prev_h.T.dot(dpre[k])
        db[cols] = dpre[k].sum(axis=0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################

    return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b):
    """LSTM over a whole sequence of T steps. The initial cell state is zero and is
    not an input; the cell states are not returned.

    Inputs:
    - x: inputs, shape (N, T, D)
    - h0: initial hidden state, shape (N, H)
    - Wx: input-to-hidden weights, shape (D, 4H)
    - Wh: hidden-to-hidden weights, shape (H, 4H)
    - b: biases, shape (4H,)

    Returns a tuple of:
    - h: hidden states of every step, shape (N, T, H)
    - cache: whatever the backward pass needs
    """
    h, cache = None, None
    #############################################################################
    # TODO: Run the LSTM over the sequence, calling lstm_step_forward once per  #
    # time step.                                                                #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N, T, D = x.shape
    hs = []
    cache = []
    h_t = h0
    c_t = np.zeros_like(h0)
    for t in range(T):
        h_t, c_t, step_cache = lstm_step_forward(x[:, t, :], h_t, c_t, Wx, Wh, b)
        hs.append(h_t)
        cache.append(step_cache)
    h = np.stack(hs, axis=1)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################

    return h, cache


def lstm_backward(dh, cache):
    """Backward pass of an LSTM over a whole sequence.

    Inputs:
    - dh: upstream gradients of the hidden states, shape (N, T, H)
    - cache: cache from lstm_forward

    Returns a tuple of:
    - dx: shape (N, T, D)
    - dh0: shape (N, H)
    - dWx: shape (D, 4H)
    - dWh: shape (H, 4H)
    - db: shape (4H,)
    """
    dx, dh0, dWx, dWh, db = None, None, None, None, None
    #############################################################################
    # TODO: Backpropagate through the whole sequence, calling                   #
    # lstm_step_backward once per time step, last step first.                   #
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N, T, H = dh.shape
    dxs = []
    dWx, dWh, db = None, None, None
    dh_carry = np.zeros((N, H))
    dc_carry = np.zeros((N, H))
    for t in reversed(range(T)):
        grads = lstm_step_backward(dh[:, t, :] + dh_carry, dc_carry, cache[t])
        dx_t, dh_carry, dc_carry, dWx_t, dWh_t, db_t = grads
        dxs.append(dx_t)
        if dWx is None:
            dWx, dWh, db = dWx_t, dWh_t, db_t
        else:
            dWx = dWx + dWx_t
            dWh = dWh + dWh_t
            db = db + db_t
    # dxs was filled from the last step to the first
    dx = np.stack(dxs[::-1], axis=1)
    dh0 = dh_carry

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################

    return dx, dh0, dWx, dWh, db


def temporal_affine_forward(x, w, b):
    """The same affine map applied at every time step of a sequence of D-dimensional
    vectors, giving M-dimensional vectors.

    Inputs:
    - x: shape (N, T, D)
    - w: weights, shape (D, M)
    - b: biases, shape (M,)

    Returns a tuple of:
    - out: shape (N, T, M)
    - cache: values for the backward pass
    """
    N, T, D = x.shape
    M = b.shape[0]
    out = x.reshape(N * T, D).dot(w).reshape(N, T, M) + b
    cache = x, w, b, out
    return out, cache


def temporal_affine_backward(dout, cache):
    """Backward pass of the temporal affine layer.

    Inputs:
    - dout: upstream gradients, shape (N, T, M)
    - cache: cache from temporal_affine_forward

    Returns a tuple of:
    - dx: shape (N, T, D)
    - dw: shape (D, M)
    - db: shape (M,)
    """
    x, w, b, out = cache
    N, T, D = x.shape
    M = b.shape[0]

    dx = dout.reshape(N * T, M).dot(w.T).reshape(N, T, D)
    dw = dout.reshape(N * T, M).T.dot(x.reshape(N * T, D)).T
    db = dout.sum(axis=(0, 1))

    return dx, dw, db


def temporal_softmax_loss(x, y, mask, verbose=False):
    """Softmax loss over a minibatch of sequences: at every time step the scores over a
    vocabulary of V words are compared with the correct word. The per-step losses are
    summed over time and averaged over the minibatch. Positions whose mask is False
    (the padding after a caption ends) add nothing to the loss or the gradient.

    Inputs:
    - x: scores, shape (N, T, V)
    - y: correct word indices, shape (N, T), each in [0, V)
    - mask: boolean array of shape (N, T), True where the score counts

    Returns a tuple of:
    - loss: scalar
    - dx: gradient of the loss with respect to x, shape (N, T, V)
    """
    N, T, V = x.shape

    x_flat = x.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    mask_flat = mask.reshape(N * T)

    probs = np.exp(x_flat - np.max(x_flat, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    loss = -np.sum(mask_flat * np.log(probs[np.arange(N * T), y_flat])) / N
    dx_flat = probs.copy()
    dx_flat[np.arange(N * T), y_flat] -= 1
    dx_flat /= N
    dx_flat *= mask_flat[:, None]

    if verbose:
        print("dx_flat: ", dx_flat.shape)

    dx = dx_flat.reshape(N, T, V)

    return loss, dx
