"""Layers for recurrent networks, in numpy: the vanilla RNN, the LSTM, word
embeddings and the time-distributed affine and softmax layers.

Sequences are stored batch first: a minibatch of N sequences of length T with
D features per step has shape (N, T, D). Every ``*_forward`` returns
``(out, cache)`` and the matching ``*_backward`` takes the upstream gradient and
that cache.
"""

import numpy as np


def affine_forward(x, w, b):
    """Fully connected (affine) layer, forward pass.

    Inputs:
    - x: shape (N, d_1, ..., d_k); each example is flattened to D = d_1 * ... * d_k
    - w: weights, shape (D, M)
    - b: biases, shape (M,)

    Returns a tuple of:
    - out: shape (N, M)
    - cache: (x, w, b)
    """
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """Fully connected (affine) layer, backward pass.

    Inputs:
    - dout: upstream gradient, shape (N, M)
    - cache: (x, w, b) from affine_forward

    Returns a tuple of:
    - dx: shape of x, (N, d_1, ..., d_k)
    - dw: shape (D, M)
    - db: shape (M,)
    """
    x, w, b = cache
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T.dot(dout)
    db = dout.sum(axis=0)
    return dx, dw, db


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """One time step of a vanilla RNN with a tanh nonlinearity.

    next_h = tanh(x Wx + prev_h Wh + b)

    Inputs:
    - x: inputs of this step, shape (N, D)
    - prev_h: hidden state of the previous step, shape (N, H)
    - Wx: input-to-hidden weights, shape (D, H)
    - Wh: hidden-to-hidden weights, shape (H, H)
    - b: biases, shape (H,)

    Returns a tuple of:
    - next_h: the new hidden state, shape (N, H)
    - cache: what rnn_step_backward needs
    """
    next_h, cache = None, None
    ###########################################################################
    # TODO: Compute the next hidden state and keep in `cache` whatever the    #
    # backward pass will need.                                                #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                            END OF YOUR CODE                             #
    ###########################################################################
    return next_h, cache


def rnn_step_backward(dnext_h, cache):
    """Backward pass of one vanilla RNN step.

    Inputs:
    - dnext_h: gradient of the loss w.r.t. next_h, shape (N, H)
    - cache: the cache of rnn_step_forward

    Returns a tuple of:
    - dx: shape (N, D)
    - dprev_h: shape (N, H)
    - dWx: shape (D, H)
    - dWh: shape (H, H)
    - db: shape (H,)
    """
    dx, dprev_h, dWx, dWh, db = None, None, None, None, None
    ###########################################################################
    # TODO: Back-propagate through the tanh and the affine maps. The          #
    # derivative of tanh(a) is 1 - tanh(a)**2, and tanh(a) is next_h.         #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                            END OF YOUR CODE                             #
    ###########################################################################
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    """A vanilla RNN run over a whole sequence.

    The state h[:, t] is the one reached after reading x[:, t]; the initial state
    h0 is not part of the output.

    Inputs:
    - x: input sequence, shape (N, T, D)
    - h0: initial hidden state, shape (N, H)
    - Wx: input-to-hidden weights, shape (D, H)
    - Wh: hidden-to-hidden weights, shape (H, H)
    - b: biases, shape (H,)

    Returns a tuple of:
    - h: hidden states of every step, shape (N, T, H)
    - cache: what rnn_backward needs
    """
    h, cache = None, None
    ###########################################################################
    # TODO: Run rnn_step_forward once per time step, feeding each step the    #
    # state of the step before (h0 for the first one).                        #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                            END OF YOUR CODE                             #
    ###########################################################################
    return h, cache


def rnn_backward(dh, cache):
    """Backward pass of a vanilla RNN over a whole sequence.

    Inputs:
    - dh: upstream gradients of the hidden states, shape (N, T, H). These are
      only the gradients arriving from above (e.g. from the scores) at each
      step, not those flowing back from later steps.
    - cache: the cache of rnn_forward

    Returns a tuple of:
    - dx: shape (N, T, D)
    - dh0: gradient w.r.t. the initial state, shape (N, H)
    - dWx: shape (D, H)
    - dWh: shape (H, H)
    - db: shape (H,)
    """
    dx, dh0, dWx, dWh, db = None, None, None, None, None
    ###########################################################################
    # TODO: Walk backwards in time. At each step add the gradient carried     #
    # back from the following step to dh[:, t], and sum the parameter         #
    # gradients over all steps.                                               #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                            END OF YOUR CODE                             #
    ###########################################################################
    return dx, dh0, dWx, dWh, db


