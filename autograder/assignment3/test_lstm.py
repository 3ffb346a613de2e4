"""Hidden checks of the LSTM extra credit (spec A3.2 "LSTM", A3.6 "LSTM"): the step and
sequence functions of rnn_layers.py and CaptioningRNN with cell_type='lstm', against
numpy models on random inputs, the bug patterns named.

These points are extra credit: README.md's point table lists them apart, and the
Gradescope total is set without them. A bug is charged in the checks of the function it
lives in: lstm_backward is not charged for a wrong lstm_step_backward it calls, and a
backward is not charged for a wrong forward whose cache it was given (right for what that
forward computed, it earns its credit with a note naming the forward's check).
"""

import numpy as np
import pytest

import bug_models as bm
from a3lib import RNN_FILES, RNN_PY, call, judged, layer
from captioning_setup import (VOCAB, model_params, padded_captions, separating_draw,
                              student_model)
from gradekit.checklib import Elsewhere, Parts, Shapes, array, compare, fail, outputs, scalar

N, T, D, H = 3, 4, 5, 6


def _inputs(rng, square=False, steps=None):
    """x, prev_h, prev_c, Wx, Wh, b; ``square``: D = H (so that swapped weights fit)."""
    d = H if square else D
    x = rng.standard_normal((N, d) if steps is None else (N, steps, d))
    return (x, rng.standard_normal((N, H)), rng.standard_normal((N, H)),
            rng.standard_normal((d, 4 * H)) * 0.5, rng.standard_normal((H, 4 * H)) * 0.5,
            rng.standard_normal(4 * H) * 0.5)


@pytest.mark.grade(number="8.2", points=4, notebook="LSTM_Captioning", files=[RNN_PY])
def test_lstm_step_forward(student, rng, credit):
    """lstm_step_forward: next_h and next_c, gates i, f, o, g in that order, on random
    inputs"""
    x, prev_h, prev_c, Wx, Wh, b = _inputs(rng)
    next_h, next_c, _ = layer(student, "lstm_step_forward", x, prev_h, prev_c, Wx, Wh, b,
                              labels=("next_h", "next_c", "cache"))
    want = bm.lstm_step(x, prev_h, prev_c, Wx, Wh, b)
    models = [(f"gate blocks read in the order {', '.join(order)} instead of i, f, o, g",
               bm.lstm_step(x, prev_h, prev_c, Wx, Wh, b, order=order))
              for order in ("ifgo", "fiog", "gifo")]
    models += [(label, bm.lstm_step(x, prev_h, prev_c, Wx, Wh, b, bug=bug))
               for bug, label in bm.LSTM_FORWARD_BUGS.items()]
    parts = Parts(credit)
    for i, (name, value) in enumerate((("next_h", next_h), ("next_c", next_c))):
        def check(i=i, name=name, value=value):
            compare(name, array(value, name, (N, H)), want[i], 1e-8,
                    hypotheses=[(label, model[i]) for label, model in models])
        parts.run(0.5, name, check)
    parts.finish()


@pytest.mark.grade(number="8.4", points=8, notebook="LSTM_Captioning", files=[RNN_PY])
def test_lstm_step_backward(student, rng, credit, hidden_models):
    """lstm_step_backward: dx, dprev_h, dprev_c, dWx, dWh, db for the cache of your own
    forward; the cell gradient takes both dnext_c and the path through next_h"""
    x, prev_h, prev_c, Wx, Wh, b = _inputs(rng, square=True)
    dnext_h, dnext_c = rng.standard_normal((N, H)), rng.standard_normal((N, H))
    _, _, cache = layer(student, "lstm_step_forward", x, prev_h, prev_c, Wx, Wh, b,
                        labels=("next_h", "next_c", "cache"))
    names = ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db")
    got = outputs(call(student, "lstm_step_backward", dnext_h, dnext_c, cache).value,
                  "lstm_step_backward", names)
    args = (x, prev_h, prev_c, Wx, Wh, b)
    want = bm.lstm_step_backward(dnext_h, dnext_c, *args)
    shapes = Shapes()
    parts = Parts(credit)
    for i, (name, weight) in enumerate(zip(names, (0.15, 0.2, 0.2, 0.15, 0.15, 0.15))):
        def check(i=i, name=name):
            value = shapes.take(got[i], name, want[i].shape)
            compare(name, value, want[i], 1e-7, hypotheses=hidden_models.lstm.
                    step_backward_hints(args, dnext_h, dnext_c, i))
        parts.run(weight, name, check)
    parts.finish()


