"""Public checks of Transformer_Captioning.ipynb: properties any right implementation
has, in eval mode (the notebook's training-mode numbers depend on the dropout draws and
on the PyTorch version, so they are not checked)."""

import numpy as np
import pytest

from a3lib import TRANSFORMER_FILES, TRANSFORMER_LAYERS_PY, judged, probe
from gradekit.checklib import Elsewhere, array, compare, fail

E, HEADS = 8, 2


def _written(value, name, shape):
    """``value`` as an array of ``shape``; an output never written (NaN everywhere: the
    probes fill what torch.empty hands out with NaN) is named as such."""
    if isinstance(value, np.ndarray) and value.size and np.isnan(value).all():
        fail(f"{name.capitalize()}: never written (NaN everywhere, as the given "
             "torch.empty leaves it): not implemented?")
    return array(value, name, shape)


def _weights(rng, e=E):
    return {name: (rng.standard_normal((e, e)) / np.sqrt(e), rng.standard_normal(e) * 0.1)
            for name in ("query", "key", "value", "proj")}


@pytest.mark.grade(number="5.1", points=3, notebook="Transformer_Captioning",
                   files=[TRANSFORMER_LAYERS_PY])
def test_attention_properties(student, rng):
    """MultiHeadAttention, eval mode: shape, order of the keys, a causal mask

    Moving key/value pairs together leaves the output alone; with a lower-triangular
    mask, changing the last position changes no earlier output.
    """
    weights = _weights(rng)
    x = rng.standard_normal((2, 4, E))
    out = _written(probe(student, "attention", E, HEADS, weights, x, x, x)["out"], "output",
                   (2, 4, E))
    again = probe(student, "attention", E, HEADS, weights, x, x, x)["out"]
    other = probe(student, "attention", E, HEADS, weights, x, x, x + 1.0)["out"]
    if np.max(np.abs(out)) > 1e6 or np.max(np.abs(again - out)) > 1e-9 or \
            np.max(np.abs(np.asarray(other) - out)) < 1e-9:
        fail("The output is not a function of the inputs yet (different for the same "
             "inputs, huge, or blind to the values): not implemented?")
    order = rng.permutation(4)
    moved = probe(student, "attention", E, HEADS, weights, x, x[:, order], x[:, order])["out"]
    compare("output with the key/value positions permuted together", moved, out, 1e-6)
    causal = np.tril(np.ones((4, 4), dtype=bool))
    before = probe(student, "attention", E, HEADS, weights, x, x, x, mask=causal)["out"]
    y = x.copy()
    y[:, -1] += rng.standard_normal((2, E))
    after = probe(student, "attention", E, HEADS, weights, y, y, y, mask=causal)["out"]
    compare("outputs of positions 0-2 after changing position 3 under a causal mask "
            "(a position must not see later ones; the mask allows where it is True)",
            array(after, "output", (2, 4, E))[:, :3], before[:, :3], 1e-6)


@pytest.mark.grade(number="6.1", points=3, notebook="Transformer_Captioning",
                   files=[TRANSFORMER_LAYERS_PY])
def test_positional_encoding_properties(student, rng):
    """PositionalEncoding: the buffer pe (1, max_len, D), position 0 = [0, 1, 0, 1, ...],
    and in eval mode forward(x) = x + pe[:, :S]"""
    x = rng.standard_normal((2, 3, 6))
    result = probe(student, "positional", 6, 10, x)
    pe = array(result["pe"], "pe", (1, 10, 6))
    compare("pe[0, 0] (sin 0 and cos 0)", pe[0, 0], np.tile([0.0, 1.0], 3), 1e-7,
            hypotheses=[("sin and cos swapped (cos in the even columns)",
                         np.tile([1.0, 0.0], 3))])
    if np.abs(pe).max() > 1 + 1e-6:
        fail("pe has entries beyond [-1, 1]; sines and cosines never do.")
    compare("forward(x) in eval mode vs x + pe[:, :S]", array(result["out"], "output",
                                                              (2, 3, 6)),
            x + pe[:, :3], 1e-6)


@pytest.mark.grade(number="7.1", points=3, notebook="Transformer_Captioning",
                   files=TRANSFORMER_FILES)
def test_captioning_transformer_causal(student, rng, credit, elsewhere):
    """CaptioningTransformer.forward, eval mode: scores (N, T, V), and the scores of a
    position do not depend on later words"""
    vocab = {"<NULL>": 0, "<START>": 1, "<END>": 2, "a": 3, "b": 4}
    sizes = dict(word_to_idx=vocab, input_dim=5, wordvec_dim=8, num_heads=2, num_layers=2,
                 max_length=10)
    shapes = probe(student, "parameter_shapes", *sizes.values())
    state = {name: rng.standard_normal(shape) * 0.5 for name, shape in shapes.items()}
    features = rng.standard_normal((2, 5))
    captions = rng.integers(0, 5, size=(2, 4))
    args = [*sizes.values(), state]
    scores = _written(probe(student, "caption_scores", *args, features, captions),
                      "scores", (2, 4, 5))
    changed = captions.copy()
    changed[:, -1] = (changed[:, -1] + 1) % 5
    later = array(probe(student, "caption_scores", *args, features, changed), "scores",
                  (2, 4, 5))
    again = array(probe(student, "caption_scores", *args, features, captions), "scores",
                  (2, 4, 5))
    moved = np.max(np.abs(later[:, 3] - scores[:, 3]))
    if np.max(np.abs(scores)) > 1e6 or np.max(np.abs(again - scores)) > 1e-9 or moved < 1e-9:
        fail("The scores are not a function of the inputs yet (different for the same "
             "inputs, huge, or blind to the last word): not implemented?")

    def noncausal_with_right_layers():
        fixed = [elsewhere.fixed_scores(student, *args, features, c) for c in (captions, changed)]
        return np.max(np.abs(fixed[0][:, :3] - fixed[1][:, :3])) > 1e-9

    hints = elsewhere.causal_hints(student, later[:, :3], noncausal_with_right_layers) \
        if elsewhere else []
    judged(credit, "causal", lambda: compare(
        "scores of positions 0-2 after changing the word at position 3 (a step must not see "
        "later words)", later[:, :3], scores[:, :3], 1e-6, hypotheses=hints))
