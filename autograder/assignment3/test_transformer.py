"""Hidden checks: MultiHeadAttention, PositionalEncoding and CaptioningTransformer.forward
in eval mode against the spec with weights the check sets (spec A3.2, "fair checks"), the
mask polarity, and where dropout sits (the dropout modules swapped for recording ones).

Rows that a mask blocks entirely are never compared (NaN in some right implementations,
uniform in others).
"""

import numpy as np
import pytest

import transformer_models as tm
from a3lib import TRANSFORMER_FILES, TRANSFORMER_LAYERS_PY, judged, probe, torch_helpers
from pathlib import Path

from gradekit.checklib import (Elsewhere, Parts, array, check_number,
                               compare, fail, worker_code)

FIXED = Path(__file__).resolve().parent / "torch_fixed.py"
MASK_CHECK = check_number("test_transformer.py::test_attention_mask")
VALUES_CHECK = check_number("test_transformer.py::test_attention_values")
PE_CHECK = check_number("test_transformer.py::test_positional_encoding_table")
PE_FORWARD_CHECK = check_number("test_transformer.py::test_positional_encoding_forward")


def weights_for(rng, e):
    return {name: (rng.standard_normal((e, e)) / np.sqrt(e), rng.standard_normal(e) * 0.2)
            for name in ("query", "key", "value", "proj")}


BUGS = (("scores scaled by sqrt(E) (the embedding size) instead of sqrt(E/h)", "scale_embed"),
        ("scores not scaled by sqrt(E/h)", "no_scale"),
        ("heads split by a direct reshape to (N, h, L, E/h) instead of reshape to "
         "(N, L, h, E/h) then transpose (positions mixed with features)", "direct_reshape"),
        ("softmax over the query axis (dim -2) instead of the key axis", "softmax_queries"),
        ("the output projection self.proj not applied", "no_proj"))


def _hints(weights, q, k, v, heads, mask=None, bugs=BUGS):
    return [(label, (lambda bug=bug: tm.attention(weights, q, k, v, heads, mask, bug)[0]))
            for label, bug in bugs]


@pytest.mark.grade(number="5.2", points=18, notebook="Transformer_Captioning",
                   files=[TRANSFORMER_LAYERS_PY])
def test_attention_values(student, rng, credit):
    """MultiHeadAttention.forward in eval mode: self-attention and attention to another
    sequence, with several heads, against the spec (float32 tolerance)"""
    parts = Parts(credit)
    cases = (("self-attention, E=12, 3 heads", 12, 3, 4, 4),
             ("attention to a longer sequence, E=12, 4 heads", 12, 4, 3, 5),
             ("one head, E=6", 6, 1, 3, 4))
    for label, e, heads, s, t in cases:
        def case(e=e, heads=heads, s=s, t=t):
            weights = weights_for(rng, e)
            q = rng.standard_normal((2, s, e))
            kv = q if s == t else rng.standard_normal((2, t, e))
            v = kv if s == t else rng.standard_normal((2, t, e))
            out = probe(student, "attention", e, heads, weights, q, kv, v)["out"]
            want = tm.attention(weights, q, kv, v, heads)[0]
            compare(f"output ({label})", array(out, "output", (2, s, e)), want, 1e-5,
                    hypotheses=_hints(weights, q, kv, v, heads))
        parts.run(0.2 if heads == 1 else 0.4, label, case)
    parts.finish()


def sane(out, again, shape):
    """Fail unless ``out`` is a real output: finite where defined, of ``shape``, the same
    for the same inputs, not huge nor constant (torch.empty in an unfilled stub is none
    of these)."""
    out = array(np.nan_to_num(out, nan=0.0) if isinstance(out, np.ndarray) else out,
                "output", shape)
    again = np.nan_to_num(np.asarray(again, dtype=float), nan=0.0)
    if np.max(np.abs(out)) > 1e6 or again.shape != out.shape or \
            np.max(np.abs(again - out)) > 1e-9 or np.ptp(out) == 0:  # moved rows judge the rest
        fail("The output is not a function of the inputs yet (different for the same "
             "inputs, huge, or constant): not implemented?")


