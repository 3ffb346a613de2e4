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


def top_gap(scores):
    """The smallest margin of the best score over the second best, over the rows of
    ``scores`` (n, V): how far every greedy choice is from a tie."""
    top2 = np.sort(scores, axis=1)[:, -2:]
    return float(np.min(top2[:, 1] - top2[:, 0]))


def separating_draw(rng, cell_type, predict, bugs, dims, n, length, margin=1e-6,
                    tries=200):
    """Weights and features on which greedy sampling tells the spec from each of its bugs,
    whatever the seed: draws from ``rng`` until the captions of the spec, of every bug
    model and of the spec with <START> written into column 0 are pairwise different,
    and every greedy choice of every model beats the runner-up by ``margin`` (so that
    rounding in a student's products cannot flip a word).

    Inputs: ``predict(params, features, bug)`` -> (captions (n, length) float, gap), bug
    "" being the spec and ``gap`` the smallest :func:`top_gap` over its steps; ``bugs``
    the bug names; ``dims`` (D, W, H).
    Returns (params, features (n, D), want (n, length)).
    """
    D_, W_, H_ = dims
    start = VOCAB["<START>"]
    for _ in range(tries):
        params = model_params(rng, D_, W_, H_, cell_type, scale=1.0)
        features = rng.standard_normal((n, D_)) * 2
        runs = [predict(params, features, bug) for bug in ("", *bugs)]
        if min(gap for _, gap in runs) < margin:
            continue
        want = runs[0][0]
        shifted = np.concatenate([np.full((n, 1), float(start)), want[:, :-1]], axis=1)
        models = [captions for captions, _ in runs] + [shifted]
        if all(not np.array_equal(a, b) for i, a in enumerate(models)
               for b in models[i + 1:]):
            return params, features, want
    raise RuntimeError(f"no draw in {tries} separates the {cell_type} sampling bugs")
