"""Public checks: the cells of RNN_Captioning.ipynb on their fixed inputs.

In the grade, a cell that runs several of the student's functions charges only the one
it is about: a value that is wrong only because of another function's bug (found by the
hidden bug models, fixture ``elsewhere``) earns its credit, with a note.
"""

import numpy as np
import pytest

import notebook_inputs as nb
from a3lib import (RNN_FILES, RNN_MODEL, RNN_PY, TOY_VOCAB, call, gradient_of, judged, layer,
                   expect_dict, model_gradients)
from gradekit.checklib import (Parts, array, compare, fail, outputs, relative_error,
                               remote_constant, scalar, verdict)


def _grad_parts(student, parts, forward, backward, args, upstream, names, arg_index,
                hints=None):
    """Numeric gradients of the student's forward against its backward, one part each;
    ``hints(i)``: the bug models of output i."""
    _, cache = layer(student, forward, *args)
    grads = outputs(call(student, backward, upstream, cache).value, backward, names)
    for name, value, index in zip(names, grads, arg_index):
        if index is None:
            continue

        def check(name=name, value=value, index=index):
            numeric = gradient_of(student, forward, args, index, upstream)
            compare(f"{backward} {name} vs centered differences of your forward "
                    "(notebook: 1e-8 or less)",
                    array(value, f"{backward} {name}", numeric.shape, reshape=True),
                    numeric, 1e-6, error=relative_error,
                    hypotheses=hints(index) if hints else ())
        parts.run(1 / len([i for i in arg_index if i is not None]), name, check)


@pytest.mark.grade(number="1.1", points=2, notebook="RNN_Captioning", files=[RNN_PY])
def test_rnn_step_forward_notebook(student):
    """rnn_step_forward, under "Vanilla RNN: step forward"

    next_h on the cell's linspace inputs, to the printed digits.
    """
    x, prev_h, Wx, Wh, b = nb.step_forward_inputs()
    next_h, _ = layer(student, "rnn_step_forward", x, prev_h, Wx, Wh, b)
    compare("next_h (notebook: error ~1e-8)", array(next_h, "next_h", (3, 4)),
            nb.STEP_FORWARD_EXPECTED, 1e-7, error=relative_error, hypotheses=[
                ("no tanh (the affine pre-activation returned)", x @ Wx + prev_h @ Wh + b)])


@pytest.mark.grade(number="1.3", points=2, notebook="RNN_Captioning", files=[RNN_PY])
def test_rnn_step_backward_notebook(student, credit, elsewhere):
    """rnn_step_backward, under "Vanilla RNN: step backward"

    Centered differences of your rnn_step_forward against your rnn_step_backward.
    """
    x, prev_h, Wx, Wh, b, dnext_h = nb.step_backward_inputs()
    parts = Parts(credit)
    hints = (lambda i: elsewhere.right_backward_hints(
        "rnn_step_forward", (x, prev_h, Wx, Wh, b), dnext_h, i)) if elsewhere else None
    _grad_parts(student, parts, "rnn_step_forward", "rnn_step_backward",
                [x, prev_h, Wx, Wh, b], dnext_h, ("dx", "dprev_h", "dWx", "dWh", "db"),
                (0, 1, 2, 3, 4), hints)
    parts.finish()


@pytest.mark.grade(number="2.1", points=2, notebook="RNN_Captioning", files=[RNN_PY])
def test_rnn_forward_notebook(student, credit, elsewhere):
    """rnn_forward, under "Vanilla RNN: forward over a sequence"

    h on the cell's linspace inputs, to the printed digits.
    """
    args = nb.sequence_forward_inputs()
    h, _ = layer(student, "rnn_forward", *args)
    hints = elsewhere.rnn_forward_hints(student, args) if elsewhere else []
    judged(credit, "h", lambda: compare(
        "h (notebook: error ~1e-7)", array(h, "h", (2, 3, 5)), nb.SEQUENCE_FORWARD_EXPECTED,
        1e-6, error=relative_error, hypotheses=hints))


@pytest.mark.grade(number="2.3", points=2, notebook="RNN_Captioning", files=[RNN_PY])
def test_rnn_backward_notebook(student, credit, elsewhere):
    """rnn_backward, under "Vanilla RNN: backward over a sequence"

    Centered differences of your rnn_forward against your rnn_backward.
    """
    x, h0, Wx, Wh, b, dout = nb.sequence_backward_inputs()
    parts = Parts(credit)
    hints = (lambda i: elsewhere.rnn_backward_hints(student, (x, h0, Wx, Wh, b), dout, i)
             + elsewhere.right_backward_hints("rnn_forward", (x, h0, Wx, Wh, b), dout, i)) \
        if elsewhere else None
    _grad_parts(student, parts, "rnn_forward", "rnn_backward", [x, h0, Wx, Wh, b], dout,
                ("dx", "dh0", "dWx", "dWh", "db"), (0, 1, 2, 3, 4), hints)
    parts.finish()


@pytest.mark.grade(number="3.1", points=2, notebook="RNN_Captioning", files=[RNN_PY])
def test_word_embedding_forward_notebook(student):
    """word_embedding_forward, under "Word embedding"

    out[n, t] is the row x[n, t] of W.
    """
    x, W = nb.embedding_forward_inputs()
    out, _ = layer(student, "word_embedding_forward", x, W)
    compare("out (notebook: error ~1e-8)", array(out, "out", (2, 4, 3)), W[x], 1e-8,
            error=relative_error, hypotheses=[
                ("the one-hot rows built time-major (from x.T) and reshaped to (N, T, D) as "
                 "if example-major (each vector lands at the wrong (n, t))",
                 W[x.T.reshape(-1)].reshape(2, 4, 3))])