@pytest.mark.grade(number="9.2", points=4, notebook="LSTM_Captioning", files=[RNN_PY])
def test_lstm_forward(student, rng, credit, hidden_models):
    """lstm_forward: h (N, T, H) from h0 and a zero cell state"""
    x, h0, _, Wx, Wh, b = _inputs(rng, steps=T)
    h, _ = layer(student, "lstm_forward", x, h0, Wx, Wh, b)
    want = bm.lstm_sequence(x, h0, Wx, Wh, b)[0]
    h = array(h, "h", (N, T, H), shape_hints={
        (T, N, H): "states kept time-major (T, N, H) and returned without transposing",
        (N, T + 1, H): "h0 included in the output"})
    judged(credit, "h", lambda: compare("h", h, want, 1e-8, hypotheses=[
        *hidden_models.lstm.forward_hints((x, h0, Wx, Wh, b))]))


@pytest.mark.grade(number="9.4", points=8, notebook="LSTM_Captioning", files=[RNN_PY])
def test_lstm_backward(student, rng, credit, hidden_models):
    """lstm_backward: dx, dh0, dWx, dWh, db over the sequence, both the hidden and the
    cell gradients carried back, no dc0 returned"""
    x, h0, _, Wx, Wh, b = _inputs(rng, steps=T)
    dh = rng.standard_normal((N, T, H))
    _, cache = layer(student, "lstm_forward", x, h0, Wx, Wh, b)
    names = ("dx", "dh0", "dWx", "dWh", "db")
    raw = call(student, "lstm_backward", dh, cache).value
    if isinstance(raw, tuple) and len(raw) == 6:
        fail("lstm_backward returned 6 values; it returns dx, dh0, dWx, dWh, db (no dc0: "
             "the cell starts at zero, it is not an input).")
    got = outputs(raw, "lstm_backward", names)
    args = (x, h0, Wx, Wh, b)
    want = bm.lstm_sequence_backward(dh, *args)
    shapes = Shapes()
    parts = Parts(credit)
    for i, (name, weight) in enumerate(zip(names, (0.25, 0.25, 0.2, 0.15, 0.15))):
        def check(i=i, name=name):
            value = shapes.take(got[i], name, want[i].shape,
                                shape_hints={(T, N, D): "dx returned time-major (T, N, D)"})
            compare(name, value, want[i], 1e-7,
                    hypotheses=hidden_models.lstm.sequence_backward_hints(args, dh, i))
        parts.run(weight, name, check)
    parts.finish()


def _layer_excuses(hidden_models, what):
    """Elsewhere hints: ``what`` (a callable) is right for the student's own layers and one
    of them is wrong."""
    lstm = hidden_models.lstm
    return [Elsewhere(f"{label}; the value is right for what your layers give", what, where,
                      confirm=wrong_) for label, wrong_, where in (
        ("word_embedding_forward is wrong", hidden_models.embedding_forward_wrong,
         bm.EMB_FORWARD),
        ("lstm_step_forward is wrong", lstm.step_forward_wrong, bm.LSTM_STEP_FORWARD),
        ("lstm_forward is wrong", lstm.sequence_forward_wrong, bm.LSTM_FORWARD),
        ("word_embedding_backward is wrong", hidden_models.embedding_backward_wrong,
         bm.EMB_BACKWARD),
        ("lstm_step_backward is wrong", lstm.step_backward_wrong, bm.LSTM_STEP_BACKWARD),
        ("lstm_backward is wrong", lstm.sequence_backward_wrong, bm.LSTM_BACKWARD))]


@pytest.mark.grade(number="10.2", points=4, notebook="LSTM_Captioning", files=RNN_FILES)
def test_lstm_captioning_loss(student, rng, credit, hidden_models):
    """CaptioningRNN.loss with cell_type='lstm': the masked loss on random weights and
    padded captions"""
    D_, W_, H_ = 6, 5, 4
    params = model_params(rng, D_, W_, H_, "lstm")
    features = rng.standard_normal((N + 2, D_))
    captions = padded_captions(rng, N + 2, 7)
    model = student_model(student, params, D_, W_, H_, "lstm")
    loss, _ = outputs(call(student, (model, "loss"), features, captions).value,
                      "CaptioningRNN.loss", ("loss", "grads"))
    loss = scalar(loss, "loss")
    want = hidden_models.reference_loss(params, features, captions, cell="lstm")[0]
    # The forward layers only: the loss does not depend on the backward passes.
    hints = _layer_excuses(hidden_models, lambda: np.array([hidden_models.own_layers_loss(
        student, params, features, captions, cell="lstm")[0]]))[:3]
    judged(credit, "loss", lambda: compare("loss", np.array([loss]), np.array([want]), 1e-8,
                                           hypotheses=hints))


