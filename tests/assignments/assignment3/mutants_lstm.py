"""The LSTM extra credit's mutant catalogue (checks 8.x-10.x): the reference with one bug
of spec A3.6 "LSTM" seeded each (declarations only; tests/support/mutation.py adds these
to mutants.py's and says what a declaration means)."""

from __future__ import annotations

from tests.support.mutation import mutant

RNN = "cs231n/rnn_layers.py"
MODEL = "cs231n/classifiers/rnn.py"
POINTS = 50
"""What the reference scores on the LSTM checks (extra credit; README: the point split)."""

GATES = ("    o = sigmoid(a[:, 2 * H:3 * H])\n    g = np.tanh(a[:, 3 * H:])\n")
GATE_GRADS = ("        dnext_h * tanh_c * o * (1.0 - o),  # output gate\n"
              "        dc * i * (1.0 - g * g),            # candidate\n")

MUTANTS = [
    mutant("LSTM gate blocks in the order i, f, g, o",
           ((RNN, GATES, "    o = sigmoid(a[:, 3 * H:])\n    g = np.tanh(a[:, 2 * H:3 * H])\n"),
            (RNN, GATE_GRADS, "".join(reversed(GATE_GRADS.splitlines(keepends=True))))),
           "8.1 8.2", "i, f, g, o instead of i, f, o, g", only=True),
    mutant("LSTM sigmoid on the candidate",
           (RNN, "    g = np.tanh(a[:, 3 * H:])\n", "    g = sigmoid(a[:, 3 * H:])\n"),
           "8.1 8.2", "sigmoid on the candidate", only=True),
    # Forward bugs are charged once: the backward, right for what the forward cached,
    # earns its credit in 8.3 and 8.4 (as the corpus's blind-written entries need).
    mutant("LSTM forget gate applied to the new content",
           (RNN, "    next_c = f * prev_c + i * g\n", "    next_c = f * (i * g) + prev_c\n"),
           "8.1 8.2", "forget gate applied to the new content", only=True),
    mutant("LSTM next_h without the tanh of the cell",
           (RNN, "    next_h = o * tanh_c\n", "    next_h = o * next_c\n"),
           "8.1 8.2", "tanh of the cell left out", only=True),
    mutant("LSTM cell gradient without the path through next_h",
           (RNN, "    dc = dnext_c + dnext_h * o * (1.0 - tanh_c * tanh_c)\n",
            "    dc = dnext_c\n"),
           "8.3 8.4", "path through next_h", only=True),
    mutant("LSTM dprev_c without the factor f",
           (RNN, "    dprev_c = dc * f\n", "    dprev_c = dc\n"),
           "8.3 8.4", "missing the factor f", only=True),
    mutant("lstm_forward starting the cell at h0",
           (RNN, "    state, cell = h0, np.zeros_like(h0)\n", "    state, cell = h0, h0.copy()\n"),
           "9.1 9.2", "cell state starts as h0", only=True),
    mutant("lstm_backward not carrying the cell gradient",
           (RNN, "            dh[:, t, :] + carried_h, carried_c, cache[t])\n",
            "            dh[:, t, :] + carried_h, np.zeros_like(carried_c), cache[t])\n"),
           "9.3 9.4", "cell gradient not carried", only=True),
    mutant("lstm_backward returning dc0",
           (RNN, "    dh0 = carried_h\n",
            "    dh0 = carried_h\n    return dx, dh0, carried_c, dWx, dWh, db\n"),
           "9.3 9.4", "no dc0"),
    mutant("LSTM sample starting the cell at h0",
           (MODEL, "        cell = np.zeros_like(state)\n", "        cell = state.copy()\n"),
           "10.4", "cell not started at zero", only=True),
]