def _mask(rng, s, t):
    """A random (S, T) boolean mask in which every row allows at least one key."""
    mask = rng.random((s, t)) < 0.5
    mask[np.arange(s), rng.integers(0, t, size=s)] = True
    return mask


@pytest.mark.grade(number="5.3", points=10, notebook="Transformer_Captioning",
                   files=[TRANSFORMER_LAYERS_PY])
def test_attention_mask(student, rng, credit):
    """MultiHeadAttention.forward with attn_mask (S, T): where it is False (0) a query does
    not see the key, elsewhere it does (a causal mask and a random one)

    Judged by what changes when one key/value position changes, so that a bug of the
    unmasked attention (charged in 5.2) is not charged again; no row is fully blocked.
    """
    e, heads = 8, 2
    parts = Parts(credit)
    for label, s, t in (("causal mask", 5, 5), ("random mask", 4, 6)):
        def case(s=s, t=t, label=label):
            weights = weights_for(rng, e)
            q = rng.standard_normal((2, s, e))
            kv = q if label == "causal mask" else rng.standard_normal((2, t, e))
            mask = np.tril(np.ones((s, t), dtype=bool)) if label == "causal mask" else \
                _mask(rng, s, t)
            column = 1 if label == "causal mask" else int(np.argmax(
                mask.any(axis=0) & ~mask.all(axis=0)))
            changed = kv.copy()
            changed[:, column] += rng.standard_normal((2, e))
            query = changed if label == "causal mask" else q
            before = probe(student, "attention", e, heads, weights, q, kv, kv, mask=mask)["out"]
            again = probe(student, "attention", e, heads, weights, q, kv, kv, mask=mask)["out"]
            sane(before, again, (2, s, e))
            after = probe(student, "attention", e, heads, weights, query, changed, changed,
                          mask=mask)["out"]
            before, after = (array(np.nan_to_num(x, nan=0.0) if isinstance(x, np.ndarray) else x,
                                   "output", (2, s, e)) for x in (before, after))
            moved = np.abs(after - before).max(axis=(0, 2)) > 1e-9 * max(
                1.0, np.abs(before).max())
            if label == "causal mask":
                moved[column] = True  # its own query changed too
            blocked = ~mask[:, column]
            allowed = mask[:, column]
            if np.any(moved[blocked]) or not np.all(moved[allowed]):
                others = allowed & (np.arange(s) != column)
                hint = ("attn_mask ignored (masked_fill's result not assigned?)"
                        if np.all(moved) else
                        "mask polarity reversed (filling where the mask is True/1, the "
                        "allowed positions)" if np.any(moved[blocked]) and not np.all(
                            moved[others]) else "")
                fail(f"With a {label}, changing key/value position {column} changed the "
                     f"outputs of queries {np.flatnonzero(moved).tolist()}; queries "
                     f"{np.flatnonzero(allowed).tolist()} may see it (mask True) and the "
                     f"others must not." + (f" This looks like: {hint}." if hint else ""))
        parts.run(0.5, label, case)
    parts.finish()


@pytest.mark.grade(number="5.4", points=10, notebook="Transformer_Captioning",
                   files=[TRANSFORMER_LAYERS_PY])
