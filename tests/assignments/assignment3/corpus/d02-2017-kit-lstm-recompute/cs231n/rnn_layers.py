from __future__ import print_function, division
from builtins import range
import numpy as np


"""
Layers used by recurrent networks. Every forward function returns its output and a
cache; every backward function takes an upstream gradient and that cache.
"""


def affine_forward(x, w, b):
    """Affine layer, forward. x (N, d_1..d_k) is flattened to (N, D); w (D, M), b (M,).
    Returns out (N, M) and cache (x, w, b)."""
    flat = np.reshape(x, (x.shape[0], -1))
    return flat @ w + b, (x, w, b)


def affine_backward(dout, cache):
    """Affine layer, backward. dout (N, M). Returns dx (shape of x), dw (D, M), db (M,)."""
    x, w, b = cache
    flat = np.reshape(x, (x.shape[0], -1))
    dx = np.reshape(dout @ w.T, x.shape)
    dw = flat.T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """
    One step of a vanilla (tanh) RNN.

    Inputs:
    - x: (N, D) input of this step
    - prev_h: (N, H) previous hidden state
    - Wx: (D, H), Wh: (H, H), b: (H,)

    Returns a tuple of:
    - next_h: (N, H)
    - cache: values for rnn_step_backward
    """
    next_h, cache = None, None
    ##############################################################################
    # TODO: one step: next_h and what the backward needs in cache.
    ##############################################################################
    pass
    pre = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
    next_h = np.tanh(pre)
    cache = {'x': x, 'prev_h': prev_h, 'Wx': Wx, 'Wh': Wh, 'pre': pre}
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return next_h, cache


def rnn_step_backward(dnext_h, cache):
    """
    Backward pass of one vanilla RNN step.

    Inputs:
    - dnext_h: (N, H) gradient of the next hidden state
    - cache: from rnn_step_forward

    Returns a tuple of dx (N, D), dprev_h (N, H), dWx (D, H), dWh (H, H), db (H,).
    """
    dx, dprev_h, dWx, dWh, db = None, None, None, None, None
    ##############################################################################
    # TODO: gradients of one step.
    ##############################################################################
    pass
    t = np.tanh(cache['pre'])
    dpre = dnext_h * (1.0 - t * t)
    dx = np.dot(dpre, cache['Wx'].T)
    dprev_h = np.dot(dpre, cache['Wh'].T)
    dWx = np.dot(cache['x'].T, dpre)
    dWh = np.dot(cache['prev_h'].T, dpre)
    db = np.sum(dpre, axis=0)
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    """
    Vanilla RNN over a sequence of T inputs of size D, hidden size H, minibatch N.

    Inputs:
    - x: (N, T, D)
    - h0: (N, H) initial hidden state
    - Wx: (D, H), Wh: (H, H), b: (H,)

    Returns a tuple of:
    - h: (N, T, H) hidden state after each step
    - cache: values for rnn_backward
    """
    h, cache = None, None
    ##############################################################################
    # TODO: run rnn_step_forward once per step.
    ##############################################################################
    pass
    T = x.shape[1]
    states = []
    step_caches = []
    cur = h0
    for t in range(T):
        cur, c = rnn_step_forward(x[:, t, :], cur, Wx, Wh, b)
        states.append(cur)
        step_caches.append(c)
    h = np.stack(states, axis=1)
    cache = {'steps': step_caches, 'D': x.shape[2]}
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return h, cache


def rnn_backward(dh, cache):
    """
    Backward pass of a vanilla RNN over a whole sequence.

    Inputs:
    - dh: (N, T, H) upstream gradients of the hidden states (from the layers above only)
    - cache: from rnn_forward

    Returns a tuple of dx (N, T, D), dh0 (N, H), dWx (D, H), dWh (H, H), db (H,).
    """
    dx, dh0, dWx, dWh, db = None, None, None, None, None
    ##############################################################################
    # TODO: run rnn_step_backward once per step, last step first.
    ##############################################################################
    pass
    N, T, H = dh.shape
    D = cache['D']
    dx = np.zeros((N, T, D), dtype=dh.dtype)
    dWx = np.zeros((D, H), dtype=dh.dtype)
    dWh = np.zeros((H, H), dtype=dh.dtype)
    db = np.zeros(H, dtype=dh.dtype)
    carry = np.zeros((N, H), dtype=dh.dtype)
    for t in range(T - 1, -1, -1):
        dxt, carry, dWxt, dWht, dbt = rnn_step_backward(dh[:, t, :] + carry,
                                                         cache['steps'][t])
        dx[:, t, :] = dxt
        dWx += dWxt
        dWh += dWht
        db += dbt
    dh0 = carry
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return dx, dh0, dWx, dWh, db


