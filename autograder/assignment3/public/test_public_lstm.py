"""Public checks: the cells of LSTM_Captioning.ipynb (extra credit) on their fixed inputs.

In the grade, a cell that runs several of the student's functions charges only the one
it is about (fixture ``elsewhere``: the hidden bug models; None on a student's machine).
"""

import numpy as np
import pytest

import notebook_inputs as nb
from a3lib import (RNN_FILES, RNN_MODEL, RNN_PY, TOY_VOCAB, call, gradient_of, judged,
                   layer)
from gradekit.checklib import (Elsewhere, Parts, array, compare, outputs, relative_error,
                               remote_constant, scalar)

STEP_NAMES = ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db")


FORGET_ON_NEW = ("the forget gate applied to the new content instead of the previous cell "
                 "(next_c = f * (i * g) + prev_c instead of f * prev_c + i * g)")


def _step_variant(x, prev_h, prev_c, Wx, Wh, b, order="ifog", forget_on_new=False):
    """(next_h, next_c) of an LSTM step that reads its gate blocks in ``order`` (the spec's
    is "ifog"), or whose forget gate scales the new content (``forget_on_new``): what a
    step with that bug computes."""
    blocks = dict(zip(order, np.split(x @ Wx + prev_h @ Wh + b, 4, axis=1)))
    i, f, o = (1 / (1 + np.exp(-blocks[gate])) for gate in "ifo")
    new = i * np.tanh(blocks["g"])
    next_c = f * new + prev_c if forget_on_new else f * prev_c + new
    return o * np.tanh(next_c), next_c
SEQUENCE_NAMES = ("dx", "dh0", "dWx", "dWh", "db")


@pytest.mark.grade(number="8.1", points=2, notebook="LSTM_Captioning", files=[RNN_PY])
def test_lstm_step_forward_notebook(student, credit):
    """lstm_step_forward, under "LSTM: step forward"

    next_h and next_c on the cell's linspace inputs, to the printed digits.
    """
    args = nb.lstm_step_forward_inputs()
    next_h, next_c, _ = layer(student, "lstm_step_forward", *args,
                              labels=("next_h", "next_c", "cache"))
    models = [(f"gate blocks read in the order {', '.join(order)} instead of i, f, o, g",
               _step_variant(*args, order=order)) for order in ("ifgo", "fiog")]
    models.append((FORGET_ON_NEW, _step_variant(*args, forget_on_new=True)))
    parts = Parts(credit)
    for k, (name, value, want) in enumerate((("next_h", next_h, nb.LSTM_STEP_EXPECTED_H),
                                             ("next_c", next_c, nb.LSTM_STEP_EXPECTED_C))):
        parts.run(0.5, name, lambda k=k, name=name, value=value, want=want: compare(
            f"{name} (notebook: error ~1e-8)", array(value, name, (3, 5)), want, 1e-7,
            error=relative_error, hypotheses=[(label, model[k]) for label, model in models]))
    parts.finish()


@pytest.mark.grade(number="8.3", points=2, notebook="LSTM_Captioning", files=[RNN_PY])
def test_lstm_step_backward_notebook(student, credit, elsewhere):
    """lstm_step_backward, under "LSTM: step backward"

    Centered differences of your lstm_step_forward, through next_h and next_c, against
    your lstm_step_backward; in the grade, of the expected lstm_step_forward (a forward
    bug is charged in the forward's checks, not here).
    """
    *args, dnext_h, dnext_c = nb.lstm_step_backward_inputs()
    _, _, cache = layer(student, "lstm_step_forward", *args,
                        labels=("next_h", "next_c", "cache"))
    grads = outputs(call(student, "lstm_step_backward", dnext_h, dnext_c, cache).value,
                    "lstm_step_backward", STEP_NAMES)
    expected = elsewhere.lstm.step_numeric(tuple(args), dnext_h, dnext_c) if elsewhere \
        else None
    whose = "the expected forward" if elsewhere else "your forward"
    parts = Parts(credit)
    for index, (name, value) in enumerate(zip(STEP_NAMES, grads)):
        def check(index=index, name=name, value=value):
            if expected is None:
                numeric = (gradient_of(student, "lstm_step_forward", args, index, dnext_h,
                                       pick=0)
                           + gradient_of(student, "lstm_step_forward", args, index, dnext_c,
                                         pick=1))
            else:
                numeric = expected[index]
            hints = elsewhere.lstm.step_backward_hints(tuple(args), dnext_h, dnext_c,
                                                       index) if elsewhere else []
            compare(f"lstm_step_backward {name} vs centered differences of {whose} "
                    "(notebook: ~1e-7 or less)",
                    array(value, f"lstm_step_backward {name}", numeric.shape, reshape=True),
                    numeric, 1e-6, error=relative_error, hypotheses=hints)
        parts.run(1 / len(STEP_NAMES), name, check)
    parts.finish()