def test_attention_dropout(student, rng):
    """MultiHeadAttention: dropout goes on the attention weights (N, h, S, T), through
    the module's dropout (self.attn_drop), once

    Training mode with every dropout module swapped for a recording one that passes its
    input through: it must receive the softmax weights.
    """
    e, heads, s, t = 12, 3, 3, 5
    weights = weights_for(rng, e)
    q, kv = rng.standard_normal((2, s, e)), rng.standard_normal((2, t, e))
    result = probe(student, "attention", e, heads, weights, q, kv, kv, train=True,
                   record=True)
    attn = tm.attention(weights, q, kv, kv, heads)[1]
    if not result["dropouts"]:
        fail("MultiHeadAttention has no dropout module: the attention weights must pass "
             "through dropout (self.attn_drop) in training mode.")
    seen = [x for calls in result["seen"] for x in calls if isinstance(x, np.ndarray)]
    if not seen:
        fail("In training mode no dropout module of MultiHeadAttention was called "
             f"(found: {', '.join(result['dropouts'])}). Dropout must be applied by "
             "self.attn_drop to the attention weights (F.scaled_dot_product_attention with "
             "dropout_p, or functional dropout, bypasses the module).")
    on_weights = [x for x in seen if _attention_weights(x, attn.shape)]
    head_outputs = [x for x in seen if x.size == 2 * s * e]
    if not on_weights:
        shapes = ", ".join(str(x.shape) for x in seen)
        hint = (" This looks like: dropout applied to the head outputs (the 2021 wording) "
                "instead of the attention weights." if head_outputs else "")
        fail(f"The dropout received tensors of shapes {shapes}, none of them attention "
             f"weights (N, h, S, T) = {(2, heads, s, t)} (non-negative, each row over the "
             f"keys summing to 1).{hint}")
    if len(seen) > 1:
        fail(f"Dropout was applied {len(seen)} times in one forward pass; it belongs on "
             "the attention weights only.")
    own = probe(student, "attention", e, heads, weights, q, kv, kv)["out"]
    out = array(result["out"], "output", (2, s, e))
    compare("training-mode output with dropout switched off vs your eval-mode output", out,
            array(own, "eval-mode output", (2, s, e)), 1e-6)


def _attention_weights(x, shape):
    """Is ``x`` (N, h, S, T) or (N*h, S, T) softmax weights: non-negative rows summing to 1
    over the keys?"""
    if x.size != int(np.prod(shape)) or x.shape[-1] != shape[-1]:
        return False
    rows = x.reshape(-1, shape[-1])
    return bool(np.all(rows >= -1e-12) and np.max(np.abs(rows.sum(axis=1) - 1)) < 1e-6)


@pytest.mark.grade(number="6.2", points=10, notebook="Transformer_Captioning",
                   files=[TRANSFORMER_LAYERS_PY])
def test_positional_encoding_table(student, rng):
    """PositionalEncoding: pe[0, i, j] = sin(i 10000^(-j/D)) for even j and
    cos(i 10000^(-(j-1)/D)) for odd j, for every i < max_len"""
    dim, max_len = 8, 40
    pe = probe(student, "positional", dim, max_len, rng.standard_normal((1, 2, dim)))["pe"]
    pe = array(pe, "pe", (1, max_len, dim))
    compare("pe", pe, tm.positional_table(max_len, dim), 2e-5, hypotheses=[
        ("sin and cos swapped (cos in the even columns)", tm.positional_table(max_len, dim,
                                                                             "swapped")),
        ("exponent j/D used for the odd columns (should be (j-1)/D)",
         tm.positional_table(max_len, dim, "odd_exponent"))])


@pytest.mark.grade(number="6.3", points=9, notebook="Transformer_Captioning",
                   files=[TRANSFORMER_LAYERS_PY])