def word_embedding_forward(x, W):
    """
    Word embedding lookup: minibatch N, sequence length T, vocabulary V, vectors of size D.

    Inputs:
    - x: (N, T) integer word indices in [0, V)
    - W: (V, D) word vectors

    Returns a tuple of:
    - out: (N, T, D), out[n, t] = W[x[n, t]]
    - cache: values for word_embedding_backward
    """
    out, cache = None, None
    ##############################################################################
    # TODO: the word vector lookup.
    ##############################################################################
    pass
    out = W[x, :]
    cache = {'x': x, 'V': W.shape[0]}
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return out, cache


def word_embedding_backward(dout, cache):
    """
    Backward pass of the word embeddings (the indices get no gradient).

    Inputs:
    - dout: (N, T, D) upstream gradients
    - cache: from word_embedding_forward

    Returns:
    - dW: (V, D) gradient of the word vectors
    """
    dW = None
    ##############################################################################
    # TODO: gradient of the word vectors.
    ##############################################################################
    pass
    D = dout.shape[-1]
    dW = np.zeros((cache['V'], D), dtype=dout.dtype)
    np.add.at(dW, cache['x'].ravel(), dout.reshape(-1, D))
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return dW


def sigmoid(x):
    """Numerically stable logistic function."""
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """
    One LSTM step, gates in the order i, f, o, g.

    Inputs:
    - x: (N, D) input of this step
    - prev_h: (N, H) previous hidden state
    - prev_c: (N, H) previous cell state
    - Wx: (D, 4H), Wh: (H, 4H), b: (4H,)

    Returns a tuple of:
    - next_h: (N, H)
    - next_c: (N, H)
    - cache: values for lstm_step_backward
    """
    next_h, next_c, cache = None, None, None
    #############################################################################
    # TODO: one LSTM step (use the stable sigmoid above).
    #############################################################################
    pass
    N, H = prev_h.shape
    a = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
    ai = a[:, 0:H]
    af = a[:, H:2*H]
    ao = a[:, 2*H:3*H]
    ag = a[:, 3*H:4*H]
    i = sigmoid(ai)
    f = sigmoid(af)
    o = sigmoid(ao)
    g = np.tanh(ag)
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, b, i, f, o, g, next_c)
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################

    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    """
    Backward pass of one LSTM step.

    Inputs:
    - dnext_h: (N, H) gradient of the next hidden state
    - dnext_c: (N, H) gradient of the next cell state
    - cache: from lstm_step_forward

    Returns a tuple of dx (N, D), dprev_h (N, H), dprev_c (N, H), dWx (D, 4H),
    dWh (H, 4H), db (4H,).
    """
    dx, dprev_h, dprev_c, dWx, dWh, db = None, None, None, None, None, None
    #############################################################################
    # TODO: gradients of one LSTM step.
    #############################################################################
    pass
    x, prev_h, prev_c, Wx, Wh, b, i, f, o, g, next_c = cache
    tanhc = np.tanh(next_c)
    # next_h = o * tanh(next_c)
    do = tanhc * dnext_h
    dtanhc = o * dnext_h
    dc_total = dnext_c + (1 - tanhc**2) * dtanhc
    # next_c = f * prev_c + i * g
    df = prev_c * dc_total
    dprev_c = f * dc_total
    di = g * dc_total
    dg = i * dc_total
    # back through the nonlinearities
    dai = i * (1 - i) * di
    daf = f * (1 - f) * df
    dao = o * (1 - o) * do
    dag = (1 - g**2) * dg
    da = np.hstack((dai, daf, dao, dag))
    # a = x Wx + prev_h Wh + b
    dx = np.dot(da, Wx.T)
    dWx = np.dot(x.T, da)
    dprev_h = np.dot(da, Wh.T)
    dWh = np.dot(prev_h.T, da)
    db = np.sum(da, axis=0)
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################

    return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b):
    """
    LSTM over a sequence of T inputs of size D, hidden size H, minibatch N. The cell
    state starts at zero and is never returned.

    Inputs:
    - x: (N, T, D)
    - h0: (N, H) initial hidden state
    - Wx: (D, 4H), Wh: (H, 4H), b: (4H,)

    Returns a tuple of:
    - h: (N, T, H) hidden state after each step
    - cache: values for lstm_backward
    """
    h, cache = None, None
    #############################################################################
    # TODO: run lstm_step_forward once per step.
    #############################################################################
    pass
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    c = np.zeros((N, T, H))
    prev_h = h0
    prev_c = np.zeros((N, H))
    for t in range(T):
        prev_h, prev_c, _ = lstm_step_forward(x[:, t, :], prev_h, prev_c, Wx, Wh, b)
        h[:, t, :] = prev_h
        c[:, t, :] = prev_c
    # keep only the states; the backward pass rebuilds each step's cache from them
    cache = (x, h0, Wx, Wh, b, h, c)
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################

    return h, cache


