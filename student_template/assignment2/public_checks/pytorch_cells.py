"""The PyTorch notebook's student cells, found in the submitted notebook and run in the worker.

Shared by the public and the hidden PyTorch checks (13.x). The student's code lives in
cells of ``PyTorch.ipynb``; each is found by its released id, else by what it holds
(:mod:`gradekit.checklib.cells`), and run in a worker namespace prepared by
:data:`SETUP`: the imports and the helpers the notebook gives (restated here, so a
check never depends on the student's copy of them), training functions that only record
how they were called, and loaders of a few random images. Nothing trains for real.

One rule charges each bug once: a cell's check gives it what other student cells would
define from our own code (the Part III cell gets our ``ThreeLayerConvNet``), so only the
cell the check is about can fail it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gradekit.checklib import CellQuery, CellRunner, fail, find_cell
from gradekit.sandbox.controller import StudentException

NOTEBOOK = "PyTorch.ipynb"
FILES = [NOTEBOOK]

CONVNET_FN = CellQuery(id="three-layer-convnet", what="three_layer_convnet (Part II)",
                       defines=("three_layer_convnet",))
PART2_PARAMS = CellQuery(id="train-three-layer-params",
                         what="the parameters of the three-layer ConvNet (Part II)",
                         defines=("conv_w1", "fc_w"))
CONVNET_CLASS = CellQuery(id="three-layer-module", what="class ThreeLayerConvNet (Part III)",
                          defines=("ThreeLayerConvNet",))
# Without ids, the model cells are told apart by the given lines around the student's code.
PART3_MODEL = CellQuery(id="train-three-layer-module",
                        what="the model and optimizer of Part III",
                        defines=("model", "optimizer"),
                        contains=("learning_rate = 3e-3", "train_part34(model, optimizer)"))
PART4_MODEL = CellQuery(id="sequential-three-layer",
                        what="the Sequential model and optimizer of Part IV",
                        defines=("model", "optimizer", "channel_1"),
                        contains=("learning_rate = 1e-2", "train_part34(model, optimizer)"))
CHALLENGE = CellQuery(id="challenge", what="the challenge's model and optimizer (Part V)",
                      defines=("model", "optimizer"),
                      contains=("train_part34(model, optimizer, epochs",))

ENVIRONMENT_LIMIT = ("not checked: the grader's environment has no PyTorch, so this check "
                     "could not run your code (an environment limit, not a judgement of your "
                     "work; the course staff will grade it).")

# Check-owned code run first in every namespace: what the notebook's given cells define.
SETUP = r'''
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset, sampler

torch.set_num_threads(1)
USE_GPU = False
dtype = torch.float32
device = torch.device('cpu')
print_every = 100
QUICK = False


def quick(full, small):
    return full


def flatten(x):
    return x.reshape(x.shape[0], -1)


def random_weight(shape):
    fan_in = shape[0] if len(shape) == 2 else int(np.prod(shape[1:]))
    w = torch.randn(shape, device=device, dtype=dtype) * np.sqrt(2.0 / fan_in)
    w.requires_grad = True
    return w


def zero_weight(shape):
    return torch.zeros(shape, device=device, dtype=dtype, requires_grad=True)


def two_layer_fc(x, params):
    w1, w2 = params
    return F.relu(flatten(x).mm(w1)).mm(w2)


class TwoLayerFC(nn.Module):
    def __init__(self, input_size, hidden_size, num_classes):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.fc2 = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(flatten(x))))


class Flatten(nn.Module):
    def forward(self, x):
        return flatten(x)


def _grader_loader(train, count=128):
    generator = torch.Generator().manual_seed(231 + int(train))
    images = torch.randn((count, 3, 32, 32), generator=generator)
    labels = torch.randint(0, 10, (count,), generator=generator)
    data = TensorDataset(images, labels)
    data.train = train
    return DataLoader(data, batch_size=64)


loader_train, loader_val, loader_test = (_grader_loader(True), _grader_loader(True),
                                         _grader_loader(False))
_grader_calls = []


def train_part2(model_fn, params, learning_rate):
    _grader_calls.append(('train_part2', model_fn, params, learning_rate))


def train_part34(model, optimizer, epochs=1):
    _grader_calls.append(('train_part34', model, optimizer, epochs))


def check_accuracy_part2(loader, model_fn, params):
    return 0.0


def check_accuracy_part34(loader, model):
    return 0.0


three_layer_convnet = None


def _grader_layers(model):
    # The leaf modules of `model` in registration order, as plain data.
    found = []
    for name, module in model.named_modules():
        if list(module.children()):
            continue
        item = {'name': name, 'type': type(module).__name__}
        for key in ('in_channels', 'out_channels', 'in_features', 'out_features'):
            if hasattr(module, key):
                item[key] = int(getattr(module, key))
        for key in ('kernel_size', 'padding', 'stride'):
            if hasattr(module, key):
                value = getattr(module, key)
                item[key] = [int(v) for v in value] if isinstance(value, (tuple, list)) \
                    else value if isinstance(value, str) else int(value)
        weight = getattr(module, 'weight', None)
        if isinstance(weight, torch.Tensor):
            item['weight_shape'] = list(weight.shape)
            item['weight_std'] = float(weight.detach().double().std())
        item['bias'] = isinstance(getattr(module, 'bias', None), torch.Tensor)
        found.append(item)
    return found


def _grader_optimizer(optimizer, model):
    # The optimizer's type, its settings and whether it updates every model parameter.
    if not isinstance(optimizer, torch.optim.Optimizer):
        return {'type': type(optimizer).__name__, 'is_optimizer': False}
    groups = optimizer.param_groups
    ids = {id(p) for group in groups for p in group['params']}
    params = list(model.parameters()) if isinstance(model, nn.Module) else []
    first = groups[0] if groups else {}
    return {
        'type': type(optimizer).__name__, 'is_optimizer': True, 'groups': len(groups),
        'lr': float(first.get('lr', float('nan'))),
        'momentum': float(first.get('momentum', 0.0) or 0.0),
        'nesterov': bool(first.get('nesterov', False)),
        'covers': bool(params) and all(id(p) in ids for p in params if p.requires_grad),
    }
'''


def notebook_path(student) -> Path:
    return Path(student.folder) / NOTEBOOK


def runner(student, timeout: float = 60.0) -> CellRunner:
    """A fresh namespace holding :data:`SETUP`; without torch, the check fails saying it
    is an environment limit."""
    try:
        return CellRunner(student, SETUP, timeout=timeout)
    except StudentException as error:
        if error.type_name in ("ModuleNotFoundError", "ImportError"):
            fail(ENVIRONMENT_LIMIT)
        raise


def run_cell(student, run: CellRunner, query: CellQuery, timeout: float = 60.0):
    """Find ``query``'s cell in the submitted notebook and run it in ``run``."""
    cell = find_cell(notebook_path(student), query)
    try:
        run.run_cell(cell, timeout=timeout, notebook=NOTEBOOK)
    except StudentException as error:
        # As hidden checks show a StudentException: the student's own frames (the cell's
        # included), innermost last, with file and line.
        fail(f"Running {query.what} ({cell.label}) raised {error.type_name}: "
             f"{error.message[:600]}" + "".join(f"\n{line}" for line in error.traceback))
    return cell


