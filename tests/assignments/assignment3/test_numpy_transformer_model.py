"""The numpy CaptioningTransformer that check 7.2 takes as its reference
(autograder/assignment3/transformer_models.py) against the PyTorch reference: the same
parameter names, shapes and order, and the same scores in eval mode, with the spec's
causal mask and with the bug variants the check names."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the comparison needs the PyTorch reference")

from .reference_helpers import ref  # noqa: E402

_PATH = Path(__file__).resolve().parents[3] / "autograder" / "assignment3" / \
    "transformer_models.py"
_SPEC = importlib.util.spec_from_file_location("a3_transformer_models_under_test", _PATH)
tm = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(tm)

VOCAB = {"<NULL>": 0, "<START>": 1, "<END>": 2, "a": 3, "cat": 4, "on": 5, "mat": 6}
SIZES = dict(input_dim=6, wordvec_dim=8, num_heads=2, num_layers=2, max_length=12)


@pytest.fixture(scope="module")
def model_and_state():
    torch.manual_seed(0)
    model = ref("classifiers.transformer").CaptioningTransformer(
        dict(VOCAB), **SIZES).double().eval()
    rng = np.random.default_rng(5)
    shapes = tm.caption_parameters(len(VOCAB), SIZES["input_dim"], SIZES["wordvec_dim"],
                                   SIZES["num_layers"])
    state = {name: rng.standard_normal(shape) * 0.5 for name, shape in shapes}
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.tensor(state[name]))
    return model, state, shapes


def test_parameters_listed_as_the_reference_names_them(model_and_state):
    model, _, shapes = model_and_state
    assert shapes == [(name, tuple(p.shape)) for name, p in model.named_parameters()]


def _torch_scores(model, features, captions, mask="tril", encode=True):
    with torch.no_grad():
        f, c = torch.tensor(features), torch.tensor(captions)
        words = model.embedding(c)
        if encode:
            words = model.positional_encoding(words)
        memory = model.visual_projection(f).unsqueeze(1)
        T = c.shape[1]
        tgt_mask = {"tril": torch.tril(torch.ones(T, T)), "triu": torch.triu(
            torch.ones(T, T)), "none": None}[mask]
        return model.output(model.transformer(words, memory, tgt_mask=tgt_mask)).numpy()


@pytest.mark.parametrize("bug", [{}, {"mask": "triu"}, {"mask": "none"}, {"encode": False}])
def test_scores_match_the_pytorch_reference(model_and_state, bug):
    model, state, _ = model_and_state
    rng = np.random.default_rng(6)
    features = rng.standard_normal((3, SIZES["input_dim"]))
    captions = rng.integers(0, len(VOCAB), size=(3, 5))
    got = tm.caption_scores(state, features, captions, SIZES["num_heads"],
                            SIZES["num_layers"], SIZES["max_length"], **bug)
    want = _torch_scores(model, features, captions, **bug)
    if not bug:
        with torch.no_grad():
            direct = model(torch.tensor(features), torch.tensor(captions)).numpy()
        np.testing.assert_allclose(want, direct, rtol=0, atol=1e-12)
    assert got.shape == (3, 5, len(VOCAB))
    # the reference's table is computed in float32: agreement to float32 rounding
    assert np.max(np.abs(got - want)) <= 1e-6 * max(1.0, np.max(np.abs(want)))
    if bug:
        right = tm.caption_scores(state, features, captions, SIZES["num_heads"],
                                  SIZES["num_layers"], SIZES["max_length"])
        assert np.max(np.abs(right - got)) > 1e-3