def word_embedding_forward(x, W):
    """Word embeddings: look up the vector of every word index.

    Inputs:
    - x: integer word indices, shape (N, T), each in [0, V)
    - W: word vectors, shape (V, D), one row per word

    Returns a tuple of:
    - out: shape (N, T, D), out[n, t] = W[x[n, t]]
    - cache: what word_embedding_backward needs
    """
    out, cache = None, None
    ###########################################################################
    # TODO: Look the rows up with integer array indexing (no loop needed).    #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                            END OF YOUR CODE                             #
    ###########################################################################
    return out, cache


def word_embedding_backward(dout, cache):
    """Backward pass of the word embeddings.

    Only the word vectors get a gradient: word indices are not differentiable.

    Inputs:
    - dout: upstream gradient, shape (N, T, D)
    - cache: the cache of word_embedding_forward

    Returns:
    - dW: gradient w.r.t. the word vectors, shape (V, D); a word used several
      times receives the sum of all its gradients
    """
    dW = None
    ###########################################################################
    # TODO: Start from zeros and add each dout[n, t] into the row of its      #
    # word. Words repeat: `dW[x] += dout` keeps only one of the updates to a  #
    # row, while np.add.at adds them all.                                     #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                            END OF YOUR CODE                             #
    ###########################################################################
    return dW