@pytest.mark.grade(number="10.3", points=4, notebook="LSTM_Captioning", files=RNN_FILES)
def test_lstm_captioning_gradients(student, rng, credit, hidden_models):
    """CaptioningRNN.loss with cell_type='lstm': the eight gradients"""
    D_, W_, H_ = 6, 5, 4
    params = model_params(rng, D_, W_, H_, "lstm")
    features = rng.standard_normal((N + 1, D_))
    captions = padded_captions(rng, N + 1, 6)
    model = student_model(student, params, D_, W_, H_, "lstm")
    _, grads = outputs(call(student, (model, "loss"), features, captions).value,
                       "CaptioningRNN.loss", ("loss", "grads"))
    if not isinstance(grads, dict) or set(grads) != set(params):
        fail(f"grads should have exactly the keys {sorted(params)}; got "
             f"{sorted(grads) if isinstance(grads, dict) else type(grads).__name__}.")
    _, want = hidden_models.reference_loss(params, features, captions, cell="lstm")
    own = {}

    def own_layers():
        if "value" not in own:
            own["value"] = hidden_models.own_layers_loss(student, params, features, captions,
                                                         cell="lstm")[1]
        return own["value"]

    parts = Parts(credit)
    for name in sorted(params):
        def check(name=name):
            compare(f"grads[{name!r}]",
                    array(grads[name], f"grads[{name!r}]", want[name].shape, reshape=True),
                    want[name], 1e-7,
                    hypotheses=_layer_excuses(hidden_models, lambda: own_layers()[name]))
        parts.run(1 / len(params), name, check)
    parts.finish()


@pytest.mark.grade(number="10.4", points=8, notebook="LSTM_Captioning", files=RNN_FILES)
def test_lstm_captioning_sample(student, rng, credit, hidden_models):
    """CaptioningRNN.sample with cell_type='lstm': greedy captions from h0 and a zero
    cell, the cell carried from step to step, on weights the check sets (drawn so that
    each sampling bug changes the captions)"""
    D_, W_, H_ = 6, 5, 8
    rows, length = 8, 8
    start = VOCAB["<START>"]
    bugs = ("zero_h0", "cell_h0", "no_cell_carry")

    def predict(params, features, bug):
        gaps = []
        return bm.lstm_sample(params, features, length, start, bug=bug, gaps=gaps), min(gaps)

    params, features, want = separating_draw(rng, "lstm", predict, bugs, (D_, W_, H_),
                                             rows, length)
    model = student_model(student, params, D_, W_, H_, "lstm")
    captions = call(student, (model, "sample"), features, max_length=length).value
    parts = Parts(credit)

    def values():
        got = array(captions, "captions", (rows, length), dtype=None)
        # The draw makes the captions of the spec and of each bug below pairwise
        # different, so at most one bug model matches. The sample on the student's own
        # step first: a wrong step can make the captions look like a sampling bug's.
        hints = [
            Elsewhere("sample is right for what your lstm_step_forward gives; "
                      "lstm_step_forward is wrong",
                      lambda: bm.lstm_sample(params, features, length, start,
                                             student=student),
                      bm.LSTM_STEP_FORWARD, confirm=hidden_models.lstm.step_forward_wrong),
            ("<START> written into column 0 (every word shifted by one)",
             np.concatenate([np.full((rows, 1), float(start)), want[:, :-1]], axis=1)),
            ("h0 not computed from the features (features @ W_proj + b_proj)",
             lambda: bm.lstm_sample(params, features, length, start, bug="zero_h0")),
            ("the LSTM cell not started at zero (it starts as h0)",
             lambda: bm.lstm_sample(params, features, length, start, bug="cell_h0")),
            ("the LSTM cell not carried from step to step (reset to zero each step)",
             lambda: bm.lstm_sample(params, features, length, start, bug="no_cell_carry")),
        ]
        compare("captions", got.astype(float), want, 0.0, hypotheses=hints)

    def integers():
        if np.asarray(captions).dtype.kind not in "iu":
            fail(f"captions are {np.asarray(captions).dtype}; word indices should be "
                 "integers.")

    ok = parts.run(0.9, "captions", values)
    parts.run(0.1, "integer captions", integers, needs=ok, why="the captions are wrong")
    parts.finish()