def test_positional_encoding_forward(student, rng, credit):
    """PositionalEncoding.forward: x + pe[:, :S] in eval mode; in training mode the
    dropout is applied to the sum (after the addition), once"""
    dim, max_len, s = 6, 12, 5
    x = rng.standard_normal((2, s, dim))
    parts = Parts(credit)
    table = tm.positional_table(max_len, dim)

    def evaluation():
        result = probe(student, "positional", dim, max_len, x)
        own = np.asarray(result["pe"], dtype=float).reshape(-1, max_len, dim) \
            if isinstance(result["pe"], np.ndarray) and result["pe"].size == max_len * dim \
            else None
        hints = [Elsewhere("x + pe[:, :S] with your pe, which is wrong",
                           (x + own[:, :s]) if own is not None else None, PE_CHECK)] \
            if own is not None and np.max(np.abs(own - table)) > 2e-5 else []
        compare("forward(x) in eval mode", array(result["out"], "output", (2, s, dim)),
                x + table[:, :s], 2e-5, hypotheses=hints)

    def dropout_place():
        result = probe(student, "positional", dim, max_len, x, train=True, record=True)
        seen = [a for calls in result["seen"] for a in calls if isinstance(a, np.ndarray)]
        if not seen:
            fail("In training mode the dropout module (self.dropout) was not called.")
        own = np.asarray(result["pe"], dtype=float).reshape(1, max_len, dim)[:, :s] \
            if isinstance(result["pe"], np.ndarray) and result["pe"].size == max_len * dim \
            else table[:, :s]
        good = [a for a in seen if a.shape == x.shape and np.max(np.abs(a - (x + own))) < 2e-5]
        if not good:
            before = any(a.shape == x.shape and np.max(np.abs(a - x)) < 1e-6 for a in seen)
            fail("The dropout did not receive x + pe[:, :S]."
                 + (" This looks like: dropout applied to x before the addition."
                    if before else ""))
        if len(seen) > 1:
            fail(f"Dropout was applied {len(seen)} times in one forward pass.")

    parts.run(0.6, "eval mode", evaluation)
    parts.run(0.4, "dropout after the addition", dropout_place)
    parts.finish()


SIZES = dict(input_dim=6, wordvec_dim=8, num_heads=2, num_layers=2, max_length=12)
VOCAB = {"<NULL>": 0, "<START>": 1, "<END>": 2, "a": 3, "cat": 4, "on": 5, "mat": 6}


@pytest.mark.grade(number="7.2", points=24, notebook="Transformer_Captioning",
                   files=TRANSFORMER_FILES)
def test_captioning_transformer_forward(student, rng, credit):
    """CaptioningTransformer.forward in eval mode: scores (N, T, V) against the spec's
    model in numpy with the same random weights (a linspace model cannot show mask, scale
    or positional-encoding bugs)"""
    torch_helpers(student)  # an environment limit, said so, when the worker lacks torch
    shapes = tm.caption_parameters(len(VOCAB), SIZES["input_dim"], SIZES["wordvec_dim"],
                                   SIZES["num_layers"])
    state = {name: rng.standard_normal(shape) * 0.5 for name, shape in shapes}
    features = rng.standard_normal((3, SIZES["input_dim"]))
    captions = rng.integers(0, len(VOCAB), size=(3, 5))
    args = [dict(VOCAB), *SIZES.values(), state, features, captions]
    scores = probe(student, "caption_scores", *args)

    def model(**bug):
        return tm.caption_scores(state, features, captions, SIZES["num_heads"],
                                 SIZES["num_layers"], SIZES["max_length"], **bug)

    want = model()

    def forward_alone_right():
        """The student's scores, when its forward with right layers swapped in gives the
        spec's (the forward is right; the layers it uses are not)."""
        fixed = worker_code(student, FIXED).call("fixed_scores", *args, timeout=60.0)
        if isinstance(fixed, np.ndarray) and fixed.shape == want.shape and \
                np.max(np.abs(fixed - want)) <= 1e-6 * max(1.0, np.max(np.abs(want))):
            return scores
        return None

    judged(credit, "scores", lambda: compare(
        "scores", array(scores, "scores", (3, 5, len(VOCAB))), want, 1e-6, hypotheses=[
        Elsewhere("the forward is right; your MultiHeadAttention or PositionalEncoding is "
                  "wrong", forward_alone_right,
                  lambda: f"{VALUES_CHECK}-{MASK_CHECK} or {PE_CHECK}-{PE_FORWARD_CHECK}"),
        ("an upper-triangular mask (steps see the future words)", lambda: model(mask="triu")),
        ("no causal mask passed to the decoder", lambda: model(mask="none")),
        ("the positional encoding skipped", lambda: model(encode=False))]))