def sigmoid(x):
    """The logistic function 1 / (1 + exp(-x)), elementwise, without overflow.

    Inputs:
    - x: array of any shape

    Returns:
    - an array of x's shape with values in [0, 1]
    """
    # exp is only ever taken of -|x|, which cannot overflow.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """One time step of an LSTM.

    The activations a = x Wx + prev_h Wh + b, of shape (N, 4H), are split into
    four blocks of H columns, in this order: input gate i, forget gate f,
    output gate o and candidate g. Then i, f, o = sigmoid(...), g = tanh(...),
    next_c = f * prev_c + i * g and next_h = o * tanh(next_c).

    Inputs:
    - x: inputs of this step, shape (N, D)
    - prev_h: previous hidden state, shape (N, H)
    - prev_c: previous cell state, shape (N, H)
    - Wx: input-to-hidden weights, shape (D, 4H)
    - Wh: hidden-to-hidden weights, shape (H, 4H)
    - b: biases, shape (4H,)

    Returns a tuple of:
    - next_h: shape (N, H)
    - next_c: shape (N, H)
    - cache: what lstm_step_backward needs
    """
    next_h, next_c, cache = None, None, None
    ###########################################################################
    # TODO: Compute the gates in the order i, f, o, g, then the new cell and  #
    # hidden states. Use the sigmoid function above.                          #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                            END OF YOUR CODE                             #
    ###########################################################################
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    """Backward pass of one LSTM step.

    Inputs:
    - dnext_h: gradient w.r.t. next_h, shape (N, H)
    - dnext_c: gradient w.r.t. next_c, shape (N, H)
    - cache: the cache of lstm_step_forward

    Returns a tuple of:
    - dx: shape (N, D)
    - dprev_h: shape (N, H)
    - dprev_c: shape (N, H)
    - dWx: shape (D, 4H)
    - dWh: shape (H, 4H)
    - db: shape (4H,)
    """
    dx, dprev_h, dprev_c, dWx, dWh, db = None, None, None, None, None, None
    ###########################################################################
    # TODO: The cell state receives gradient both directly (dnext_c) and      #
    # through next_h. Back-propagate through the four gates and stack their   #
    # gradients in the order i, f, o, g.                                      #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                            END OF YOUR CODE                             #
    ###########################################################################
    return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b):
    """An LSTM run over a whole sequence, starting from a zero cell state.

    Inputs:
    - x: input sequence, shape (N, T, D)
    - h0: initial hidden state, shape (N, H)
    - Wx: input-to-hidden weights, shape (D, 4H)
    - Wh: hidden-to-hidden weights, shape (H, 4H)
    - b: biases, shape (4H,)

    Returns a tuple of:
    - h: hidden states of every step, shape (N, T, H) (the cell states are
      not returned)
    - cache: what lstm_backward needs
    """
    h, cache = None, None
    ###########################################################################
    # TODO: Run lstm_step_forward once per time step; the cell state starts   #
    # at zero.                                                                #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                            END OF YOUR CODE                             #
    ###########################################################################
    return h, cache


def lstm_backward(dh, cache):
    """Backward pass of an LSTM over a whole sequence.

    Inputs:
    - dh: upstream gradients of the hidden states, shape (N, T, H)
    - cache: the cache of lstm_forward

    Returns a tuple of:
    - dx: shape (N, T, D)
    - dh0: shape (N, H)
    - dWx: shape (D, 4H)
    - dWh: shape (H, 4H)
    - db: shape (4H,)
    """
    dx, dh0, dWx, dWh, db = None, None, None, None, None
    ###########################################################################
    # TODO: Walk backwards in time carrying both the hidden-state and the     #
    # cell-state gradients (the cell gradient starts at zero after the last   #
    # step).                                                                  #
    ###########################################################################
    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    pass
    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****
    ###########################################################################
    #                            END OF YOUR CODE                             #
    ###########################################################################
    return dx, dh0, dWx, dWh, db


def temporal_affine_forward(x, w, b):
    """One affine map applied at every time step.

    Inputs:
    - x: shape (N, T, D)
    - w: weights, shape (D, M)
    - b: biases, shape (M,)

    Returns a tuple of:
    - out: shape (N, T, M), out[:, t] = x[:, t] w + b
    - cache: (x, w, b, out)
    """
    N, T, D = x.shape
    M = b.shape[0]
    out = x.reshape(N * T, D).dot(w).reshape(N, T, M) + b
    cache = (x, w, b, out)
    return out, cache


def temporal_affine_backward(dout, cache):
    """Backward pass of the temporal affine layer.

    Inputs:
    - dout: upstream gradient, shape (N, T, M)
    - cache: (x, w, b, out) from temporal_affine_forward

    Returns a tuple of:
    - dx: shape (N, T, D)
    - dw: shape (D, M), summed over examples and time steps
    - db: shape (M,)
    """
    x, w, b, out = cache
    N, T, D = x.shape
    M = b.shape[0]
    dout_rows = dout.reshape(N * T, M)
    dx = dout_rows.dot(w.T).reshape(N, T, D)
    dw = x.reshape(N * T, D).T.dot(dout_rows)
    db = dout_rows.sum(axis=0)
    return dx, dw, db


def temporal_softmax_loss(x, y, mask, verbose=False):
    """Softmax loss at every time step, for a vocabulary of V words.

    The cross-entropies of the positions where mask is True are summed over
    time and averaged over the minibatch: the loss is divided by N, not by the
    number of unmasked positions. Masked positions (usually <NULL> padding)
    contribute neither loss nor gradient.

    Inputs:
    - x: scores, shape (N, T, V)
    - y: correct word indices, shape (N, T), each in [0, V)
    - mask: booleans, shape (N, T); True where the loss counts
    - verbose: print the shape of the flattened gradient

    Returns a tuple of:
    - loss: a scalar
    - dx: gradient of the loss w.r.t. x, shape (N, T, V)
    """
    N, T, V = x.shape
    scores = x.reshape(N * T, V)
    targets = y.reshape(N * T)
    weights = mask.reshape(N * T).astype(scores.dtype)

    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(N * T)
    loss = -np.sum(weights * log_probs[rows, targets]) / N

    dx_flat = np.exp(log_probs)
    dx_flat[rows, targets] -= 1
    dx_flat *= weights[:, None] / N
    if verbose:
        print("dx_flat: ", dx_flat.shape)
    dx = dx_flat.reshape(N, T, V)
    return loss, dx
