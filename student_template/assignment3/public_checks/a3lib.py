"""Assignment 3's helpers, shared by its public and hidden checks: where its code lives,
calling a function of it, and the PyTorch work done in the worker (``torch_probe.py``).

The generic parts come from :mod:`gradekit.checklib`. Nothing here knows how the layers
are computed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gradekit import checklib
from gradekit.checklib import (TIMEOUT, Parts, array, fail, outputs,
                               require_module, worker_code)

RNN_LAYERS = "cs231n.rnn_layers."
RNN_MODEL = "cs231n.classifiers.rnn.CaptioningRNN"
RNN_PY = "cs231n/rnn_layers.py"
RNN_MODEL_PY = "cs231n/classifiers/rnn.py"
TRANSFORMER_LAYERS_PY = "cs231n/transformer_layers.py"
TRANSFORMER_PY = "cs231n/classifiers/transformer.py"
RNN_FILES = [RNN_PY, RNN_MODEL_PY]
TRANSFORMER_FILES = [TRANSFORMER_LAYERS_PY, TRANSFORMER_PY]

PROBE = Path(__file__).resolve().parent / "torch_probe.py"
TORCH_TIMEOUT = 60.0
"""Seconds for a call that may import torch in the worker (a second or two when warm)."""

GRADIENT_TIMEOUT = 20.0
"""Seconds for a numeric gradient made in the worker (hundreds of calls of small code)."""

TOY_VOCAB = {"<NULL>": 0, "cat": 2, "dog": 3}
"""The notebook's toy vocabulary (V = 3, no <START> or <END>)."""


def call(student, target, *args, timeout=TIMEOUT, **kwargs):
    """:func:`gradekit.checklib.call`, where a bare name means a function of
    cs231n.rnn_layers."""
    if isinstance(target, str) and "." not in target:
        target = RNN_LAYERS + target
    return checklib.call(student, target, *args, timeout=timeout, **kwargs)


def layer(student, name, *args, labels=("out", "cache")):
    """Call a layer function of rnn_layers; its outputs, checked to be a tuple of
    ``labels`` (one label: the value itself)."""
    return outputs(call(student, name, *args).value, name, labels)


def gradient_of(student, forward, args, index, dout, pick=0, h=1e-5):
    """Centered differences of sum(forward(*args)[pick] * dout) with respect to
    args[index], the student's own forward run in the worker (by a helper there, in one
    call; a bare name is a function of cs231n.rnn_layers)."""
    target = forward if "." in forward else RNN_LAYERS + forward
    grad = worker_code(student, PROBE).call("numeric_gradient", target, list(args), index,
                                            dout, pick, h, timeout=GRADIENT_TIMEOUT)
    return array(grad, f"centered differences of {forward}", np.shape(args[index]))


def torch_helpers(student):
    """``torch_probe.py`` defined in the worker, once torch is known to import there."""
    require_module(student, "torch", "the Transformer checks")
    return worker_code(student, PROBE)


def model_gradients(student, model, params, features, captions):
    """Centered differences of the student's model.loss, every parameter (in the worker)."""
    return worker_code(student, PROBE).call("model_numeric_gradients", model, params,
                                            features, captions, timeout=GRADIENT_TIMEOUT)


def probe(student, name, *args, **kwargs):
    """A function of ``torch_probe.py`` run in the worker (torch imported on first use)."""
    return torch_helpers(student).call(name, *args, timeout=TORCH_TIMEOUT, **kwargs)


def judged(credit, label, check):
    """Run ``check`` as the check's one part (so that a value wrong only because of a bug
    another check charges earns its credit, with the note)."""
    parts = Parts(credit)
    parts.run(1.0, label, check)
    parts.finish()


def float_array(value, name, shape):
    """``value`` as an array of ``shape`` (a None from a stub fails)."""
    return array(value, name, shape)


def expect_dict(value, name):
    if not isinstance(value, dict):
        fail(f"{name}: expected a dict, got {type(value).__name__}.")
    return value
