"""Reference CaptioningRNN (cs231n/classifiers/rnn.py) against COURSE_SPEC A3.2 and A3.3:
the notebooks' expected losses, gradient checks, the mask, the initialisation and
sample()'s conventions (column 0 is the first generated word)."""

import numpy as np
import pytest

from .reference_helpers import ref, rel_error

CaptioningRNN = ref("classifiers.rnn").CaptioningRNN
gradient_check = ref("gradient_check")

TOY_VOCAB = {"<NULL>": 0, "cat": 2, "dog": 3}
PARAM_NAMES = {"W_embed", "W_proj", "b_proj", "Wx", "Wh", "b", "W_vocab", "b_vocab"}


def _linspace_model(cell_type):
    N, D, W, H = 10, 20, 30, 40
    model = CaptioningRNN(TOY_VOCAB, input_dim=D, wordvec_dim=W, hidden_dim=H,
                          cell_type=cell_type, dtype=np.float64)
    for k, v in model.params.items():
        model.params[k] = np.linspace(-1.4, 1.3, num=v.size).reshape(*v.shape)
    return model


@pytest.mark.parametrize("cell_type, low, high, expected", [
    ("rnn", -1.5, 0.3, 9.83235591003),
    ("lstm", -0.5, 1.7, 9.82445935443),
])
def test_notebook_expected_loss(cell_type, low, high, expected):
    N, D, T = 10, 20, 13
    model = _linspace_model(cell_type)
    features = np.linspace(low, high, num=N * D).reshape(N, D)
    captions = (np.arange(N * T) % len(TOY_VOCAB)).reshape(N, T)
    loss, grads = model.loss(features, captions)
    assert abs(loss - expected) < 1e-10
    assert set(grads) == PARAM_NAMES


def _independent_loss(params, features, captions, null, cell_type):
    """The model's loss written out directly, step by step."""
    H = params["W_proj"].shape[1]
    x_in, y = captions[:, :-1], captions[:, 1:]
    h = features @ params["W_proj"] + params["b_proj"]
    c = np.zeros_like(h)
    total = 0.0
    for t in range(x_in.shape[1]):
        a = params["W_embed"][x_in[:, t]] @ params["Wx"] + h @ params["Wh"] + params["b"]
        if cell_type == "rnn":
            h = np.tanh(a)
        else:
            s = 1 / (1 + np.exp(-a[:, :3 * H]))
            c = s[:, H:2 * H] * c + s[:, :H] * np.tanh(a[:, 3 * H:])
            h = s[:, 2 * H:3 * H] * np.tanh(c)
        scores = h @ params["W_vocab"] + params["b_vocab"]
        logp = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
        picked = logp[np.arange(len(y)), y[:, t]]
        total -= np.sum(picked * (y[:, t] != null))
    return total / len(captions)


@pytest.mark.parametrize("cell_type", ["rnn", "lstm"])
def test_loss_matches_an_independent_computation(cell_type):
    np.random.seed(0)
    vocab = {"<NULL>": 0, "<START>": 1, "<END>": 2, "a": 3, "b": 4}
    model = CaptioningRNN(vocab, input_dim=6, wordvec_dim=4, hidden_dim=5,
                          cell_type=cell_type, dtype=np.float64)
    for k in model.params:
        model.params[k] = model.params[k] + 0.3 * np.random.randn(*model.params[k].shape)
    features = np.random.randn(3, 6)
    captions = np.array([[1, 3, 4, 2, 0, 0], [1, 4, 2, 0, 0, 0], [0, 3, 3, 4, 4, 2]])
    loss, _ = model.loss(features, captions)
    assert abs(loss - _independent_loss(model.params, features, captions, 0, cell_type)) < 1e-12


@pytest.mark.parametrize("cell_type", ["rnn", "lstm"])
def test_gradient_check(cell_type):
    # the notebook's check: seed 231, batch 2, 3 steps, input 4, word vectors 5, hidden 6,
    # h = 1e-6. The LSTM's gradients w.r.t. Wx and Wh have entries of ~1e-5 (the word
    # vectors start at randn / 100), where the relative error only measures the noise of
    # the differences; they are compared with an absolute floor as well.
    h = 1e-6
    np.random.seed(231)
    batch_size, timesteps, input_dim, wordvec_dim, hidden_dim = 2, 3, 4, 5, 6
    captions = np.random.randint(len(TOY_VOCAB), size=(batch_size, timesteps))
    features = np.random.randn(batch_size, input_dim)
    model = CaptioningRNN(TOY_VOCAB, input_dim=input_dim, wordvec_dim=wordvec_dim,
                          hidden_dim=hidden_dim, cell_type=cell_type, dtype=np.float64)
    loss, grads = model.loss(features, captions)
    assert set(grads) == PARAM_NAMES
    for name in sorted(grads):
        assert grads[name].shape == model.params[name].shape

        def f(_):
            return model.loss(features, captions)[0]
        num = gradient_check.eval_numerical_gradient(f, model.params[name], verbose=False, h=h)
        if cell_type == "rnn":
            assert rel_error(num, grads[name]) < 1e-5, (name, rel_error(num, grads[name]))
        else:
            np.testing.assert_allclose(grads[name], num, rtol=1e-5, atol=1e-9, err_msg=name)


