"""Hidden checks: the vanilla RNN layers, the word embedding and CaptioningRNN, against
the reference on random inputs (spec A3.2), with the bug patterns of spec A3.6 named.

A bug is charged in the checks of the function it lives in: rnn_backward is not charged
for a wrong rnn_step_backward it calls, CaptioningRNN not for wrong layers.
"""

import numpy as np
import pytest

import bug_models as bm
from a3lib import RNN_FILES, RNN_PY, call, judged, layer
from captioning_setup import (VOCAB, model_params, padded_captions, separating_draw,
                              student_model, top_gap)
from gradekit.checklib import Elsewhere, Parts, Shapes, array, compare, fail, outputs, scalar

N, T, D, H = 3, 4, 5, 6


def _inputs(rng, square=False):
    d = H if square else D
    return (rng.standard_normal((N, d)), rng.standard_normal((N, H)),
            rng.standard_normal((d, H)) * 0.5, rng.standard_normal((H, H)) * 0.5,
            rng.standard_normal(H) * 0.5)


@pytest.mark.grade(number="1.2", points=5, notebook="RNN_Captioning", files=[RNN_PY])
def test_rnn_step_forward(student, rng):
    """rnn_step_forward: tanh(x Wx + prev_h Wh + b) on random inputs"""
    x, prev_h, Wx, Wh, b = _inputs(rng)
    next_h, _ = layer(student, "rnn_step_forward", x, prev_h, Wx, Wh, b)
    pre = x @ Wx + prev_h @ Wh + b
    compare("next_h", array(next_h, "next_h", (N, H)), np.tanh(pre), 1e-8, hypotheses=[
        ("no tanh (the affine pre-activation returned)", pre),
        ("ReLU instead of tanh", np.maximum(pre, 0)),
        ("sigmoid instead of tanh", 1 / (1 + np.exp(-pre))),
        ("bias left out", np.tanh(pre - b))])


@pytest.mark.grade(number="1.4", points=11, notebook="RNN_Captioning", files=[RNN_PY])
def test_rnn_step_backward(student, rng, credit):
    """rnn_step_backward: dx, dprev_h, dWx, dWh, db for the cache of your own forward

    Square Wx (D = H) so that swapped or untransposed weights still have the right shapes.
    """
    x, prev_h, Wx, Wh, b = _inputs(rng, square=True)
    dnext = rng.standard_normal((N, H))
    next_h, cache = layer(student, "rnn_step_forward", x, prev_h, Wx, Wh, b)
    own = np.asarray(next_h, dtype=float)
    want = bm.step_backward(dnext, x, prev_h, Wx, Wh, np.tanh(x @ Wx + prev_h @ Wh + b))
    got = outputs(call(student, "rnn_step_backward", dnext, cache).value, "rnn_step_backward",
                  ("dx", "dprev_h", "dWx", "dWh", "db"))
    models = {
        "tanh derivative written as 1 - next_h": bm.step_backward(
            dnext, x, prev_h, Wx, Wh, own, "tanh_linear"),
        "dprev_h uses Wh instead of Wh.T": bm.step_backward(
            dnext, x, prev_h, Wx, Wh, own, "wh_untransposed"),
    }
    swapped = (dnext * (1 - own ** 2) @ Wh.T, dnext * (1 - own ** 2) @ Wx.T,
               prev_h.T @ (dnext * (1 - own ** 2)), x.T @ (dnext * (1 - own ** 2)),
               (dnext * (1 - own ** 2)).sum(axis=0))
    shapes = Shapes()
    parts = Parts(credit)
    for i, (name, weight) in enumerate(zip(("dx", "dprev_h", "dWx", "dWh", "db"),
                                           (0.2, 0.25, 0.2, 0.2, 0.15))):
        def check(i=i, name=name):
            value = shapes.take(got[i], name, want[i].shape)
            hints = [(label, model[i]) for label, model in models.items()]
            hints.append(("Wx and Wh (or x and prev_h) swapped in the backward", swapped[i]))
            compare(name, value, want[i], 1e-7, hypotheses=hints)
        parts.run(weight, name, check)
    parts.finish()