@pytest.mark.grade(number="9.1", points=2, notebook="LSTM_Captioning", files=[RNN_PY])
def test_lstm_forward_notebook(student, credit, elsewhere):
    """lstm_forward, under "LSTM: forward over a sequence"

    h on the cell's linspace inputs, to the printed digits.
    """
    args = nb.lstm_forward_inputs()
    h, _ = layer(student, "lstm_forward", *args)
    hints = elsewhere.lstm.forward_hints(args) if elsewhere else []
    judged(credit, "h", lambda: compare(
        "h (notebook: error ~1e-7)", array(h, "h", (2, 3, 4)), nb.LSTM_FORWARD_EXPECTED,
        1e-6, error=relative_error, hypotheses=hints))


@pytest.mark.grade(number="9.3", points=2, notebook="LSTM_Captioning", files=[RNN_PY])
def test_lstm_backward_notebook(student, credit, elsewhere):
    """lstm_backward, under "LSTM: backward over a sequence"

    Centered differences of your lstm_forward against your lstm_backward; in the grade,
    of the expected lstm_forward (a forward bug is charged in the forward's checks, not
    here).
    """
    *args, dh = nb.lstm_backward_inputs()
    _, cache = layer(student, "lstm_forward", *args)
    grads = outputs(call(student, "lstm_backward", dh, cache).value, "lstm_backward",
                    SEQUENCE_NAMES)
    expected = elsewhere.lstm.sequence_numeric(tuple(args), dh) if elsewhere else None
    whose = "the expected forward" if elsewhere else "your forward"
    parts = Parts(credit)
    for index, (name, value) in enumerate(zip(SEQUENCE_NAMES, grads)):
        def check(index=index, name=name, value=value):
            numeric = gradient_of(student, "lstm_forward", args, index, dh) \
                if expected is None else expected[index]
            hints = elsewhere.lstm.sequence_backward_hints(tuple(args), dh, index) \
                if elsewhere else []
            compare(f"lstm_backward {name} vs centered differences of {whose} "
                    "(notebook: ~1e-8, dWh ~1e-6 or less)",
                    array(value, f"lstm_backward {name}", numeric.shape, reshape=True),
                    numeric, 1e-5, error=relative_error, hypotheses=hints)
        parts.run(1 / len(SEQUENCE_NAMES), name, check)
    parts.finish()


@pytest.mark.grade(number="10.1", points=2, notebook="LSTM_Captioning", files=RNN_FILES)
def test_lstm_captioning_loss_notebook(student, credit, elsewhere):
    """CaptioningRNN.loss with cell_type='lstm', under "The captioning model with an LSTM"

    The loss on the cell's linspace model: 9.82445935443.
    """
    sizes, features, captions = nb.lstm_captioning_loss_inputs()
    dtype = remote_constant(student, "numpy.dtype", "float64")
    model = call(student, RNN_MODEL, dict(TOY_VOCAB), cell_type="lstm", dtype=dtype,
                 **sizes).value
    shapes = {k: np.shape(v) for k, v in student.getattr(model, "params").items()}
    params = nb.linspace_params(shapes)
    student.setattr(model, "params", params)
    result = outputs(call(student, (model, "loss"), features, captions).value,
                     "CaptioningRNN.loss", ("loss", "grads"))
    hints = []
    if elsewhere:
        lstm = elsewhere.lstm
        own = lambda: np.array([elsewhere.own_layers_loss(  # noqa: E731
            student, params, features, captions, cell="lstm")[0]])
        hints = [Elsewhere(f"the loss is right for what your layers give; {label}", own,
                           where, confirm=wrong_) for label, wrong_, where in (
            ("word_embedding_forward is wrong", elsewhere.embedding_forward_wrong,
             elsewhere.where("EMB_FORWARD")),
            ("lstm_step_forward is wrong", lstm.step_forward_wrong,
             elsewhere.where("LSTM_STEP_FORWARD")),
            ("lstm_forward is wrong", lstm.sequence_forward_wrong,
             elsewhere.where("LSTM_FORWARD")))]

    def check():
        loss = scalar(result[0], "loss")
        compare(f"loss {loss!r} (expected {nb.LSTM_EXPECTED_LOSS})", np.array([loss]),
                np.array([nb.LSTM_EXPECTED_LOSS]), 1e-9, hypotheses=hints)

    judged(credit, "loss", check)