def evaluate(run: CellRunner, expression: str, timeout: float = 60.0):
    """The value of ``expression`` in the namespace (data, or a Remote handle)."""
    run.run(f"_grader_value = {expression}", "<check>", timeout)
    return run.get("_grader_value")


# --------------------------------------------------------------------- numpy reference
def conv2d(x, w, b, pad):
    """Cross-correlation with zero padding, stride 1 (what F.conv2d computes).

    Inputs: x (N, C, H, W), w (F, C, KH, KW), b (F,), pad: int.
    Returns: (N, F, H + 2 pad - KH + 1, W + 2 pad - KW + 1).
    """
    N, C, H, W = x.shape
    F_, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho, Wo = H + 2 * pad - KH + 1, W + 2 * pad - KW + 1
    out = np.zeros((N, F_, Ho, Wo))
    for i in range(KH):
        for j in range(KW):
            out += np.einsum("nchw,fc->nfhw", xp[:, :, i:i + Ho, j:j + Wo], w[:, :, i, j])
    return out + b[None, :, None, None]


def three_layer_scores(x, conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b, *,
                       relu2=True, relu_scores=False):
    """The three-layer ConvNet's scores (N, classes) with fc_w of shape (D, classes)."""
    h = np.maximum(conv2d(x, conv_w1, conv_b1, 2), 0)
    h = conv2d(h, conv_w2, conv_b2, 1)
    h = np.maximum(h, 0) if relu2 else h
    scores = h.reshape(h.shape[0], -1) @ fc_w + fc_b
    return np.maximum(scores, 0) if relu_scores else scores


def softmax(scores):
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def conv_layers(layers):
    """The Conv2d and Linear entries of a :func:`_grader_layers` list, in order."""
    return ([item for item in layers if item["type"] == "Conv2d"],
            [item for item in layers if item["type"] == "Linear"])


def describe_layer(item) -> str:
    if item["type"] == "Conv2d":
        return (f"Conv2d({item['in_channels']}, {item['out_channels']}, kernel_size="
                f"{tuple(item['kernel_size'])}, padding={item['padding']!r}, "
                f"bias={item['bias']})")
    if item["type"] == "Linear":
        return f"Linear({item['in_features']}, {item['out_features']}, bias={item['bias']})"
    return item["type"]


def same_padding(value, pad: int) -> bool:
    return value == [pad, pad] or value == pad


def conv_problems(item, cin: int, cout: int, kernel: int, pad: int, which: str) -> list[str]:
    """What differs in a Conv2d entry from the one asked for."""
    found = []
    if item["in_channels"] != cin or item["out_channels"] != cout:
        found.append(f"{which} maps {item['in_channels']} to {item['out_channels']} channels; "
                     f"expected {cin} to {cout}")
    if item["kernel_size"] != [kernel, kernel]:
        found.append(f"{which} has kernel_size {tuple(item['kernel_size'])}; expected "
                     f"{kernel}x{kernel}")
    if not same_padding(item["padding"], pad):
        found.append(f"{which} has padding {item['padding']!r}; expected {pad}")
    if item.get("stride", [1, 1]) not in ([1, 1], 1):
        found.append(f"{which} has stride {item['stride']!r}; expected 1")
    if not item["bias"]:
        found.append(f"{which} has no bias")
    return found


def linear_problems(item, fin: int, fout: int, which: str) -> list[str]:
    found = []
    if item["in_features"] != fin or item["out_features"] != fout:
        hint = ""
        if item["out_features"] == fout and item["in_features"] != fin:
            hint = (" (the flattened size of the second convolution's output: check its "
                    "padding, which must keep the 32x32 size)")
        found.append(f"{which} maps {item['in_features']} to {item['out_features']} features; "
                     f"expected {fin} to {fout}{hint}")
    if not item["bias"]:
        found.append(f"{which} has no bias")
    return found
