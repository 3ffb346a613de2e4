"""Bug models of assignment 3 (spec A3.6): what a known bug makes a function return, and
which other check charges a value that is wrong only because of another function.

Predictions are computed in the controller with numpy (the RNN) or from the reference
modules; none runs student code except the "with your own layers" pipelines, which call
the student's layer functions in the worker.
"""

from __future__ import annotations

import numpy as np

from a3lib import call, gradient_of
from captioning_setup import top_gap
from pathlib import Path

from gradekit.checklib import (Elsewhere, check_number, numeric_gradient, scaled_error,
                               worker_code)
from gradekit.sandbox.controller import StudentException

STEP_FORWARD = check_number("test_rnn.py::test_rnn_step_forward")
STEP_BACKWARD = check_number("test_rnn.py::test_rnn_step_backward")
SEQ_FORWARD = check_number("test_rnn.py::test_rnn_forward")
SEQ_BACKWARD = check_number("test_rnn.py::test_rnn_backward")
EMB_FORWARD = check_number("test_rnn.py::test_word_embedding_forward")
EMB_BACKWARD = check_number("test_rnn.py::test_word_embedding_backward")


# ------------------------------------------------------------------ numpy RNN variants
def step_forward(x, prev_h, Wx, Wh, b):
    return np.tanh(x @ Wx + prev_h @ Wh + b)


def step_backward(dnext, x, prev_h, Wx, Wh, next_h, bug=""):
    """(dx, dprev_h, dWx, dWh, db) of one step, or of one of its bugs."""
    slope = 1 - next_h if bug == "tanh_linear" else 1 - next_h ** 2
    da = dnext * slope
    dprev = da @ (Wh if bug == "wh_untransposed" else Wh.T)
    return da @ Wx.T, dprev, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def sequence_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h, prev = np.zeros((N, T, h0.shape[1])), h0
    for t in range(T):
        prev = h[:, t] = step_forward(x[:, t], prev, Wx, Wh, b)
    return h


def sequence_backward(dh, x, h0, Wx, Wh, b, bug=""):
    """(dx, dh0, dWx, dWh, db) of the sequence, or of one of its bugs."""
    h = sequence_forward(x, h0, Wx, Wh, b)
    N, T, _ = x.shape
    dx = np.zeros_like(x)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    carried = np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        prev = h0 if t == 0 else h[:, t - 1]
        upstream = dh[:, t] if bug == "no_carry" else dh[:, t] + carried
        dx[:, t], dprev, gx, gh, gb = step_backward(upstream, x[:, t], prev, Wx, Wh, h[:, t])
        if bug == "overwrite":
            dWx, dWh, db = gx, gh, gb
        else:
            dWx, dWh, db = dWx + gx, dWh + gh, db + gb
        carried = dprev
    return dx, carried, dWx, dWh, db


def embedding_backward_fancy(x, dout, V):
    dW = np.zeros((V, dout.shape[-1]))
    dW[x] += dout
    return dW


# ------------------------------------------------------------------ the student's own layers
def _student_step_wrong(student, rng, which=("forward", "backward")) -> bool:
    """Does the student's rnn_step_forward (its next_h) or rnn_step_backward (for the cache
    of the student's own forward) differ from the formulas? ``which`` says which to ask."""
    x, h, Wx, Wh, b = (rng.standard_normal(s) for s in ((3, 4), (3, 5), (4, 5), (5, 5), (5,)))
    dnext = rng.standard_normal((3, 5))
    try:
        next_h, cache = call(student, "rnn_step_forward", x, h, Wx, Wh, b).value
        if "forward" in which and scaled_error(np.asarray(next_h, dtype=float),
                                               step_forward(x, h, Wx, Wh, b)) > 1e-6:
            return True
        if "backward" not in which:
            return False
        got = call(student, "rnn_step_backward", dnext, cache).value
        want = step_backward(dnext, x, h, Wx, Wh, step_forward(x, h, Wx, Wh, b))
        return any(scaled_error(np.asarray(g, dtype=float).reshape(w.shape), w) > 1e-6
                   for g, w in zip(got, want))
    except (StudentException, TypeError, ValueError):
        return True


def wrong(student, function, args, expected, pick=None) -> bool:
    """Does the student's ``function(*args)`` (item ``pick`` of it) differ from expected?"""
    try:
        value = call(student, function, *args).value
        if pick is not None:
            value = value[pick]
        return scaled_error(np.asarray(value, dtype=float).reshape(np.shape(expected)),
                            expected) > 1e-6
    except (StudentException, TypeError, ValueError, IndexError):
        return True


