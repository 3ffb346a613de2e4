"""Reference numpy layers of assignment 3 (cs231n/rnn_layers.py) against COURSE_SPEC A3.2:
the vanilla RNN, word embeddings, the LSTM and the given temporal layers. Gradients are
checked numerically over whole sequences, with the notebooks' seeds and sizes."""

import warnings

import numpy as np
import pytest

from .reference_helpers import numeric_grad, ref, rel_error

L = ref("rnn_layers")


def _sig(x):
    return 1.0 / (1.0 + np.exp(-x))


# --- vanilla RNN -------------------------------------------------------------------------


def test_rnn_step_forward_is_tanh_of_the_affine_maps():
    N, D, H = 3, 10, 4
    x = np.linspace(-0.3, 0.8, num=N * D).reshape(N, D)
    prev_h = np.linspace(-0.1, 0.4, num=N * H).reshape(N, H)
    Wx = np.linspace(-0.2, 0.6, num=D * H).reshape(D, H)
    Wh = np.linspace(-0.5, 0.3, num=H * H).reshape(H, H)
    b = np.linspace(-0.1, 0.2, num=H)
    next_h, _ = L.rnn_step_forward(x, prev_h, Wx, Wh, b)
    expected = np.tanh(x @ Wx + prev_h @ Wh + b)
    assert next_h.shape == (N, H)
    assert rel_error(next_h, expected) < 1e-12


def test_rnn_step_backward_matches_numeric_gradients():
    # the notebook's sizes and seed: N, D, H = 4, 5, 6
    np.random.seed(231)
    N, D, H = 4, 5, 6
    x, h = np.random.randn(N, D), np.random.randn(N, H)
    Wx, Wh, b = np.random.randn(D, H), np.random.randn(H, H), np.random.randn(H)
    dnext_h = np.random.randn(N, H)
    _, cache = L.rnn_step_forward(x, h, Wx, Wh, b)
    grads = L.rnn_step_backward(dnext_h, cache)
    inputs = [x, h, Wx, Wh, b]
    for i, (name, grad) in enumerate(zip(["x", "prev_h", "Wx", "Wh", "b"], grads)):
        def f(v, i=i):
            args = list(inputs)
            args[i] = v
            return L.rnn_step_forward(*args)[0]
        num = numeric_grad(f, inputs[i].copy(), dnext_h)
        assert grad.shape == inputs[i].shape
        assert rel_error(num, grad) < 1e-8, name


def test_rnn_forward_states_exclude_h0_and_follow_the_steps():
    N, T, D, H = 2, 3, 4, 5
    rng = np.random.default_rng(0)
    x, h0 = rng.standard_normal((N, T, D)), rng.standard_normal((N, H))
    Wx, Wh, b = rng.standard_normal((D, H)), rng.standard_normal((H, H)), rng.standard_normal(H)
    h, _ = L.rnn_forward(x, h0, Wx, Wh, b)
    assert h.shape == (N, T, H)
    state = h0
    for t in range(T):
        state = np.tanh(x[:, t] @ Wx + state @ Wh + b)
        np.testing.assert_allclose(h[:, t], state, rtol=1e-12, atol=1e-14)
    assert not np.allclose(h[:, 0], h0)


@pytest.mark.parametrize("which", ["rnn", "lstm"])
def test_sequence_backward_matches_numeric_gradients(which):
    # the notebooks' sizes and seed: N, D, T, H = 2, 3, 10, 5 (RNN) or 6 (LSTM)
    forward = getattr(L, f"{which}_forward")
    backward = getattr(L, f"{which}_backward")
    np.random.seed(231)
    N, D, T, H = 2, 3, 10, 5 if which == "rnn" else 6
    width = H if which == "rnn" else 4 * H
    x, h0 = np.random.randn(N, T, D), np.random.randn(N, H)
    Wx, Wh, b = np.random.randn(D, width), np.random.randn(H, width), np.random.randn(width)
    out, cache = forward(x, h0, Wx, Wh, b)
    dout = np.random.randn(*out.shape)
    grads = backward(dout, cache)
    assert len(grads) == 5
    inputs = [x, h0, Wx, Wh, b]
    for i, (name, grad) in enumerate(zip(["x", "h0", "Wx", "Wh", "b"], grads)):
        def f(v, i=i):
            args = list(inputs)
            args[i] = v
            return forward(*args)[0]
        num = numeric_grad(f, inputs[i].copy(), dout)
        assert grad.shape == inputs[i].shape, name
        tol = 1e-6 if which == "rnn" else 5e-6  # the notebook: LSTM dWh up to ~1e-6
        assert rel_error(num, grad) < tol, (name, rel_error(num, grad))