def lstm_backward(dh, cache):
    """
    Backward pass of an LSTM over a whole sequence.

    Inputs:
    - dh: (N, T, H) upstream gradients of the hidden states
    - cache: from lstm_forward

    Returns a tuple of dx (N, T, D), dh0 (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,).
    """
    dx, dh0, dWx, dWh, db = None, None, None, None, None
    #############################################################################
    # TODO: run lstm_step_backward once per step, last step first.
    #############################################################################
    pass
    x, h0, Wx, Wh, b, h, c = cache
    N, T, H = dh.shape
    D = x.shape[2]
    dx = np.zeros((N, T, D))
    dWx = np.zeros((D, 4*H))
    dWh = np.zeros((H, 4*H))
    db = np.zeros(4*H)
    dprev_h = np.zeros((N, H))
    dprev_c = np.zeros((N, H))
    for t in reversed(range(T)):
        if t == 0:
            prev_h, prev_c = h0, np.zeros((N, H))
        else:
            prev_h, prev_c = h[:, t-1, :], c[:, t-1, :]
        # same step again, only to get its cache
        _, _, step_cache = lstm_step_forward(x[:, t, :], prev_h, prev_c, Wx, Wh, b)
        dx_t, dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
            dh[:, t, :] + dprev_h, dprev_c, step_cache)
        dx[:, t, :] = dx_t
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    dh0 = dprev_h
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################

    return dx, dh0, dWx, dWh, db


def temporal_affine_forward(x, w, b):
    """
    One affine map (D -> M) applied at each of T steps.

    Inputs: x (N, T, D), w (D, M), b (M,).
    Returns out (N, T, M) and a cache.
    """
    N, T, D = x.shape
    M = b.shape[0]
    out = np.dot(x.reshape(N * T, D), w).reshape(N, T, M) + b
    return out, (x, w, b, out)


def temporal_affine_backward(dout, cache):
    """
    Backward pass of the temporal affine layer.

    Inputs: dout (N, T, M), cache from temporal_affine_forward.
    Returns dx (N, T, D), dw (D, M), db (M,).
    """
    x, w, b, out = cache
    N, T, D = x.shape
    M = b.shape[0]
    d2 = dout.reshape(N * T, M)
    dx = np.dot(d2, w.T).reshape(N, T, D)
    dw = np.dot(x.reshape(N * T, D).T, d2)
    db = d2.sum(axis=0)
    return dx, dw, db


def temporal_softmax_loss(x, y, mask, verbose=False):
    """
    Softmax loss at every step of a minibatch of sequences over a vocabulary of size V.
    The masked per-step losses are summed over time and averaged over the N sequences.

    Inputs:
    - x: (N, T, V) scores
    - y: (N, T) correct indices in [0, V)
    - mask: (N, T) booleans, True where the step counts

    Returns a tuple of:
    - loss: scalar
    - dx: (N, T, V) gradient of the loss with respect to x
    """
    N, T, V = x.shape
    xf = x.reshape(N * T, V)
    yf = y.reshape(N * T)
    mf = mask.reshape(N * T)

    shifted = xf - xf.max(axis=1, keepdims=True)
    p = np.exp(shifted)
    p /= p.sum(axis=1, keepdims=True)
    rows = np.arange(N * T)
    loss = -np.sum(mf * np.log(p[rows, yf])) / N
    dxf = p.copy()
    dxf[rows, yf] -= 1
    dxf /= N
    dxf *= mf[:, None]
    if verbose:
        print('dx_flat: ', dxf.shape)
    return loss, dxf.reshape(N, T, V)