class Hidden:
    """The bug models the public checks ask in the grade (fixture ``hidden_models``)."""

    def __init__(self, student, reference):
        self.student = student
        self.layers = reference.module("cs231n.rnn_layers")
        self.rng = np.random.default_rng(7)
        self.lstm = LSTMHidden(student, self.rng, self.layers)

    @staticmethod
    def where(name: str) -> str:
        """The check number a bug model names (``LSTM_FORWARD``, ...), for the public
        checks, which cannot import this module."""
        return globals()[name]

    # -- which of the student's layers are wrong (each asked on a mismatch only)
    def step_wrong(self) -> bool:
        return _student_step_wrong(self.student, self.rng)

    def step_forward_wrong(self) -> bool:
        return _student_step_wrong(self.student, self.rng, ("forward",))

    def step_backward_wrong(self) -> bool:
        return _student_step_wrong(self.student, self.rng, ("backward",))

    def embedding_backward_wrong(self) -> bool:
        x = np.array([[0, 1, 1], [2, 0, 1]])
        dout = self.rng.standard_normal((2, 3, 4))
        W = self.rng.standard_normal((3, 4))
        try:
            _, cache = call(self.student, "word_embedding_forward", x, W).value
        except (StudentException, TypeError, ValueError):
            return True
        expected = np.zeros_like(W)
        np.add.at(expected, x, dout)
        return wrong(self.student, "word_embedding_backward", (dout, cache), expected)

    def sequence_backward_wrong(self) -> bool:
        x, h0, Wx, Wh, b, dh = (self.rng.standard_normal(s) for s in (
            (2, 3, 4), (2, 5), (4, 5), (5, 5), (5,), (2, 3, 5)))
        try:
            _, cache = call(self.student, "rnn_forward", x, h0, Wx, Wh, b).value
            got = call(self.student, "rnn_backward", dh, cache).value
        except (StudentException, TypeError, ValueError):
            return True
        want = sequence_backward(dh, x, h0, Wx, Wh, b)
        try:
            return any(scaled_error(np.asarray(g, dtype=float).reshape(w.shape), w) > 1e-6
                       for g, w in zip(got, want))
        except (TypeError, ValueError):
            return True

    def sequence_forward_wrong(self) -> bool:
        x, h0, Wx, Wh, b = (self.rng.standard_normal(s) for s in (
            (2, 3, 4), (2, 5), (4, 5), (5, 5), (5,)))
        return wrong(self.student, "rnn_forward", (x, h0, Wx, Wh, b),
                     sequence_forward(x, h0, Wx, Wh, b), pick=0)

    def embedding_forward_wrong(self) -> bool:
        x, W = np.array([[0, 2], [1, 1]]), self.rng.standard_normal((3, 4))
        return wrong(self.student, "word_embedding_forward", (x, W), W[x], pick=0)

    def own_steps_backward(self, student, x, h0, Wx, Wh, b, dh):
        """(dx, dh0, dWx, dWh, db): the right recursion over the student's own
        rnn_step_forward and rnn_step_backward."""
        T = x.shape[1]
        carried, dx, sums = np.zeros_like(h0), np.zeros_like(x), None
        prev, caches = h0, []
        for t in range(T):
            prev, step_cache = call(student, "rnn_step_forward", x[:, t], prev, Wx, Wh,
                                    b).value
            caches.append(step_cache)
        for t in range(T - 1, -1, -1):
            g = call(student, "rnn_step_backward", dh[:, t] + carried, caches[t]).value
            g = [np.asarray(v, dtype=float) for v in g]
            dx[:, t], carried = g[0], g[1]
            sums = g[2:] if sums is None else [a + c for a, c in zip(sums, g[2:])]
        return (dx, carried, *sums)

    def rnn_backward_hints(self, student, args, dh, index):
        """rnn_backward right for what the student's rnn_step_backward gives."""
        found = {}

        def predict():
            if "value" not in found:
                found["value"] = self.own_steps_backward(student, *args, dh)
            return found["value"][index]
        return [Elsewhere("rnn_backward is right for what your rnn_step_backward gives; "
                          "rnn_step_backward is wrong", predict, STEP_BACKWARD,
                          confirm=self.step_backward_wrong),
                Elsewhere("rnn_backward is right for the states your rnn_step_forward gives; "
                          "rnn_step_forward is wrong", predict, STEP_FORWARD,
                          confirm=self.step_forward_wrong)]

    # -- gradient cells whose backward is right but whose forward is not
    def right_backward_hints(self, forward, args, upstream, index):
        """A notebook gradient cell (centered differences of the student's forward against
        its backward) where the backward gives the gradients of the spec's forward: the
        forward is wrong, charged in its own check. ``forward``: rnn_step_forward,
        rnn_forward or word_embedding_forward; ``args`` its inputs."""
        if forward == "rnn_step_forward":
            x, prev_h, Wx, Wh, b = args
            grads = step_backward(upstream, x, prev_h, Wx, Wh,
                                  step_forward(x, prev_h, Wx, Wh, b))
            where, confirm = STEP_FORWARD, self.step_forward_wrong
        elif forward == "rnn_forward":
            grads = sequence_backward(upstream, *args)
            where, confirm = SEQ_FORWARD, self.sequence_forward_wrong
        else:
            x, W = args
            dW = np.zeros_like(np.asarray(W, dtype=float))
            np.add.at(dW, x, upstream)
            grads = (None, dW)
            where, confirm = EMB_FORWARD, self.embedding_forward_wrong
        if grads[index] is None:
            return []
        backward = forward.replace("forward", "backward")
        return [Elsewhere(f"your {backward} is right (it gives the gradients of the "
                          f"spec's {forward}); {forward} is wrong", grads[index], where,
                          confirm=confirm)]

    # -- hints of the notebook checks
    def rnn_forward_hints(self, student, args):
        """rnn_forward is right for what the student's step forward gives."""
        def own_steps():
            x, h0, Wx, Wh, b = args
            prev, states = h0, []
            for t in range(x.shape[1]):
                prev = np.asarray(call(student, "rnn_step_forward", x[:, t], prev, Wx, Wh,
                                       b).value[0], dtype=float)
                states.append(prev)
            return np.stack(states, axis=1)

        x, h0, Wx, Wh, b = args
        right = sequence_forward(x, h0, Wx, Wh, b)
        N, T, H = right.shape
        return [Elsewhere("rnn_forward is right for what your rnn_step_forward gives; "
                          "rnn_step_forward is wrong", own_steps, STEP_FORWARD),
                ("h0 not used: the recurrence starts from zeros instead of h0",
                 lambda: sequence_forward(x, np.zeros_like(h0), Wx, Wh, b)),
                ("the states stacked time-major (T, N, H) and reshaped to (N, T, H) instead "
                 "of transposed (rows mixed across examples and steps)",
                 right.transpose(1, 0, 2).reshape(N, T, H))]

    def loss_hints(self, student, params, features, captions, null=0):
        """The captioning loss, right for the student's own layers, or divided by tokens."""
        tokens = max(int(np.sum(captions[:, 1:] != null)), 1)

        def per_token():
            return np.array([self.reference_loss(params, features, captions)[0]
                             * captions.shape[0] / tokens])

        hints = [("temporal_softmax_loss (given code) edited to divide by the number of "
                  "unmasked tokens instead of by N", per_token)]
        for label, wrong_, check in (
                ("word_embedding_forward is wrong", self.embedding_forward_wrong, EMB_FORWARD),
                ("rnn_step_forward is wrong", self.step_forward_wrong, STEP_FORWARD),
                ("rnn_forward is wrong", self.sequence_forward_wrong, SEQ_FORWARD)):
            hints.append(Elsewhere(
                f"the loss is right for what your layers give; {label}",
                lambda: np.array([self.own_layers_loss(student, params, features,
                                                       captions)[0]]),
                check, confirm=wrong_))
        return hints

    def gradcheck_hints(self, student, name, value, own_layers=None):
        """A gradient check that fails only because a layer is wrong: its backward, or its
        forward (the loss's centered differences follow the wrong forward while the
        backward passes give the gradients of the right one). ``own_layers()``: the
        gradients of the captioning pipeline built on the student's layers."""
        value = np.asarray(value, dtype=float) if value is not None else None
        if value is None:
            return []
        forwards = [("word_embedding_forward is wrong", self.embedding_forward_wrong,
                     EMB_FORWARD),
                    ("rnn_step_forward is wrong", self.step_forward_wrong, STEP_FORWARD),
                    ("rnn_forward is wrong", self.sequence_forward_wrong, SEQ_FORWARD)]
        hints = [Elsewhere(f"your gradients are what your layers give; {label}",
                           (lambda: own_layers()[name]) if own_layers else None, check,
                           confirm=test) for label, test, check in forwards]
        models = [("word_embedding_backward is wrong", self.embedding_backward_wrong,
                   EMB_BACKWARD)] if name == "W_embed" else []
        if name in ("W_embed", "W_proj", "b_proj", "Wx", "Wh", "b"):
            models += [("rnn_step_backward is wrong", self.step_backward_wrong,
                        STEP_BACKWARD),
                       ("rnn_backward is wrong", self.sequence_backward_wrong, SEQ_BACKWARD)]
        return hints + [Elsewhere(f"your gradients follow your layers' backward passes; "
                                  f"{label}", value, check, confirm=test)
                        for label, test, check in models]

    def nonfinite_loss(self, student, params, features, captions):
        """For a loss that is not finite: the bug charged elsewhere when the captioning
        pipeline on the student's own layers is not finite either and one of them is
        wrong (an Elsewhere, its prediction the pipeline's loss), else None."""
        try:
            # the student's own temporal_softmax_loss (part of the hand-in) on the scores
            # of its own layers, and on those of the reference's
            own = self._pipeline(student, params, features, captions, 0, own_loss=True)[0]
            right = self._pipeline(student, params, features, captions, 0, own_loss=True,
                                   own_layers=False)[0]
        except Exception:  # noqa: BLE001 - the student's code failed: no excuse
            return None
        if np.all(np.isfinite(np.asarray(own, dtype=float))) or \
                not np.all(np.isfinite(np.asarray(right, dtype=float))):
            return None
        for label, wrong_, check in (
                ("word_embedding_forward is wrong", self.embedding_forward_wrong,
                 EMB_FORWARD),
                ("rnn_step_forward is wrong", self.step_forward_wrong, STEP_FORWARD),
                ("rnn_forward is wrong", self.sequence_forward_wrong, SEQ_FORWARD)):
            if wrong_():
                return Elsewhere(f"your temporal_softmax_loss is not finite on the scores of "
                                 f"your layers (it is on right ones); {label}", own, check)
        return None

    # -- the Transformer (public 7.1 in the grade)
    def causal_hints(self, student, value, noncausal_with_right_layers):
        """The forward is causal but the attention mask handling is not (charged in 5.3), or
        the forward's own mask lets steps see later words."""
        where = check_number("test_transformer.py::test_attention_mask")
        return [Elsewhere("your MultiHeadAttention handles the mask wrongly", value, where,
                          confirm=lambda: attention_mask_wrong(student, self.rng)),
                ("the causal mask of CaptioningTransformer.forward lets a step see later words "
                 "(an upper-triangular mask, or none)",
                 lambda: value if noncausal_with_right_layers() else None)]

    def fixed_scores(self, student, *args):
        """The student's CaptioningTransformer.forward with right layers swapped in."""
        fixed = Path(__file__).resolve().parent / "torch_fixed.py"
        return worker_code(student, fixed).call("fixed_scores", *args, timeout=60.0)

    # -- the captioning pipeline, with the reference's layers or the student's own
    def reference_loss(self, params, features, captions, null=0, cell="rnn"):
        return self._pipeline(None, params, features, captions, null, cell=cell)

    def own_layers_loss(self, student, params, features, captions, null=0, cell="rnn"):
        return self._pipeline(student, params, features, captions, null, cell=cell)

    def _pipeline(self, student, p, features, captions, null, own_loss=False,
                  own_layers=True, cell="rnn"):
        """(loss, grads) of the captioning model built on the reference's layers
        (``student`` None) or the student's (``own_layers``); ``own_loss``: the loss only,
        by the student's temporal_softmax_loss; ``cell``: "rnn" or "lstm"."""
        L = self.layers

        def use(name, *args):
            if student is None or not own_layers:
                return getattr(L, name)(*args)
            return call(student, name, *args).value

        cin, cout = captions[:, :-1], captions[:, 1:]
        mask = cout != null
        h0 = features @ p["W_proj"] + p["b_proj"]
        words, ecache = use("word_embedding_forward", cin, p["W_embed"])
        states, rcache = use(f"{cell}_forward", np.asarray(words, dtype=float), h0, p["Wx"],
                             p["Wh"], p["b"])
        scores, acache = L.temporal_affine_forward(np.asarray(states, dtype=float),
                                                   p["W_vocab"], p["b_vocab"])
        if own_loss:
            loss = call(student, "temporal_softmax_loss", scores, cout, mask).value[0]
            return loss, None
        loss, dscores = L.temporal_softmax_loss(scores, cout, mask)
        dstates, dWv, dbv = L.temporal_affine_backward(dscores, acache)
        dwords, dh0, dWx, dWh, db = use(f"{cell}_backward", dstates, rcache)
        dWe = use("word_embedding_backward", np.asarray(dwords, dtype=float), ecache)
        grads = {"W_embed": dWe, "W_proj": features.T @ dh0, "b_proj": np.sum(dh0, axis=0),
                 "Wx": dWx, "Wh": dWh, "b": db, "W_vocab": dWv, "b_vocab": dbv}
        return loss, {k: np.asarray(v, dtype=float) for k, v in grads.items()}