def test_rnn_backward_carries_the_gradient_back_in_time():
    # An upstream gradient on the last state only must still reach x[:, 0] and h0.
    rng = np.random.default_rng(1)
    N, T, D, H = 2, 4, 3, 5
    x, h0 = rng.standard_normal((N, T, D)), rng.standard_normal((N, H))
    Wx, Wh, b = rng.standard_normal((D, H)), rng.standard_normal((H, H)), rng.standard_normal(H)
    _, cache = L.rnn_forward(x, h0, Wx, Wh, b)
    dh = np.zeros((N, T, H))
    dh[:, -1] = rng.standard_normal((N, H))
    dx, dh0, *_ = L.rnn_backward(dh, cache)
    assert np.abs(dx[:, 0]).max() > 0 and np.abs(dh0).max() > 0
    num = numeric_grad(lambda v: L.rnn_forward(x, v, Wx, Wh, b)[0], h0.copy(), dh)
    assert rel_error(num, dh0) < 1e-7


# --- word embeddings ---------------------------------------------------------------------


def test_word_embedding_forward_looks_rows_up():
    # the notebook's inputs
    x = np.asarray([[0, 3, 1, 2], [2, 1, 0, 3]])
    W = np.linspace(0, 1, num=5 * 3).reshape(5, 3)
    out, _ = L.word_embedding_forward(x, W)
    assert out.shape == (2, 4, 3)
    np.testing.assert_array_equal(out[1, 0], W[2])
    np.testing.assert_array_equal(out, W[x])


def test_word_embedding_backward_accumulates_repeated_words():
    # the notebook's sizes and seed: N, T, V, D = 50, 3, 5, 6 (so words repeat)
    np.random.seed(231)
    N, T, V, D = 50, 3, 5, 6
    x = np.random.randint(V, size=(N, T))
    W = np.random.randn(V, D)
    out, cache = L.word_embedding_forward(x, W)
    dout = np.random.randn(*out.shape)
    dW = L.word_embedding_backward(dout, cache)
    num = numeric_grad(lambda v: L.word_embedding_forward(x, v)[0], W.copy(), dout)
    assert dW.shape == (V, D)
    assert rel_error(num, dW) < 1e-10
    by_hand = np.zeros((V, D))
    for n, t in np.ndindex(N, T):
        by_hand[x[n, t]] += dout[n, t]
    np.testing.assert_allclose(dW, by_hand, rtol=1e-12, atol=1e-12)


def test_word_embedding_backward_starts_from_zeros_in_full_precision():
    x = np.array([[1, 1]])
    W = np.full((3, 2), 7.0, dtype=np.float32)
    _, cache = L.word_embedding_forward(x, W)
    dout = np.array([[[0.1, 0.2], [0.3, 0.4]]])
    dW = L.word_embedding_backward(dout, cache)
    assert dW.dtype == np.float64
    np.testing.assert_allclose(dW, [[0, 0], [0.4, 0.6], [0, 0]], atol=1e-15)


# --- LSTM --------------------------------------------------------------------------------


def test_lstm_gates_are_in_the_order_i_f_o_g():
    N, D, H = 2, 3, 4
    x, prev_h = np.ones((N, D)), np.ones((N, H))
    prev_c = np.linspace(-1, 1, N * H).reshape(N, H)
    Wx, Wh = np.zeros((D, 4 * H)), np.zeros((H, 4 * H))
    bi, bf, bo, bg = 0.3, -1.2, 2.0, 0.7
    b = np.repeat([bi, bf, bo, bg], H).astype(float)
    next_h, next_c, _ = L.lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)
    c = _sig(bf) * prev_c + _sig(bi) * np.tanh(bg)
    np.testing.assert_allclose(next_c, c, rtol=1e-12)
    np.testing.assert_allclose(next_h, _sig(bo) * np.tanh(c), rtol=1e-12)


def test_lstm_step_forward_matches_the_update_rule():
    rng = np.random.default_rng(2)
    N, D, H = 3, 4, 5
    x, h, c = rng.standard_normal((N, D)), rng.standard_normal((N, H)), rng.standard_normal((N, H))
    Wx, Wh, b = rng.standard_normal((D, 4 * H)), rng.standard_normal((H, 4 * H)), rng.standard_normal(4 * H)
    next_h, next_c, _ = L.lstm_step_forward(x, h, c, Wx, Wh, b)
    a = x @ Wx + h @ Wh + b
    i, f, o, g = _sig(a[:, :H]), _sig(a[:, H:2 * H]), _sig(a[:, 2 * H:3 * H]), np.tanh(a[:, 3 * H:])
    exp_c = f * c + i * g
    assert rel_error(next_c, exp_c) < 1e-12
    assert rel_error(next_h, o * np.tanh(exp_c)) < 1e-12


