"""What the captioning checks of both cell types (RNN 4.x, LSTM 10.x) set up: a small
vocabulary, parameters drawn from the check's seeded ``rng``, the student's CaptioningRNN
holding them, and captions with padding."""

import numpy as np

from a3lib import RNN_MODEL, call
from gradekit.checklib import fail, remote_constant

VOCAB = {"<NULL>": 0, "<START>": 1, "<END>": 2, "a": 3, "cat": 4, "on": 5, "mat": 6, "dog": 7}
GATES = {"rnn": 1, "lstm": 4}  # the recurrent weights' width, in units of H


def student_model(student, params, D_, W_, H_, cell_type):
    """The student's CaptioningRNN (float64) with ``params`` set; fails when its own
    parameters have other names."""
    dtype = remote_constant(student, "numpy.dtype", "float64")
    model = call(student, RNN_MODEL, dict(VOCAB), input_dim=D_, wordvec_dim=W_, hidden_dim=H_,
                 cell_type=cell_type, dtype=dtype).value
    keys = set(student.getattr(model, "params"))
    if keys != set(params):
        fail(f"CaptioningRNN.params has keys {sorted(keys)}; expected {sorted(params)}.")
    student.setattr(model, "params", dict(params))
    return model


def model_params(rng, D_, W_, H_, cell_type, V=len(VOCAB), scale=0.5):
    """Normal draws of every parameter of a ``cell_type`` captioning model."""
    width = GATES[cell_type] * H_
    shapes = {"W_embed": (V, W_), "W_proj": (D_, H_), "b_proj": (H_,), "Wx": (W_, width),
              "Wh": (H_, width), "b": (width,), "W_vocab": (H_, V), "b_vocab": (V,)}
    return {k: rng.standard_normal(s) * scale for k, s in shapes.items()}


def padded_captions(rng, n, length):
    """<START>, words, <END>, then <NULL> padding of various lengths: (n, length) int64."""
    rows = np.zeros((n, length), dtype=np.int64)
    for i in range(n):
        words = rng.integers(3, len(VOCAB), size=rng.integers(1, length - 1))
        row = [1, *words, 2][:length]
        rows[i, :len(row)] = row
    return rows