@pytest.mark.grade(number="2.2", points=6, notebook="RNN_Captioning", files=[RNN_PY])
def test_rnn_forward(student, rng, credit, hidden_models):
    """rnn_forward: h (N, T, H), the state after each step, h0 left out"""
    x = rng.standard_normal((N, T, D))
    _, h0, Wx, Wh, b = _inputs(rng)
    h, _ = layer(student, "rnn_forward", x, h0, Wx, Wh, b)
    want = bm.sequence_forward(x, h0, Wx, Wh, b)
    with_h0 = np.concatenate([h0[:, None], want[:, :-1]], axis=1)
    h = array(h, "h", (N, T, H), shape_hints={
        (T, N, H): "states kept time-major (T, N, H) and returned without transposing",
        (N, T + 1, H): "h0 included in the output"})
    judged(credit, "h", lambda: compare("h", h, want, 1e-8, hypotheses=[
        ("h0 in column 0 and the last state dropped", with_h0),
        *hidden_models.rnn_forward_hints(student, (x, h0, Wx, Wh, b))]))


@pytest.mark.grade(number="2.4", points=12, notebook="RNN_Captioning", files=[RNN_PY])
def test_rnn_backward(student, rng, credit, hidden_models):
    """rnn_backward: gradients over the whole sequence, the carried gradient added at
    every step, parameter gradients summed over time"""
    x = rng.standard_normal((N, T, D))
    _, h0, Wx, Wh, b = _inputs(rng)
    dh = rng.standard_normal((N, T, H))
    _, cache = layer(student, "rnn_forward", x, h0, Wx, Wh, b)
    got = outputs(call(student, "rnn_backward", dh, cache).value, "rnn_backward",
                  ("dx", "dh0", "dWx", "dWh", "db"))
    want = bm.sequence_backward(dh, x, h0, Wx, Wh, b)
    models = {label: bm.sequence_backward(dh, x, h0, Wx, Wh, b, bug) for label, bug in (
        ("the gradient carried back from step t+1 is not added to dh[:, t]", "no_carry"),
        ("parameter gradients overwritten at each step instead of summed over time",
         "overwrite"))}
    shapes = Shapes()
    parts = Parts(credit)
    for i, (name, weight) in enumerate(zip(("dx", "dh0", "dWx", "dWh", "db"),
                                           (0.25, 0.25, 0.2, 0.15, 0.15))):
        def check(i=i, name=name):
            value = shapes.take(got[i], name, want[i].shape,
                                shape_hints={(T, N, D): "dx returned time-major (T, N, D)"})
            hints = [(label, model[i]) for label, model in models.items()]
            hints += hidden_models.rnn_backward_hints(student, (x, h0, Wx, Wh, b), dh, i)
            compare(name, value, want[i], 1e-7, hypotheses=hints)
        parts.run(weight, name, check)
    parts.shapes(0.0, "shapes", shapes)
    parts.finish()


@pytest.mark.grade(number="3.2", points=3, notebook="RNN_Captioning", files=[RNN_PY])
def test_word_embedding_forward(student, rng):
    """word_embedding_forward: out[n, t] = W[x[n, t]]"""
    V, Dw = 7, 4
    x = rng.integers(0, V, size=(N, T))
    W = rng.standard_normal((V, Dw))
    out, _ = layer(student, "word_embedding_forward", x, W)
    compare("out", array(out, "out", (N, T, Dw)), W[x], 1e-12, hypotheses=[
        ("the one-hot rows built time-major (from x.T) and reshaped to (N, T, D) as if "
         "example-major (each vector lands at the wrong (n, t))",
         W[x.T.reshape(-1)].reshape(N, T, Dw))])


@pytest.mark.grade(number="3.4", points=7, notebook="RNN_Captioning", files=[RNN_PY])
def test_word_embedding_backward(student, rng, credit):
    """word_embedding_backward: dW (V, D) from zeros, repeated indices accumulated"""
    V, Dw = 6, 3
    x = np.array([[0, 2, 2, 5], [5, 2, 1, 0], [3, 3, 3, 2]])  # repeats; row 4 unused
    W = rng.standard_normal((V, Dw))
    dout = rng.standard_normal((N, T, Dw))
    _, cache = layer(student, "word_embedding_forward", x, W)
    dW = outputs(call(student, "word_embedding_backward", dout, cache).value,
                 "word_embedding_backward", ("dW",))[0]
    want = np.zeros((V, Dw))
    np.add.at(want, x, dout)
    parts = Parts(credit)

    def values():
        compare("dW", array(dW, "dW", (V, Dw), dtype=None), want, 1e-12, hypotheses=[
            ("dW[x] += dout keeps one update per repeated index (use np.add.at)",
             bm.embedding_backward_fancy(x, dout, V)),
            ("dW starts from W's values instead of zeros", want + W)])

    def dtype():
        if np.asarray(dW).dtype != np.float64:
            fail(f"dW is {np.asarray(dW).dtype}; for float64 dout it should be float64.")

    ok = parts.run(0.9, "values", values)
    parts.run(0.1, "dtype", dtype, needs=ok, why="the values are wrong")
    parts.finish()


