"""The draw of the sampling checks 4.5 and 10.4 (autograder/assignment3/captioning_setup.py,
``separating_draw``): on every seed, the spec's greedy captions differ from each bug
model's and from each other's, with no near-tie, so that the verdict and the named bug do
not depend on the grade's seed."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

_DIR = Path(__file__).resolve().parents[3] / "autograder" / "assignment3"


@pytest.fixture(scope="module")
def setup_module_():
    """captioning_setup, imported with a3lib (public/) on the path; both removed after."""
    sys.path.insert(0, str(_DIR / "public"))
    try:
        spec = importlib.util.spec_from_file_location("a3_captioning_setup_under_test",
                                                      _DIR / "captioning_setup.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(_DIR / "public"))
        sys.modules.pop("a3lib", None)


def _greedy_rnn(setup, p, features, length, bug):
    """An independent greedy vanilla-RNN loop: captions (n, length), smallest top gap."""
    h = features @ p["W_proj"] + p["b_proj"]
    if bug == "zero_h0":
        h = np.zeros_like(h)
    h0, word, out, gaps = h, np.full(len(features), 1), [], []
    for _ in range(length):
        h = np.tanh(p["W_embed"][word] @ p["Wx"] + (h0 if bug == "no_carry" else h) @ p["Wh"]
                    + p["b"])
        scores = h @ p["W_vocab"] + p["b_vocab"]
        gaps.append(setup.top_gap(scores))
        word = scores.argmax(axis=1)
        out.append(word)
    return np.stack(out, axis=1).astype(float), min(gaps)


@pytest.mark.parametrize("seed", range(10))
def test_every_bug_changes_the_captions(setup_module_, seed):
    setup = setup_module_
    bugs = ("zero_h0", "no_carry")

    def predict(p, f, bug):
        return _greedy_rnn(setup, p, f, 6, bug)

    params, features, want = setup.separating_draw(np.random.default_rng(seed), "rnn",
                                                   predict, bugs, (6, 5, 8), 8, 6)
    runs = [predict(params, features, bug) for bug in ("", *bugs)]
    np.testing.assert_array_equal(runs[0][0], want)
    assert all(gap >= 1e-6 for _, gap in runs)
    shifted = np.concatenate([np.ones((8, 1)), want[:, :-1]], axis=1)
    captions = [c for c, _ in runs] + [shifted]
    for i, a in enumerate(captions):
        for b in captions[i + 1:]:
            assert not np.array_equal(a, b)
    again = setup.separating_draw(np.random.default_rng(seed), "rnn", predict, bugs,
                                  (6, 5, 8), 8, 6)
    np.testing.assert_array_equal(again[2], want)


def test_a_bug_that_never_shows_is_an_error(setup_module_):
    setup = setup_module_

    def predict(p, f, bug):
        return _greedy_rnn(setup, p, f, 4, "")  # every "bug" samples like the spec

    with pytest.raises(RuntimeError, match="separates"):
        setup.separating_draw(np.random.default_rng(0), "rnn", predict, ("zero_h0",),
                              (6, 5, 8), 4, 4, tries=3)
