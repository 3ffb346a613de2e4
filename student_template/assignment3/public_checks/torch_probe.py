"""Run in the student's worker (gradekit.checklib.worker_code): build the student's
PyTorch modules with weights the check chooses, swap their dropout modules for recording
ones, and hand back plain arrays. Nothing here computes what the modules should give.
"""

import contextlib
import importlib

import numpy as np


def _torch():
    import torch
    return torch


@contextlib.contextmanager
def _unwritten_is_nan():
    """While the student's modules run, memory torch hands out unwritten (``torch.empty``,
    as the given code's unfinished forward passes return) holds NaN, not what an earlier
    computation left there: an output never written fails the same way on every grade
    (PyTorch's deterministic mode fills it; warn_only, so no operation is refused). The
    mode is set where ``torch.use_deterministic_algorithms`` sets it, in ``torch._C``:
    the public call also imports the compiler's configuration (0.8 s of CPU a grade)."""
    torch = _torch()
    switch = getattr(torch._C, "_set_deterministic_algorithms", None) \
        or torch.use_deterministic_algorithms
    was = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    switch(True, warn_only=True)
    try:
        yield
    finally:
        switch(was, warn_only=warn_only)


def _tensor(values, dtype=None):
    torch = _torch()
    tensor = torch.tensor(np.array(values))
    return tensor if dtype is None else tensor.to(dtype)


def _numpy(tensor):
    torch = _torch()
    if not isinstance(tensor, torch.Tensor):
        return tensor
    return tensor.detach().to(torch.float64).numpy().copy()


def _recorder_class():
    torch = _torch()

    class Recorder(torch.nn.Module):
        """Stands in for a dropout module: passes its input through and keeps a copy."""

        def __init__(self, name):
            super().__init__()
            self.name, self.p, self.inplace, self.seen = name, 0.0, False, []

        def forward(self, x):
            self.seen.append(x.detach().clone())
            return x

    return Recorder


def _swap_dropouts(module):
    """Replace every dropout module inside ``module`` with a recorder; the recorders."""
    torch = _torch()
    recorder = _recorder_class()
    found = []
    for name, child in list(module.named_modules()):
        if isinstance(child, torch.nn.modules.dropout._DropoutNd) and name:
            parent_name, _, attr = name.rpartition(".")
            parent = module.get_submodule(parent_name) if parent_name else module
            stand_in = recorder(name)
            setattr(parent, attr, stand_in)
            found.append(stand_in)
    return found


def _set_linear(linear, weight, bias):
    torch = _torch()
    with torch.no_grad():
        linear.weight.copy_(_tensor(weight, linear.weight.dtype))
        linear.bias.copy_(_tensor(bias, linear.bias.dtype))


def _mask_tensor(mask, kind):
    torch = _torch()
    if mask is None:
        return None
    return _tensor(mask).to({"bool": torch.bool, "float": torch.float64,
                             "long": torch.long}[kind])


def attention(embed_dim, num_heads, weights, query, key, value, mask=None, mask_kind="bool",
              train=False, record=False):
    """The student's MultiHeadAttention(embed_dim, num_heads) in float64 with ``weights``
    ({'query': (W, b), 'key': ..., 'value': ..., 'proj': ...}, W as (out, in)), run on
    query (N, S, E), key and value (N, T, E), an optional (S, T) mask.

    Returns {'out': (N, S, E), 'dropouts': names of the dropout modules found,
    'seen': the arrays each recorder received (with record=True)}.
    """
    torch = _torch()
    layers = importlib.import_module("cs231n.transformer_layers")
    torch.manual_seed(0)
    module = layers.MultiHeadAttention(embed_dim, num_heads).double()
    for name, (weight, bias) in weights.items():
        _set_linear(getattr(module, name), weight, bias)
    recorders = _swap_dropouts(module) if record else []
    module.train(train)
    with _unwritten_is_nan():
        out = module(_tensor(query), _tensor(key), _tensor(value),
                     attn_mask=_mask_tensor(mask, mask_kind))
    return {"out": _numpy(out), "dropouts": [r.name for r in recorders],
            "seen": [[_numpy(x) for x in r.seen] for r in recorders]}