@pytest.mark.grade(number="4.2", points=10, notebook="RNN_Captioning", files=RNN_FILES)
def test_captioning_loss(student, rng, credit, reference, hidden_models):
    """CaptioningRNN.loss: the loss with <NULL> targets masked, h0 an affine map of the
    features, on random weights and padded captions"""
    D_, W_, H_ = 6, 5, 4
    params = model_params(rng, D_, W_, H_, "rnn")
    features = rng.standard_normal((N + 2, D_))
    captions = padded_captions(rng, N + 2, 7)
    model = student_model(student, params, D_, W_, H_, "rnn")
    loss, _ = outputs(call(student, (model, "loss"), features, captions).value,
                      "CaptioningRNN.loss", ("loss", "grads"))
    loss = scalar(loss, "loss")
    want = hidden_models.reference_loss(params, features, captions)[0]
    L = reference.module("cs231n.rnn_layers")

    def variant(**change):
        p = dict(params)
        cin, cout = captions[:, :-1], captions[:, 1:]
        mask = change.get("mask", cout != 0)
        h0 = change.get("h0", features @ p["W_proj"] + p["b_proj"])
        states = bm.sequence_forward(p["W_embed"][cin], h0, p["Wx"], p["Wh"], p["b"])
        scores = states @ p["W_vocab"] + p["b_vocab"]
        return np.array([L.temporal_softmax_loss(scores, cout, mask)[0]])

    h0 = features @ params["W_proj"] + params["b_proj"]
    hints = [
        *hidden_models.loss_hints(student, params, features, captions),
        ("the <NULL> targets are not masked", lambda: variant(mask=np.ones(captions[:, 1:].shape,
                                                                           bool))),
        ("the mask built from captions_in instead of captions_out",
         lambda: variant(mask=captions[:, :-1] != 0)),
        ("h0 passed through a ReLU", lambda: variant(h0=np.maximum(h0, 0))),
        ("h0 passed through tanh", lambda: variant(h0=np.tanh(h0))),
        ("W_proj not used (h0 = 0)", lambda: variant(h0=np.zeros_like(h0))),
    ]
    judged(credit, "loss", lambda: compare("loss", np.array([loss]), np.array([want]), 1e-8,
                                           hypotheses=hints))


@pytest.mark.grade(number="4.4", points=6, notebook="RNN_Captioning", files=RNN_FILES)
def test_captioning_gradients(student, rng, credit, hidden_models):
    """CaptioningRNN.loss: the eight gradients against the reference"""
    D_, W_, H_ = 6, 5, 4
    params = model_params(rng, D_, W_, H_, "rnn")
    features = rng.standard_normal((N + 1, D_))
    captions = padded_captions(rng, N + 1, 6)
    model = student_model(student, params, D_, W_, H_, "rnn")
    _, grads = outputs(call(student, (model, "loss"), features, captions).value,
                       "CaptioningRNN.loss", ("loss", "grads"))
    if not isinstance(grads, dict) or set(grads) != set(params):
        fail(f"grads should have exactly the keys {sorted(params)}; got "
             f"{sorted(grads) if isinstance(grads, dict) else type(grads).__name__}.")
    _, want = hidden_models.reference_loss(params, features, captions)
    tokens = max(int(np.sum(captions[:, 1:] != 0)), 1)
    own = {}

    def own_layers():
        if "value" not in own:
            own["value"] = hidden_models.own_layers_loss(student, params, features, captions)[1]
        return own["value"]

    parts = Parts(credit)
    for name in sorted(params):
        def check(name=name):
            hints = [("temporal_softmax_loss (given code) edited to divide by the number of "
                      "unmasked tokens instead of by N", want[name] * len(captions) / tokens),
                     ("regularisation added to the gradients", None)]
            hints = [h for h in hints if h[1] is not None]
            for label, wrong_, where in (
                    ("word_embedding_forward is wrong", hidden_models.embedding_forward_wrong,
                     bm.EMB_FORWARD),
                    ("rnn_step_forward is wrong", hidden_models.step_forward_wrong,
                     bm.STEP_FORWARD),
                    ("rnn_forward is wrong", hidden_models.sequence_forward_wrong,
                     bm.SEQ_FORWARD),
                    ("word_embedding_backward is wrong", hidden_models.embedding_backward_wrong,
                     bm.EMB_BACKWARD),
                    ("rnn_step_backward is wrong", hidden_models.step_backward_wrong,
                     bm.STEP_BACKWARD),
                    ("rnn_backward is wrong", hidden_models.sequence_backward_wrong,
                     bm.SEQ_BACKWARD)):
                hints.append(Elsewhere(f"the gradients are right for your layers; {label}",
                                       lambda: own_layers()[name], where, confirm=wrong_))
            compare(f"grads[{name!r}]",
                    array(grads[name], f"grads[{name!r}]", want[name].shape, reshape=True),
                    want[name], 1e-7, hypotheses=hints)
        parts.run(1 / len(params), name, check)
    parts.finish()


