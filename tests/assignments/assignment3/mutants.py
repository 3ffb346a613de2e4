"""Assignment 3's mutant catalogue: its reference with one seeded bug each (declarations
only; tests/assignments/test_mutation_suite.py grades them, tests/support/mutation.py
says what a declaration means)."""

from __future__ import annotations

from tests.support.mutation import mutant

RNN = "cs231n/rnn_layers.py"
MODEL = "cs231n/classifiers/rnn.py"
LAYERS = "cs231n/transformer_layers.py"
TRANSFORMER = "cs231n/classifiers/transformer.py"
CODE_POINTS = 180
"""What the reference scores on the code checks (README: the point split)."""

STEP = ("    da = dnext_h * (1.0 - next_h * next_h)\n    dx = da.dot(Wx.T)\n"
        "    dprev_h = da.dot(Wh.T)\n")
SEQ_START = "    states, cache = [], []\n    state = h0\n"
SEQ_END = ("        state, step_cache = rnn_step_forward(x[:, t, :], state, Wx, Wh, b)\n"
           "        states.append(state)\n        cache.append(step_cache)\n"
           "    h = np.stack(states, axis=1)\n")
SEQ_SUMS = ("        dx[:, t, :] = dx_t\n        dWx += dWx_t\n        dWh += dWh_t\n"
            "        db += db_t\n    dh0 = carried\n")

# ------------------------------------------------------------ the bug patterns of spec A3.6
RNN_PATTERNS = [
    mutant("tanh derivative 1 - next_h",
           (RNN, "    da = dnext_h * (1.0 - next_h * next_h)\n",
            "    da = dnext_h * (1.0 - next_h)\n"),
           "1.3 1.4", "1 - next_h", only=True),
    mutant("dprev_h with Wh untransposed",
           (RNN, STEP, STEP.replace("da.dot(Wh.T)", "da.dot(Wh)")),
           "1.3 1.4", "Wh instead of Wh.T", only=True),
    mutant("Wx and Wh swapped in the step backward",
           (RNN, STEP, STEP.replace("da.dot(Wx.T)", "da.dot(WX.T)").replace(
               "da.dot(Wh.T)", "da.dot(Wx.T)").replace("da.dot(WX.T)", "da.dot(Wh.T)")),
           "1.4", "swapped"),
    mutant("no tanh in the step",
           (RNN, "    next_h = np.tanh(x.dot(Wx) + prev_h.dot(Wh) + b)\n",
            "    next_h = x.dot(Wx) + prev_h.dot(Wh) + b\n"),
           "1.1 1.2", "no tanh"),
    mutant("rnn_backward without the carried gradient",
           (RNN, "rnn_step_backward(dh[:, t, :] + carried, cache[t])",
            "rnn_step_backward(dh[:, t, :], cache[t])"),
           "2.3 2.4", "carried back from step t+1", only=True),
    mutant("parameter gradients overwritten over time",
           (RNN, SEQ_SUMS, SEQ_SUMS.replace("+=", "=")),
           "2.3 2.4", "overwritten at each step"),
    mutant("states returned time-major",
           (RNN, SEQ_END, SEQ_END.replace("axis=1", "axis=0")),
           "2.1 2.2", "time-major"),
    mutant("h0 in the output",
           ((RNN, SEQ_START, SEQ_START.replace("[], []", "[h0], []")),
            (RNN, SEQ_END, SEQ_END.replace("stack(states,", "stack(states[:-1],"))),
           "2.1 2.2", "h0 in column 0"),
    mutant("embedding backward with fancy-index assignment",
           (RNN, "    np.add.at(dW, x, dout)\n", "    dW[x] += dout\n"),
           "3.3 3.4", "np.add.at", only=True),
    mutant("embedding backward from W's values",
           (RNN, "    x, shape, dtype = cache\n    dW = np.zeros(shape, dtype=np.result_type(dtype, dout.dtype))\n",
            "    x, shape, dtype = cache\n    dW = np.zeros(shape, dtype=np.result_type(dtype, dout.dtype))\n    dW += 1.0\n"),
           "3.4", ""),
    mutant("mask from captions_in",
           (MODEL, "        mask = captions_out != self._null\n",
            "        mask = captions_in != self._null\n"),
           "4.2", "captions_in"),
    mutant("h0 through a ReLU",
           (MODEL, "        h0, proj_cache = affine_forward(features, W_proj, b_proj)\n",
            "        h0, proj_cache = affine_forward(features, W_proj, b_proj)\n"
            "        h0 = np.maximum(h0, 0)\n"),
           "4.2 4.3 4.4", "ReLU"),  # linspace features keep h0 positive: 4.1 cannot see it
    mutant("sample writes <START> into column 0",
           ((MODEL, "            captions[:, t] = word\n",
             "            if t + 1 < max_length:\n                captions[:, t + 1] = word\n"),
            (MODEL, "        word = np.full(N, self._start)\n",
             "        word = np.full(N, self._start)\n        captions[:, 0] = self._start\n")),
           "4.5 10.4", "<START> written into column 0", only=True),  # both branches
    mutant("sample without the projection",
           (MODEL, "        state, _ = affine_forward(features, W_proj, b_proj)\n",
            "        state = np.zeros((N, W_proj.shape[1]))\n"),
           "4.5 10.4", "h0 not computed from the features", only=True),  # both branches
]