def positional(embed_dim, max_len, x, train=False, record=False, dropout=0.1):
    """The student's PositionalEncoding(embed_dim, dropout, max_len): its buffer 'pe' and
    its output on x (N, S, D) (float64), with the dropout modules recorded on request."""
    torch = _torch()
    layers = importlib.import_module("cs231n.transformer_layers")
    torch.manual_seed(0)
    module = layers.PositionalEncoding(embed_dim, dropout=dropout, max_len=max_len)
    pe = getattr(module, "pe", None)
    recorders = _swap_dropouts(module) if record else []
    module.train(train)
    with _unwritten_is_nan():
        out = module(_tensor(x))
    return {"pe": _numpy(pe), "out": _numpy(out), "dropouts": [r.name for r in recorders],
            "seen": [[_numpy(t) for t in r.seen] for r in recorders]}


def build_model(word_to_idx, input_dim, wordvec_dim, num_heads, num_layers, max_length, state):
    """The student's CaptioningTransformer, every parameter of ``state`` (name -> array)
    set, in float64 and eval mode. Names it lacks are reported as a KeyError."""
    torch = _torch()
    classifiers = importlib.import_module("cs231n.classifiers.transformer")
    torch.manual_seed(0)
    model = classifiers.CaptioningTransformer(
        word_to_idx, input_dim, wordvec_dim, num_heads=num_heads, num_layers=num_layers,
        max_length=max_length).double()
    parameters = dict(model.named_parameters())
    missing = sorted(set(state) - set(parameters))
    if missing:
        raise KeyError(f"CaptioningTransformer has no parameters named {missing[:4]}")
    with torch.no_grad():
        for name, values in state.items():
            parameters[name].copy_(_tensor(values, parameters[name].dtype))
    model.eval()
    return model


def caption_scores(word_to_idx, input_dim, wordvec_dim, num_heads, num_layers, max_length,
                   state, features, captions):
    """The student's CaptioningTransformer.forward (eval mode, float64) on features (N, D)
    and integer captions (N, T): scores (N, T, V)."""
    torch = _torch()
    model = build_model(word_to_idx, input_dim, wordvec_dim, num_heads, num_layers,
                        max_length, state)
    with _unwritten_is_nan():
        scores = model(_tensor(features), _tensor(captions, torch.long))
    return _numpy(scores)


def parameter_shapes(word_to_idx, input_dim, wordvec_dim, num_heads, num_layers, max_length):
    """name -> shape of every parameter of the student's CaptioningTransformer."""
    classifiers = importlib.import_module("cs231n.classifiers.transformer")
    model = classifiers.CaptioningTransformer(
        word_to_idx, input_dim, wordvec_dim, num_heads=num_heads, num_layers=num_layers,
        max_length=max_length)
    return {name: list(p.shape) for name, p in model.named_parameters()}


# ------------------------------------------------------------------ numeric gradients
def numeric_gradient(target, args, index, dout, pick=0, h=1e-5):
    """Centered differences of sum(target(*args)[pick] * dout) with respect to
    args[index], where target is "module.function" of the student's package."""
    module, _, name = target.rpartition(".")
    function = getattr(importlib.import_module(module), name)
    args = [np.array(a) if isinstance(a, np.ndarray) else a for a in args]
    x = np.array(args[index], dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        values = []
        for step in (h, -h):
            x[i] = old + step
            args[index] = x.copy()
            out = function(*args)
            values.append(np.asarray(out[pick] if pick is not None else out, dtype=float))
        x[i] = old
        grad[i] = np.sum((values[0] - values[1]) * dout) / (2 * h)
    return grad


def model_numeric_gradients(model, params, features, captions, h=1e-6):
    """Centered differences of model.loss(features, captions)[0] with respect to every
    entry of every parameter in params (name -> array); model.params is restored."""
    grads = {}
    for name, value in params.items():
        value = np.array(value, dtype=float)
        grad = np.zeros_like(value)
        for i in np.ndindex(value.shape):
            losses = []
            for step in (h, -h):
                probe = value.copy()
                probe[i] += step
                model.params = dict(params, **{name: probe})
                losses.append(float(model.loss(features, captions)[0]))
            grad[i] = (losses[0] - losses[1]) / (2 * h)
        grads[name] = grad
    model.params = dict(params)
    return grads