# ------------------------------------------------------------------ the Transformer
def attention_mask_wrong(student, rng) -> bool:
    """Does the student's MultiHeadAttention handle a causal boolean mask wrongly?"""
    import transformer_models as tm
    from a3lib import probe

    e, heads, s = 8, 2, 4
    weights = {n: (rng.standard_normal((e, e)) / np.sqrt(e), rng.standard_normal(e) * 0.2)
               for n in ("query", "key", "value", "proj")}
    x = rng.standard_normal((2, s, e))
    mask = np.tril(np.ones((s, s), dtype=bool))
    try:
        out = probe(student, "attention", e, heads, weights, x, x, x, mask=mask)["out"]
    except StudentException:
        return True
    want = tm.attention(weights, x, x, x, heads, mask)[0]
    return not isinstance(out, np.ndarray) or out.shape != want.shape or \
        not np.all(np.isfinite(out)) or np.max(np.abs(out - want)) > 1e-5 * np.max(np.abs(want))


# ------------------------------------------------------------------ the LSTM (extra credit)
LSTM_STEP_FORWARD = check_number("test_lstm.py::test_lstm_step_forward")
LSTM_STEP_BACKWARD = check_number("test_lstm.py::test_lstm_step_backward")
LSTM_FORWARD = check_number("test_lstm.py::test_lstm_forward")
LSTM_BACKWARD = check_number("test_lstm.py::test_lstm_backward")