TRANSFORMER_PATTERNS = [
    mutant("attention scaled by sqrt(E)",
           (LAYERS, "/ math.sqrt(Dh)", "/ math.sqrt(E)"),
           "5.2", "sqrt(E) (the embedding size)", only=True),
    mutant("attention not scaled",
           (LAYERS, "scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(Dh)",
            "scores = torch.matmul(q, k.transpose(-2, -1))"),
           "5.2", "not scaled", only=True),
    mutant("heads split by a direct reshape",
           (LAYERS, "return x.reshape(N, length, H, Dh).transpose(1, 2)",
            "return x.reshape(N, H, length, Dh)"),
           "5.2", "direct reshape"),
    mutant("softmax over the queries",
           (LAYERS, "F.softmax(scores, dim=-1)", "F.softmax(scores, dim=-2)"),
           "5.2", "query axis"),
    mutant("no output projection",
           (LAYERS, "output = self.proj(mixed.transpose(1, 2).reshape(N, S, E))",
            "output = mixed.transpose(1, 2).reshape(N, S, E)"),
           "5.2", "self.proj not applied"),
    mutant("mask polarity reversed",
           (LAYERS, "blocked = attn_mask == 0", "blocked = attn_mask != 0"),
           "5.1 5.3", "mask polarity reversed", only=True),
    mutant("dropout on the head outputs",
           ((LAYERS, "weights = self.attn_drop(F.softmax(scores, dim=-1))",
             "weights = F.softmax(scores, dim=-1)"),
            (LAYERS, "mixed = torch.matmul(weights, v)",
             "mixed = self.attn_drop(torch.matmul(weights, v))")),
           "5.4", "head outputs", only=True),
    mutant("no dropout in attention",
           (LAYERS, "weights = self.attn_drop(F.softmax(scores, dim=-1))",
            "weights = F.softmax(scores, dim=-1)"),
           "5.4", "was called", only=True),
    mutant("pe with sin and cos swapped",
           ((LAYERS, "pe[0, :, 0::2] = torch.sin(angles)", "pe[0, :, 0::2] = torch.cos(angles)"),
            (LAYERS, "pe[0, :, 1::2] = torch.cos(angles)", "pe[0, :, 1::2] = torch.sin(angles)")),
           "6.1 6.2", "sin and cos swapped", only=True),
    mutant("pe odd exponent j/D",
           (LAYERS, "        pe[0, :, 1::2] = torch.cos(angles)\n",
            "        pe[0, :, 1::2] = torch.cos(positions * torch.pow(10000.0, -(even_columns + 1) / embed_dim))\n"),
           "6.2", "exponent j/D", only=True),
    mutant("pe dropout before the addition",
           (LAYERS, "output = self.dropout(x + self.pe[:, :S, :])",
            "output = self.dropout(x) + self.pe[:, :S, :]"),
           "6.3", "before the addition", only=True),
    mutant("upper-triangular causal mask",
           (TRANSFORMER, "causal_mask = torch.tril(", "causal_mask = torch.triu("),
           "7.1 7.2", "upper-triangular", only=True),
    mutant("positional encoding skipped",
           (TRANSFORMER, "words = self.positional_encoding(self.embedding(captions))",
            "words = self.embedding(captions)"),
           "7.2", "positional encoding skipped", only=True),
]

# A bug in one function is charged there only, not in the functions that use it.
CHARGE_ONCE = [
    mutant("step backward bug seen through rnn_backward",
           (RNN, STEP, STEP.replace("dprev_h = da.dot(Wh.T)", "dprev_h = 0.5 * da.dot(Wh.T)")),
           "1.3 1.4", "", only=True),
    mutant("attention bug seen through the Transformer",
           (LAYERS, "/ math.sqrt(Dh)", "/ (2 * math.sqrt(Dh))"),
           "5.2", "", only=True),
]

MUTANTS = RNN_PATTERNS + TRANSFORMER_PATTERNS + CHARGE_ONCE

# Correct code written another way: full marks.
VARIANTS = [
    mutant("attention scores multiplied by 1/sqrt(E/h)",
           (LAYERS, "        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(Dh)\n",
            "        scores = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(Dh))\n"),
           ""),
    mutant("additive -1e9 mask",
           (LAYERS, "            scores = scores.masked_fill(blocked, torch.finfo(scores.dtype).min)\n",
            "            scores = scores + blocked.to(scores.dtype) * -1e9\n"),
           ""),
    mutant("dropout on the (N*h, S, T) weights",
           (LAYERS, "        weights = self.attn_drop(F.softmax(scores, dim=-1))\n",
            "        weights = self.attn_drop(F.softmax(scores, dim=-1).reshape(N * H, S, T))"
            ".reshape(N, H, S, T)\n"),
           ""),
]