@pytest.mark.grade(number="3.3", points=2, notebook="RNN_Captioning", files=[RNN_PY])
def test_word_embedding_backward_notebook(student, credit, elsewhere):
    """word_embedding_backward, under "Word embedding"

    Centered differences of your forward against your backward (indices repeat).
    """
    x, W, dout = nb.embedding_backward_inputs()
    _, cache = layer(student, "word_embedding_forward", x, W)
    dW = outputs(call(student, "word_embedding_backward", dout, cache).value,
                 "word_embedding_backward", ("dW",))[0]
    numeric = gradient_of(student, "word_embedding_forward", [x, W], 1, dout)
    hints = elsewhere.right_backward_hints("word_embedding_forward", (x, W), dout, 1) \
        if elsewhere else []
    judged(credit, "dW", lambda: compare(
        "dW vs centered differences (notebook: ~1e-11)", array(dW, "dW", W.shape),
        numeric, 1e-8, error=relative_error,
        hypotheses=[("dW[x] += dout keeps one update per repeated index (use np.add.at)",
                     _fancy_index(x, dout, W.shape)), *hints]))


def _fancy_index(x, dout, shape):
    dW = np.zeros(shape)
    dW[x] += dout
    return dW


def toy_model(student, sizes, params=None):
    """A CaptioningRNN on the notebook's toy vocabulary, in float64; the parameters set
    as linspace(-1.4, 1.3) of their sizes (or ``params``)."""
    dtype = remote_constant(student, "numpy.dtype", "float64")
    model = call(student, RNN_MODEL, dict(TOY_VOCAB), cell_type="rnn", dtype=dtype,
                 **sizes).value
    shapes = {k: np.shape(v) for k, v in student.getattr(model, "params").items()}
    params = nb.linspace_params(shapes) if params is None else params
    student.setattr(model, "params", params)
    return model, params


@pytest.mark.grade(number="4.1", points=3, notebook="RNN_Captioning", files=RNN_FILES)
def test_captioning_loss_notebook(student, credit, elsewhere):
    """CaptioningRNN.loss, under "The captioning RNN"

    The loss on the cell's linspace model: 9.83235591003.
    """
    sizes, features, captions = nb.captioning_loss_inputs()
    model, params = toy_model(student, sizes)
    result = outputs(call(student, (model, "loss"), features, captions).value,
                     "CaptioningRNN.loss", ("loss", "grads"))
    hints = elsewhere.loss_hints(student, params, features, captions) if elsewhere else []

    def check():
        raw = result[0]
        if elsewhere and isinstance(raw, (float, np.floating)) and not np.isfinite(raw):
            hint = elsewhere.nonfinite_loss(student, params, features, captions)
            if hint is not None:
                raise verdict(f"loss {float(raw)!r} (expected {nb.EXPECTED_LOSS}) is not finite",
                              hint)
        loss = scalar(raw, "loss")
        compare(f"loss {loss!r} (expected {nb.EXPECTED_LOSS})", np.array([loss]),
                np.array([nb.EXPECTED_LOSS]), 1e-9, hypotheses=hints)

    judged(credit, "loss", check)


@pytest.mark.grade(number="4.3", points=3, notebook="RNN_Captioning", files=RNN_FILES)
def test_captioning_gradient_check_notebook(student, credit, elsewhere):
    """CaptioningRNN gradients, under "The captioning RNN"

    Centered differences of your loss against your gradients, each parameter.
    """
    sizes, features, captions = nb.gradient_check_inputs()
    rs = np.random.RandomState(231)
    model, _ = toy_model(student, sizes)
    shapes = {k: np.shape(v) for k, v in student.getattr(model, "params").items()}
    params = {k: rs.randn(*s) * 0.5 for k, s in sorted(shapes.items())}
    student.setattr(model, "params", params)
    loss, grads = outputs(call(student, (model, "loss"), features, captions).value,
                          "CaptioningRNN.loss", ("loss", "grads"))
    scalar(loss, "loss")
    if not isinstance(grads, dict) or set(grads) != set(params):
        fail(f"grads should have exactly the keys of params {sorted(params)}; got "
             f"{sorted(grads) if isinstance(grads, dict) else type(grads).__name__}.")

    numeric = expect_dict(model_gradients(student, model, params, features, captions),
                          "centered differences of the loss")
    found = {}

    def own_layers():
        """The gradients of the captioning pipeline on your own layers (asked once)."""
        if "value" not in found:
            found["value"] = elsewhere.own_layers_loss(student, params, features, captions)[1]
        return found["value"]

    parts = Parts(credit)
    for name in sorted(params):
        def check(name=name):
            hints = elsewhere.gradcheck_hints(student, name, grads[name], own_layers) \
                if elsewhere else []
            compare(f"grads[{name!r}] vs centered differences of your loss "
                    "(notebook: ~1e-6 or less)",
                    array(grads[name], f"grads[{name!r}]", shapes[name], reshape=True),
                    array(numeric.get(name), f"centered differences for {name}", shapes[name]),
                    1e-5, error=relative_error, hypotheses=hints)
        parts.run(1 / len(params), name, check)
    student.setattr(model, "params", params)
    parts.finish()