SPEC_ORDER = "ifog"
"""The spec's order of the four gate blocks of a = x Wx + prev_h Wh + b."""


def _sigmoid(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def to_spec_order(W, order):
    """The columns of W (..., 4H), whose blocks are the gates in ``order`` (a string such
    as "ifgo"), rearranged into the spec's order i, f, o, g."""
    blocks = np.split(W, 4, axis=-1)
    return np.concatenate([blocks[order.index(gate)] for gate in SPEC_ORDER], axis=-1)


def from_spec_order(W, order):
    """The inverse of :func:`to_spec_order`: spec-ordered columns laid out in ``order``."""
    blocks = np.split(W, 4, axis=-1)
    return np.concatenate([blocks[SPEC_ORDER.index(gate)] for gate in order], axis=-1)


LSTM_FORWARD_BUGS = {
    "sigmoid_g": "sigmoid on the candidate g instead of tanh",
    "no_tanh_c": "next_h = o * next_c (tanh of the cell left out)",
    "forget_on_new": "the forget gate applied to the new content instead of the previous "
                     "cell (next_c = f * (i * g) + prev_c instead of f * prev_c + i * g)",
}
"""Known bugs of lstm_step_forward (``bug`` of :func:`lstm_step`), named."""


def _lstm_values(x, prev_h, prev_c, Wxs, Whs, bs, bug=""):
    """i, f, o, g (N, H) each and next_c (N, H) of one step on spec-ordered weights, as
    the spec's forward computes them or as the forward with ``bug`` does."""
    i, f, o, g = np.split(x @ Wxs + prev_h @ Whs + bs, 4, axis=1)
    i, f, o = _sigmoid(i), _sigmoid(f), _sigmoid(o)
    g = _sigmoid(g) if bug == "sigmoid_g" else np.tanh(g)
    next_c = f * (i * g) + prev_c if bug == "forget_on_new" else f * prev_c + i * g
    return i, f, o, g, next_c


def lstm_step(x, prev_h, prev_c, Wx, Wh, b, order=SPEC_ORDER, bug=""):
    """(next_h, next_c) of one LSTM step (spec A3.2), its gate blocks read in ``order``,
    or with ``bug``, a key of :data:`LSTM_FORWARD_BUGS`.
    Shapes: x (N, D), prev_h and prev_c (N, H), Wx (D, 4H), Wh (H, 4H), b (4H,)."""
    _, _, o, _, next_c = _lstm_values(x, prev_h, prev_c, to_spec_order(Wx, order),
                                      to_spec_order(Wh, order), to_spec_order(b, order), bug)
    next_h = o * (next_c if bug == "no_tanh_c" else np.tanh(next_c))
    return next_h, next_c


def lstm_step_backward(dnext_h, dnext_c, x, prev_h, prev_c, Wx, Wh, b, order=SPEC_ORDER,
                       bug="", cached=""):
    """(dx, dprev_h, dprev_c, dWx, dWh, db) of one LSTM step whose gates are read in
    ``order``, or with ``bug``: "no_h_path" (the cell gradient is dnext_c alone),
    "no_f" (dprev_c without the factor f). ``cached``: a bug of the forward (a key of
    :data:`LSTM_FORWARD_BUGS`); the spec's backward formulas are then applied to the
    gates and the cell that forward computed and cached (a backward right in itself, fed
    by a wrong forward)."""
    Wxs, Whs, bs = (to_spec_order(v, order) for v in (Wx, Wh, b))
    i, f, o, g, next_c = _lstm_values(x, prev_h, prev_c, Wxs, Whs, bs, cached)
    tc = np.tanh(next_c)
    dc = dnext_c if bug == "no_h_path" else dnext_c + dnext_h * o * (1 - tc ** 2)
    dprev_c = dc if bug == "no_f" else dc * f
    da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f),
                         dnext_h * tc * o * (1 - o), dc * i * (1 - g ** 2)], axis=1)
    return (da @ Wxs.T, da @ Whs.T, dprev_c,
            from_spec_order(x.T @ da, order), from_spec_order(prev_h.T @ da, order),
            from_spec_order(da.sum(axis=0), order))


