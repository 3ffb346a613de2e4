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

    pre = x @ Wx + prev_h @ Wh + b
    next_h = np.tanh(pre)
    cache = {"x": x, "prev_h": prev_h, "Wx": Wx, "Wh": Wh, "next_h": next_h}

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

    dpre = dnext_h * (1.0 - cache["next_h"] ** 2)
    dx = dpre @ cache["Wx"].T
    dprev_h = dpre @ cache["Wh"].T
    dWx = cache["x"].T @ dpre
    dWh = cache["prev_h"].T @ dpre
    db = dpre.sum(axis=0)

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
    states = []
    steps = []
    h_t = h0
    for t in range(T):
        h_t, c_t = rnn_step_forward(x[:, t], h_t, Wx, Wh, b)
        states.append(h_t)
        steps.append(c_t)
    h = np.stack(states, axis=1)
    cache = {"steps": steps, "D": D}

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

    steps = cache["steps"]
    N, T, H = dh.shape
    D = cache["D"]
    dx = np.empty((N, T, D))
    dWx = np.zeros((D, H))
    dWh = np.zeros((H, H))
    db = np.zeros(H)
    dnext = np.zeros((N, H))
    t = T - 1
    while t >= 0:
        dx[:, t], dnext, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dnext, steps[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
        t -= 1
    dh0 = dnext

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

    out = W[x, :]
    cache = {"x": x, "shape": W.shape}

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

    x = cache["x"]
    V, D = cache["shape"]
    dW = np.zeros((V, D))
    N, T = x.shape
    # loop so that repeated words add up
    for n in range(N):
        for t in range(T):
            dW[x[n, t]] += dout[n, t]

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
    a = x @ Wx + prev_h @ Wh + b
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H:2 * H])
    o = sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    next_c = f * prev_c + i * g
    tanh_c = np.tanh(next_c)
    next_h = o * tanh_c
    cache = {"x": x, "prev_h": prev_h, "prev_c": prev_c, "Wx": Wx, "Wh": Wh,
             "i": i, "f": f, "o": o, "g": g, "tanh_c": tanh_c}

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

    i, f, o, g = cache["i"], cache["f"], cache["o"], cache["g"]
    tanh_c = cache["tanh_c"]
    # total gradient reaching next_c
    dc = dnext_c
    do = dnext_h * tanh_c
    di = dc * g
    df = dc * cache["prev_c"]
    dg = dc * i
    dprev_c = dc * f
    da = np.hstack([di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g ** 2)])
    dx = da @ cache["Wx"].T
    dprev_h = da @ cache["Wh"].T
    dWx = cache["x"].T @ da
    dWh = cache["prev_h"].T @ da
    db = da.sum(axis=0)

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
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    h_t = h0
    c_t = np.zeros((N, H))
    steps = []
    for t in range(T):
        h_t, c_t, step = lstm_step_forward(x[:, t], h_t, c_t, Wx, Wh, b)
        h[:, t] = h_t
        steps.append(step)
    cache = {"steps": steps, "D": D}

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

    steps = cache["steps"]
    N, T, H = dh.shape
    D = cache["D"]
    dx = np.zeros((N, T, D))
    dWx = np.zeros((D, 4 * H))
    dWh = np.zeros((H, 4 * H))
    db = np.zeros(4 * H)
    dnext_h = np.zeros((N, H))
    dnext_c = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx[:, t], dnext_h, dnext_c, dWx_t, dWh_t, db_t = lstm_step_backward(
            dh[:, t] + dnext_h, dnext_c, steps[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    dh0 = dnext_h

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