def test_lstm_step_backward_matches_numeric_gradients_through_both_outputs():
    # the notebook's sizes and seed: N, D, H = 4, 5, 6
    np.random.seed(231)
    N, D, H = 4, 5, 6
    x, h, c = np.random.randn(N, D), np.random.randn(N, H), np.random.randn(N, H)
    Wx, Wh, b = np.random.randn(D, 4 * H), np.random.randn(H, 4 * H), np.random.randn(4 * H)
    next_h, next_c, cache = L.lstm_step_forward(x, h, c, Wx, Wh, b)
    dnext_h, dnext_c = np.random.randn(*next_h.shape), np.random.randn(*next_c.shape)
    grads = L.lstm_step_backward(dnext_h, dnext_c, cache)
    inputs = [x, h, c, Wx, Wh, b]
    for i, (name, grad) in enumerate(zip(["x", "prev_h", "prev_c", "Wx", "Wh", "b"], grads)):
        def f_h(v, i=i):
            args = list(inputs)
            args[i] = v
            return L.lstm_step_forward(*args)[0]

        def f_c(v, i=i):
            args = list(inputs)
            args[i] = v
            return L.lstm_step_forward(*args)[1]
        num = (numeric_grad(f_h, inputs[i].copy(), dnext_h)
               + numeric_grad(f_c, inputs[i].copy(), dnext_c))
        assert grad.shape == inputs[i].shape, name
        assert rel_error(num, grad) < 1e-7, (name, rel_error(num, grad))


def test_lstm_forward_starts_from_a_zero_cell_and_returns_only_h():
    rng = np.random.default_rng(3)
    N, T, D, H = 2, 3, 5, 4
    x, h0 = rng.standard_normal((N, T, D)), rng.standard_normal((N, H))
    Wx, Wh, b = rng.standard_normal((D, 4 * H)), rng.standard_normal((H, 4 * H)), rng.standard_normal(4 * H)
    h, _ = L.lstm_forward(x, h0, Wx, Wh, b)
    assert h.shape == (N, T, H)
    state, cell = h0, np.zeros((N, H))
    for t in range(T):
        state, cell, _ = L.lstm_step_forward(x[:, t], state, cell, Wx, Wh, b)
        np.testing.assert_allclose(h[:, t], state, rtol=1e-12, atol=1e-14)


def test_sigmoid_is_stable_and_exact():
    x = np.array([-1000.0, -30.0, -1.0, 0.0, 2.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = L.sigmoid(x)
    np.testing.assert_allclose(s[1:5], _sig(x[1:5]), rtol=1e-14)
    assert s[0] == 0.0 and s[-1] == 1.0


# --- given temporal layers ---------------------------------------------------------------


def test_temporal_affine_matches_numeric_gradients():
    np.random.seed(231)
    N, T, D, M = 2, 3, 4, 5
    x, w, b = np.random.randn(N, T, D), np.random.randn(D, M), np.random.randn(M)
    out, cache = L.temporal_affine_forward(x, w, b)
    assert out.shape == (N, T, M)
    np.testing.assert_allclose(out[1, 2], x[1, 2] @ w + b, rtol=1e-12)
    dout = np.random.randn(*out.shape)
    grads = L.temporal_affine_backward(dout, cache)
    for i, (name, grad) in enumerate(zip("xwb", grads)):
        inputs = [x, w, b]

        def f(v, i=i):
            args = list(inputs)
            args[i] = v
            return L.temporal_affine_forward(*args)[0]
        assert rel_error(numeric_grad(f, inputs[i].copy(), dout), grad) < 1e-9, name


def _check_loss(N, T, V, p):
    x = 0.001 * np.random.randn(N, T, V)
    y = np.random.randint(V, size=(N, T))
    mask = np.random.rand(N, T) <= p
    return L.temporal_softmax_loss(x, y, mask)[0]


def test_temporal_softmax_loss_sanity_values():
    np.random.seed(231)
    assert abs(_check_loss(100, 1, 10, 1.0) - np.log(10)) < 0.01       # about 2.3
    assert abs(_check_loss(100, 10, 10, 1.0) - 10 * np.log(10)) < 0.05  # about 23
    assert 2.2 <= _check_loss(5000, 10, 10, 0.1) <= 2.4


def test_temporal_softmax_loss_sums_over_time_divides_by_n_and_masks():
    N, T, V = 2, 3, 4
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((N, T, V)), rng.integers(V, size=(N, T))
    mask = np.array([[True, True, False], [True, False, False]])
    loss, dx = L.temporal_softmax_loss(x, y, mask)
    logp = x - np.log(np.exp(x).sum(axis=2, keepdims=True))
    expected = -sum(logp[n, t, y[n, t]] for n, t in np.ndindex(N, T) if mask[n, t]) / N
    assert abs(loss - expected) < 1e-12
    assert np.all(dx[~mask] == 0)
    num = numeric_grad(lambda v: L.temporal_softmax_loss(v, y, mask)[0], x.copy())
    assert rel_error(num, dx) < 1e-7