def lstm_sequence(x, h0, Wx, Wh, b, c0=None, order=SPEC_ORDER):
    """(h (N, T, H), c (N, T, H)) of the LSTM over x (N, T, D) from h0 and a zero cell
    (or ``c0``)."""
    N, T, _ = x.shape
    h, c = np.zeros((N, T, h0.shape[1])), np.zeros((N, T, h0.shape[1]))
    prev_h, prev_c = h0, np.zeros_like(h0) if c0 is None else c0
    for t in range(T):
        prev_h, prev_c = lstm_step(x[:, t], prev_h, prev_c, Wx, Wh, b, order)
        h[:, t], c[:, t] = prev_h, prev_c
    return h, c


def lstm_sequence_backward(dh, x, h0, Wx, Wh, b, bug="", order=SPEC_ORDER, c0=None):
    """(dx, dh0, dWx, dWh, db) of the LSTM over a sequence, or with ``bug``:
    "no_c_carry" (the cell gradient not carried between steps), "no_h_carry" (the hidden
    gradient not carried). ``c0``: along the states of a forward whose cell starts at
    c0 (N, H) instead of zeros; dh0 then leaves out what flows through that cell, as a
    right backward given such a cache does (the spec has no dc0)."""
    h, c = lstm_sequence(x, h0, Wx, Wh, b, c0=c0, order=order)
    N, T, _ = x.shape
    dx = np.zeros_like(x)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    carried_h, carried_c = np.zeros_like(h0), np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        prev_h = h0 if t == 0 else h[:, t - 1]
        prev_c = (np.zeros_like(h0) if c0 is None else c0) if t == 0 else c[:, t - 1]
        up_h = dh[:, t] if bug == "no_h_carry" else dh[:, t] + carried_h
        up_c = np.zeros_like(h0) if bug == "no_c_carry" else carried_c
        dx[:, t], carried_h, carried_c, gx, gh, gb = lstm_step_backward(
            up_h, up_c, x[:, t], prev_h, prev_c, Wx, Wh, b, order)
        dWx, dWh, db = dWx + gx, dWh + gh, db + gb
    return dx, carried_h, dWx, dWh, db


