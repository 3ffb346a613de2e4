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
    """One tanh RNN step.

    Inputs:
    - x: (N, D) input at this step
    - prev_h: (N, H) state before this step
    - Wx: (D, H), Wh: (H, H), b: (H,)

    Returns a tuple of:
    - next_h: (N, H) state after this step
    - cache: what rnn_step_backward needs
    """
    next_h, cache = None, None
    ##############################################################################
    # TODO: one step: next state and the cache.
    ##############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    z = x @ Wx
    z += prev_h @ Wh
    z += b
    next_h = np.tanh(z)
    cache = (x, prev_h, Wx, Wh, next_h)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return next_h, cache


def rnn_step_backward(dnext_h, cache):
    """Gradients of one tanh RNN step.

    Inputs:
    - dnext_h: (N, H) gradient arriving at next_h
    - cache: what the matching forward returned

    Returns a tuple of dx (N, D), dprev_h (N, H), dWx (D, H), dWh (H, H), db (H,).
    """
    dx, dprev_h, dWx, dWh, db = None, None, None, None, None
    ##############################################################################
    # TODO: gradients of one step.
    ##############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    x, prev_h, Wx, Wh, next_h = cache
    dz = (1 - np.square(next_h)) * dnext_h
    dx, dprev_h = dz @ Wx.T, dz @ Wh.T
    dWx, dWh = x.T @ dz, prev_h.T @ dz
    db = dz.sum(0)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    """The tanh RNN over T steps.

    Inputs:
    - x: (N, T, D) inputs
    - h0: (N, H) state before step 0
    - Wx: (D, H), Wh: (H, H), b: (H,)

    Returns a tuple of:
    - h: (N, T, H) state after each step
    - cache: what rnn_backward needs
    """
    h, cache = None, None
    ##############################################################################
    # TODO: loop over time with rnn_step_forward.
    #   #
    #             #
    ##############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N, T, _ = x.shape
    h = np.empty((N, T, h0.shape[1]), dtype=np.result_type(x, h0, Wx))
    cache = []
    for t in range(T):
        prev = h0 if t == 0 else h[:, t - 1]
        h[:, t], c = rnn_step_forward(x[:, t], prev, Wx, Wh, b)
        cache.append(c)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return h, cache


def rnn_backward(dh, cache):
    """Gradients of the tanh RNN over T steps.

    Inputs:
    - dh: (N, T, H) gradients from the layers above each state
    - cache: what the matching forward returned

    The gradient passed between steps is not in dh; it is computed here.

    Returns a tuple of dx (N, T, D), dh0 (N, H), dWx (D, H), dWh (H, H), db (H,).
    """
    dx, dh0, dWx, dWh, db = None, None, None, None, None
    ##############################################################################
    # TODO: loop back over time with rnn_step_backward.
    #    #
    #    #
    ##############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    T = dh.shape[1]
    dx = [None] * T
    x0, _, Wx0, Wh0, _ = cache[0]
    dWx, dWh = np.zeros_like(Wx0), np.zeros_like(Wh0)
    db = np.zeros(Wh0.shape[0], dtype=Wh0.dtype)
    dnext = np.zeros_like(dh[:, 0])
    t = T
    while t > 0:
        t -= 1
        dx[t], dnext, gWx, gWh, gb = rnn_step_backward(dh[:, t] + dnext, cache[t])
        dWx += gWx
        dWh += gWh
        db += gb
    dx = np.stack(dx, axis=1)
    dh0 = dnext

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return dx, dh0, dWx, dWh, db


def word_embedding_forward(x, W):
    """Look up word vectors (N sequences of T words, V words of size D).

    Inputs:
    - x: (N, T) integer indices in [0, V)
    - W: (V, D) one vector per word

    Returns a tuple of:
    - out: (N, T, D) vectors of the words of x
    - cache: what the backward needs
    """
    out, cache = None, None
    ##############################################################################
    # TODO: the lookup (plain indexing will do).
    #                                                                            #
    #            #
    ##############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    # one-hot rows times W; the rows are built from x.T, i.e. time-major, but
    # reshaped back as if they were in (N, T) order
    onehot = np.eye(W.shape[0], dtype=W.dtype)[x.T.reshape(-1)]
    out = (onehot @ W).reshape(x.shape[0], x.shape[1], W.shape[1])
    cache = (x, W.shape)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return out, cache


def word_embedding_backward(dout, cache):
    """Gradient of the lookup with respect to W only.

    Inputs:
    - dout: (N, T, D) gradients of out
    - cache: from word_embedding_forward

    Returns:
    - dW: (V, D)
    """
    dW = None
    ##############################################################################
    # TODO: dW; a word may occur several times.
    #                                                                            #
    #                    #
    #                                        #
    ##############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    x, (V, D) = cache
    words = x.reshape(-1)
    grads = dout.reshape(-1, D)
    # np.bincount sums the weights of repeated indices, one column at a time
    dW = np.stack([np.bincount(words, weights=grads[:, j], minlength=V)
                   for j in range(D)], axis=1).astype(dout.dtype)

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
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
    """One LSTM step (extra credit, not attempted). Returns next_h, next_c, cache."""
    next_h, next_c, cache = None, None, None
    #############################################################################
    # TODO: one LSTM step.
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    pass

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    """Backward pass of one LSTM step (extra credit, not attempted)."""
    dx, dprev_h, dprev_c, dWx, dWh, db = None, None, None, None, None, None
    #############################################################################
    # TODO: gradients of one LSTM step.
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    pass

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b):
    """LSTM over a sequence (extra credit, not attempted). Returns h, cache."""
    h, cache = None, None
    #############################################################################
    # TODO: LSTM over the sequence.
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    pass

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ##############################################################################
    #                               END OF YOUR CODE                             #
    ##############################################################################
    return h, cache


def lstm_backward(dh, cache):
    """Backward pass of an LSTM over a sequence (extra credit, not attempted)."""
    dx, dh0, dWx, dWh, db = None, None, None, None, None
    #############################################################################
    # TODO: gradients of the LSTM over the sequence.
    #############################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    pass

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
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