def test_mask_comes_from_the_targets():
    model = _linspace_model("rnn")
    model.params = {k: v * 0.1 for k, v in model.params.items()}
    features = np.linspace(-1, 1, 2 * 20).reshape(2, 20)
    captions = np.array([[2, 1, 2, 1], [1, 2, 1, 2]])  # V = 3: indices 0..2
    full, grads = model.loss(features, captions)
    # A <NULL> as the last target drops exactly that position from the loss ...
    nulled = captions.copy()
    nulled[:, -1] = 0
    short, _ = model.loss(features, captions[:, :-1])
    assert abs(model.loss(features, nulled)[0] - short) < 1e-12
    assert abs(full - short) > 1e-3
    # ... while a <NULL> among the inputs only (first column) still leaves its target counted.
    first_null = captions.copy()
    first_null[:, 0] = 0
    assert model.loss(features, first_null)[0] > 0.5


def test_initialisation_shapes_dtypes_and_cell_type():
    vocab = {"<NULL>": 0, "<START>": 1, "<END>": 2, "x": 3, "y": 4, "z": 5}
    np.random.seed(1)
    rnn = CaptioningRNN(vocab, input_dim=7, wordvec_dim=3, hidden_dim=4)
    lstm = CaptioningRNN(vocab, input_dim=7, wordvec_dim=3, hidden_dim=4, cell_type="lstm")
    shapes = {"W_embed": (6, 3), "W_proj": (7, 4), "b_proj": (4,), "Wx": (3, 4), "Wh": (4, 4),
              "b": (4,), "W_vocab": (4, 6), "b_vocab": (6,)}
    assert {k: v.shape for k, v in rnn.params.items()} == shapes
    assert lstm.params["Wx"].shape == (3, 16) and lstm.params["Wh"].shape == (4, 16)
    assert lstm.params["b"].shape == (16,)
    assert all(v.dtype == np.float32 for v in rnn.params.values())
    assert (rnn._null, rnn._start, rnn._end) == (0, 1, 2)
    toy = CaptioningRNN(TOY_VOCAB, input_dim=2, wordvec_dim=2, hidden_dim=2)
    assert toy._start is None and toy._end is None
    with pytest.raises(ValueError):
        CaptioningRNN(vocab, cell_type="gru")


def _chain_model(cell_type, chain):
    """A model whose greedy prediction is a fixed function of the previous word.

    One-hot word vectors, no recurrence and no image input: the state after
    reading word w is tanh(5 e_w) (for an LSTM, with open gates), and W_vocab maps
    it to a large score for chain[w].
    """
    words = ["<NULL>", "<START>", "<END>", "a", "cat", "sat"]
    vocab = {w: i for i, w in enumerate(words)}
    V = len(words)
    model = CaptioningRNN(vocab, input_dim=3, wordvec_dim=V, hidden_dim=V,
                          cell_type=cell_type, dtype=np.float64)
    p = model.params
    p["W_embed"] = np.eye(V)
    p["W_proj"] = np.zeros((3, V))
    p["b_proj"] = np.zeros(V)
    if cell_type == "rnn":
        p["Wx"], p["Wh"], p["b"] = 5 * np.eye(V), np.zeros((V, V)), np.zeros(V)
    else:
        p["Wx"] = np.hstack([np.zeros((V, V)), np.zeros((V, V)), np.zeros((V, V)), 5 * np.eye(V)])
        p["Wh"] = np.zeros((V, 4 * V))
        # input and output gates open, forget gate shut (no memory of older words)
        p["b"] = np.concatenate([np.full(V, 20.0), np.full(V, -20.0), np.full(V, 20.0), np.zeros(V)])
    W_vocab = np.zeros((V, V))
    for w, nxt in chain.items():
        W_vocab[vocab[w], vocab[nxt]] = 10.0
    p["W_vocab"], p["b_vocab"] = W_vocab, np.zeros(V)
    return model, vocab


@pytest.mark.parametrize("cell_type", ["rnn", "lstm"])
def test_sample_column_zero_is_the_first_generated_word(cell_type):
    chain = {"<START>": "a", "a": "cat", "cat": "sat", "sat": "<END>", "<END>": "<END>",
             "<NULL>": "<END>"}
    model, vocab = _chain_model(cell_type, chain)
    captions = model.sample(np.zeros((2, 3)), max_length=6)
    assert captions.shape == (2, 6)
    assert np.issubdtype(captions.dtype, np.integer)
    expected = [vocab[w] for w in ["a", "cat", "sat", "<END>", "<END>", "<END>"]]
    np.testing.assert_array_equal(captions, [expected, expected])


@pytest.mark.parametrize("cell_type", ["rnn", "lstm"])
def test_sample_matches_an_independent_greedy_loop(cell_type):
    np.random.seed(5)
    vocab = {"<NULL>": 0, "<START>": 1, "<END>": 2, **{f"w{i}": i for i in range(3, 12)}}
    model = CaptioningRNN(vocab, input_dim=8, wordvec_dim=6, hidden_dim=7,
                          cell_type=cell_type, dtype=np.float64)
    for k in model.params:
        model.params[k] = np.random.randn(*model.params[k].shape)
    features = np.random.randn(4, 8)
    captions = model.sample(features, max_length=5)
    p = model.params
    H = 7
    h = features @ p["W_proj"] + p["b_proj"]
    c = np.zeros_like(h)
    word = np.full(4, 1)
    for t in range(5):
        a = p["W_embed"][word] @ p["Wx"] + h @ p["Wh"] + p["b"]
        if cell_type == "rnn":
            h = np.tanh(a)
        else:
            s = 1 / (1 + np.exp(-a[:, :3 * H]))
            c = s[:, H:2 * H] * c + s[:, :H] * np.tanh(a[:, 3 * H:])
            h = s[:, 2 * H:3 * H] * np.tanh(c)
        word = np.argmax(h @ p["W_vocab"] + p["b_vocab"], axis=1)
        np.testing.assert_array_equal(captions[:, t], word)