def lstm_sample(p, features, length, start, bug="", student=None, gaps=None):
    """Greedy LSTM captions (N, length) as floats: h0 = features W_proj + b_proj, a zero
    cell, <START> (``start``) first; ``bug`` "cell_h0" (the cell starts as h0),
    "no_cell_carry" (the cell reset at every step), "zero_h0" (h0 not projected from the
    features); ``student``: with the student's own lstm_step_forward; ``gaps``: a list
    that gets each step's :func:`top_gap`."""
    n = len(features)
    h = features @ p["W_proj"] + p["b_proj"]
    if bug == "zero_h0":
        h = np.zeros_like(h)
    c = h.copy() if bug == "cell_h0" else np.zeros_like(h)
    word, out = np.full(n, start), np.zeros((n, length))
    for t in range(length):
        if bug == "no_cell_carry":
            c = np.zeros_like(h)
        if student is None:
            h, c = lstm_step(p["W_embed"][word], h, c, p["Wx"], p["Wh"], p["b"])
        else:
            got = call(student, "lstm_step_forward", p["W_embed"][word], h, c, p["Wx"],
                       p["Wh"], p["b"]).value
            h, c = np.asarray(got[0], dtype=float), np.asarray(got[1], dtype=float)
        scores = h @ p["W_vocab"] + p["b_vocab"]
        if gaps is not None:
            gaps.append(top_gap(scores))
        out[:, t] = scores.argmax(axis=1)
        word = out[:, t].astype(int)
    return out


def _lstm_args(rng, N=3, D=4, H=5, T=None):
    shape_x = (N, D) if T is None else (N, T, D)
    return (rng.standard_normal(shape_x), rng.standard_normal((N, H)),
            rng.standard_normal((D, 4 * H)) * 0.5, rng.standard_normal((H, 4 * H)) * 0.5,
            rng.standard_normal(4 * H) * 0.5)