@pytest.mark.grade(number="4.5", points=12, notebook="RNN_Captioning", files=RNN_FILES)
def test_captioning_sample(student, rng, credit, hidden_models):
    """CaptioningRNN.sample: greedy captions (N, max_length) of integers on weights the
    check sets (drawn so that each sampling bug changes the captions); column 0 is the
    first generated word, not <START>"""
    D_, W_, H_ = 6, 5, 8
    rows, length = 8, 8
    bugs = ("feed_start", "zero_h0", "no_carry")

    def predict(params, features, bug):
        gaps = []
        return sample(params, features, length, bug=bug, gaps=gaps), min(gaps)

    params, features, want = separating_draw(rng, "rnn", predict, bugs, (D_, W_, H_),
                                             rows, length)
    model = student_model(student, params, D_, W_, H_, "rnn")
    captions = call(student, (model, "sample"), features, max_length=length).value
    parts = Parts(credit)

    def values():
        got = array(captions, "captions", (rows, length), dtype=None)
        # The draw makes the captions of the spec and of each bug below pairwise
        # different, so at most one bug model matches. The sample on the student's own
        # step first: a wrong step can make the captions look like a sampling bug's.
        hints = [
            Elsewhere("sample is right for what your rnn_step_forward gives; "
                      "rnn_step_forward is wrong",
                      lambda: sample(params, features, length, student=student),
                      bm.STEP_FORWARD, confirm=hidden_models.step_forward_wrong),
            ("<START> written into column 0 (every word shifted by one)",
             np.concatenate([np.full((rows, 1), float(VOCAB["<START>"])), want[:, :-1]],
                            axis=1)),
            ("every step embeds <START> again instead of the previous word",
             lambda: sample(params, features, length, bug="feed_start")),
            ("h0 not computed from the features (features @ W_proj + b_proj)",
             lambda: sample(params, features, length, bug="zero_h0")),
            ("the hidden state not carried from step to step",
             lambda: sample(params, features, length, bug="no_carry")),
        ]
        compare("captions", got.astype(float), want, 0.0, hypotheses=hints)

    def integers():
        if np.asarray(captions).dtype.kind not in "iu":
            fail(f"captions are {np.asarray(captions).dtype}; word indices should be "
                 "integers.")

    ok = parts.run(0.9, "captions", values)
    parts.run(0.1, "integer captions", integers, needs=ok, why="the captions are wrong")
    parts.finish()


def sample(p, features, length, bug="", student=None, gaps=None):
    """Greedy sampling as the spec says, or with one of its bugs ("feed_start", "zero_h0",
    "no_carry"): captions (N, length) as floats; ``student``: with the student's own
    rnn_step_forward; ``gaps``: a list that gets each step's :func:`top_gap`."""
    n = len(features)
    h = np.zeros((n, p["Wh"].shape[0])) if bug == "zero_h0" else \
        features @ p["W_proj"] + p["b_proj"]
    h0, word = h, np.full(n, VOCAB["<START>"])
    out = np.zeros((n, length))
    for t in range(length):
        prev = h0 if bug == "no_carry" else h
        if student is None:
            h = np.tanh(p["W_embed"][word] @ p["Wx"] + prev @ p["Wh"] + p["b"])
        else:
            h = np.asarray(call(student, "rnn_step_forward", p["W_embed"][word], prev, p["Wx"],
                                p["Wh"], p["b"]).value[0], dtype=float)
        scores = h @ p["W_vocab"] + p["b_vocab"]
        if gaps is not None:
            gaps.append(top_gap(scores))
        out[:, t] = scores.argmax(axis=1)
        if bug != "feed_start":
            word = out[:, t].astype(int)
    return out