class LSTMHidden:
    """Which of the student's LSTM functions are wrong (each asked on a mismatch only),
    the pipelines on the student's own LSTM layers, and what the gradient checks compare
    with: the gradients of the reference's forward (``layers``: its cs231n.rnn_layers),
    so that a forward bug is charged in the forward's checks only."""

    def __init__(self, student, rng, layers=None):
        self.student = student
        self.rng = rng
        self.layers = layers

    # -- the expected gradients of the notebook's gradient-check cells (8.3, 9.3)
    def step_numeric(self, args, dnext_h, dnext_c):
        """Centered differences of the reference's lstm_step_forward, through next_h
        (dnext_h) and next_c (dnext_c), with respect to each of ``args`` (x, prev_h,
        prev_c, Wx, Wh, b): a tuple of six arrays of their shapes."""
        forward = self.layers.lstm_step_forward

        def grad(index):
            def out(value):
                full = list(args)
                full[index] = value
                next_h, next_c, _ = forward(*full)
                return np.concatenate([next_h, next_c], axis=1)
            return numeric_gradient(out, args[index], np.concatenate([dnext_h, dnext_c],
                                                                      axis=1))
        return tuple(grad(index) for index in range(len(args)))

    def sequence_numeric(self, args, dh):
        """Centered differences of the reference's lstm_forward (h, through dh) with
        respect to each of ``args`` (x, h0, Wx, Wh, b): a tuple of five arrays."""
        forward = self.layers.lstm_forward

        def grad(index):
            def out(value):
                full = list(args)
                full[index] = value
                return forward(*full)[0]
            return numeric_gradient(out, args[index], dh)
        return tuple(grad(index) for index in range(len(args)))

    # -- a backward right for what a wrong forward computed (charged in the forward's check)
    def step_backward_hints(self, args, dnext_h, dnext_c, index):
        """Hints for gradient ``index`` (dx, dprev_h, dprev_c, dWx, dWh, db) of the
        student's lstm_step_backward on the cache of its own lstm_step_forward, compared
        with the spec's gradients: the backward bugs named, then a backward that is right
        for what a wrong forward computed (charged in lstm_step_forward's check): the
        gradients of that forward (centered differences of the student's
        lstm_step_forward, or a gate order kept in both), or the spec's formulas applied
        to the gates and cell a known forward bug cached."""
        full = (dnext_h, dnext_c, *args)
        hints = [(label, lambda bug=bug: lstm_step_backward(*full, bug=bug)[index])
                 for label, bug in (
                     ("the path through next_h (dnext_h * o * (1 - tanh(next_c)**2)) missing "
                      "from the cell gradient", "no_h_path"),
                     ("dprev_c missing the factor f", "no_f"))]
        hints += [Elsewhere(f"your backward is right for gate blocks read in the order "
                            f"{', '.join(order)}, as your lstm_step_forward reads them; "
                            "lstm_step_forward is wrong",
                            lambda order=order: lstm_step_backward(*full, order=order)[index],
                            LSTM_STEP_FORWARD, confirm=self.step_forward_wrong)
                  for order in ("ifgo", "fiog")]
        hints += [Elsewhere(f"lstm_step_backward is right for the gates and cell your "
                            f"lstm_step_forward cached; lstm_step_forward is wrong: {label}",
                            lambda bug=bug: lstm_step_backward(*full, cached=bug)[index],
                            LSTM_STEP_FORWARD, confirm=self.step_forward_wrong)
                  for bug, label in LSTM_FORWARD_BUGS.items() if bug != "no_tanh_c"]
        hints.append(Elsewhere(
            "lstm_step_backward gives the gradients of what your lstm_step_forward "
            "computes; lstm_step_forward is wrong",
            lambda: gradient_of(self.student, "lstm_step_forward", list(args), index,
                                dnext_h, pick=0)
            + gradient_of(self.student, "lstm_step_forward", list(args), index, dnext_c,
                          pick=1),
            LSTM_STEP_FORWARD, confirm=self.step_forward_wrong))
        return hints

    def sequence_backward_hints(self, args, dh, index):
        """Hints for gradient ``index`` (dx, dh0, dWx, dWh, db) of the student's
        lstm_backward on the cache of its own lstm_forward, compared with the spec's
        gradients: the sequence bugs named; lstm_backward right for what the student's
        step functions give (:meth:`backward_hints`); or right for what a wrong
        lstm_forward computed: along a cell started at h0, or the gradients of that
        forward (centered differences of the student's lstm_forward)."""
        x, h0, Wx, Wh, b = args
        hints = [(label, lambda bug=bug: lstm_sequence_backward(dh, *args, bug=bug)[index])
                 for label, bug in (
                     ("the cell gradient not carried back between steps (only dh is)",
                      "no_c_carry"),
                     ("the gradient carried back from step t+1 is not added to dh[:, t]",
                      "no_h_carry"))]
        hints += self.backward_hints(args, dh, index)

        def charged():
            return LSTM_STEP_FORWARD if self.step_forward_wrong() else LSTM_FORWARD
        hints += [
            Elsewhere("lstm_backward is right for the states your lstm_forward computed; "
                      "lstm_forward is wrong (the cell state starts as h0 instead of zeros)",
                      lambda: lstm_sequence_backward(dh, *args, c0=h0)[index], LSTM_FORWARD,
                      confirm=self.sequence_forward_wrong),
            Elsewhere("lstm_backward gives the gradients of what your lstm_forward "
                      "computes; the forward is wrong",
                      lambda: gradient_of(self.student, "lstm_forward", list(args), index, dh),
                      charged, confirm=self.sequence_forward_wrong)]
        return hints

    def step_forward_wrong(self) -> bool:
        x, h, Wx, Wh, b = _lstm_args(self.rng)
        c = self.rng.standard_normal(h.shape)
        try:
            got = call(self.student, "lstm_step_forward", x, h, c, Wx, Wh, b).value
            return any(scaled_error(np.asarray(g, dtype=float).reshape(w.shape), w) > 1e-6
                       for g, w in zip(got[:2], lstm_step(x, h, c, Wx, Wh, b)))
        except (StudentException, TypeError, ValueError, IndexError):
            return True

    def step_backward_wrong(self) -> bool:
        x, h, Wx, Wh, b = _lstm_args(self.rng)
        c = self.rng.standard_normal(h.shape)
        dh, dc = self.rng.standard_normal(h.shape), self.rng.standard_normal(h.shape)
        try:
            cache = call(self.student, "lstm_step_forward", x, h, c, Wx, Wh, b).value[2]
            got = call(self.student, "lstm_step_backward", dh, dc, cache).value
            want = lstm_step_backward(dh, dc, x, h, c, Wx, Wh, b)
            return any(scaled_error(np.asarray(g, dtype=float).reshape(w.shape), w) > 1e-6
                       for g, w in zip(got, want))
        except (StudentException, TypeError, ValueError, IndexError):
            return True

    def sequence_forward_wrong(self) -> bool:
        x, h0, Wx, Wh, b = _lstm_args(self.rng, N=2, T=3)
        return wrong(self.student, "lstm_forward", (x, h0, Wx, Wh, b),
                     lstm_sequence(x, h0, Wx, Wh, b)[0], pick=0)

    def sequence_backward_wrong(self) -> bool:
        x, h0, Wx, Wh, b = _lstm_args(self.rng, N=2, T=3)
        dh = self.rng.standard_normal((2, 3, 5))
        try:
            cache = call(self.student, "lstm_forward", x, h0, Wx, Wh, b).value[1]
            got = call(self.student, "lstm_backward", dh, cache).value
            want = lstm_sequence_backward(dh, x, h0, Wx, Wh, b)
            return any(scaled_error(np.asarray(g, dtype=float).reshape(w.shape), w) > 1e-6
                       for g, w in zip(got, want))
        except (StudentException, TypeError, ValueError, IndexError):
            return True

    def own_steps_forward(self, x, h0, Wx, Wh, b):
        """h (N, T, H): the right recursion over the student's lstm_step_forward."""
        h, c, states = h0, np.zeros_like(h0), []
        for t in range(x.shape[1]):
            got = call(self.student, "lstm_step_forward", x[:, t], h, c, Wx, Wh, b).value
            h, c = np.asarray(got[0], dtype=float), np.asarray(got[1], dtype=float)
            states.append(h)
        return np.stack(states, axis=1)

    def own_steps_backward(self, x, h0, Wx, Wh, b, dh):
        """(dx, dh0, dWx, dWh, db): the right recursion over the student's own
        lstm_step_forward and lstm_step_backward."""
        h, c, caches = h0, np.zeros_like(h0), []
        for t in range(x.shape[1]):
            h, c, step_cache = call(self.student, "lstm_step_forward", x[:, t], h, c, Wx,
                                    Wh, b).value
            caches.append(step_cache)
        carried_h, carried_c = np.zeros_like(h0), np.zeros_like(h0)
        dx, sums = np.zeros_like(x), None
        for t in range(x.shape[1] - 1, -1, -1):
            g = call(self.student, "lstm_step_backward", dh[:, t] + carried_h, carried_c,
                     caches[t]).value
            g = [np.asarray(v, dtype=float) for v in g]
            dx[:, t], carried_h, carried_c = g[0], g[1], g[2]
            sums = g[3:] if sums is None else [s + v for s, v in zip(sums, g[3:])]
        return (dx, carried_h, *sums)

    def forward_hints(self, args):
        """lstm_forward right for the student's lstm_step_forward, or from a wrong cell."""
        x, h0, Wx, Wh, b = args
        return [Elsewhere("lstm_forward is right for what your lstm_step_forward gives; "
                          "lstm_step_forward is wrong", lambda: self.own_steps_forward(*args),
                          LSTM_STEP_FORWARD, confirm=self.step_forward_wrong),
                ("the cell state starts as h0 instead of zeros",
                 lambda: lstm_sequence(x, h0, Wx, Wh, b, c0=h0)[0])]

    def backward_hints(self, args, dh, index):
        """lstm_backward right for what the student's step functions give."""
        found = {}

        def predict():
            if "value" not in found:
                found["value"] = self.own_steps_backward(*args, dh)
            return found["value"][index]
        return [Elsewhere("lstm_backward is right for what your lstm_step_forward gives; "
                          "lstm_step_forward is wrong", predict, LSTM_STEP_FORWARD,
                          confirm=self.step_forward_wrong),
                Elsewhere("lstm_backward is right for what your lstm_step_backward gives; "
                          "lstm_step_backward is wrong", predict, LSTM_STEP_BACKWARD,
                          confirm=self.step_backward_wrong)]
