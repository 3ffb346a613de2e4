"""torch's compiler is imported in a worker only when something compiles
(gradekit.sandbox.deferred_dynamo), and eager results are the same bit for bit.

Each case runs in a fresh interpreter: whether ``torch._dynamo`` is loaded is a property
of the whole process.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import pytest

from gradekit.sandbox.controller import Sandbox
from gradekit.sandbox.limits import Limits
from tests.engine.sandbox.test_sandbox import make_folder
from tests.support.paths import REPO

pytest.importorskip("torch")

TRAINING = """
import hashlib, json, sys
import torch
from gradekit.sandbox import deferred_dynamo
deferred = sys.argv[1] == "deferred"
if deferred:
    assert deferred_dynamo.install()
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.ReLU(),
                            torch.nn.Flatten(), torch.nn.Linear(4 * 8 * 8, 10))
digest = hashlib.sha256()
for make in (lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True,
                                       weight_decay=1e-3),
             lambda p: torch.optim.Adam(p, lr=1e-3), lambda p: torch.optim.RMSprop(p)):
    optimizer = make(model.parameters())
    for step in range(3):
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(torch.randn(5, 3, 8, 8)),
                                                 torch.randint(0, 10, (5,)))
        loss.backward()
        optimizer.step()
    optimizer.load_state_dict(optimizer.state_dict())
    for parameter in model.parameters():
        digest.update(parameter.detach().numpy().tobytes())
module = sys.modules.get("torch._dynamo")
print(json.dumps({"digest": digest.hexdigest(),
                  "compiler": type(module).__name__ if module else None}))
"""

AFTERWARDS = """
import json, sys
import torch
from gradekit.sandbox import deferred_dynamo
assert deferred_dynamo.install()
weight = torch.nn.Parameter(torch.ones(3))
optimizer = torch.optim.SGD([weight], lr=0.5)  # add_param_group: the stand-in's disable
weight.grad = torch.ones(3)
optimizer.step()
def halve(x):
    return x / 2
kept_off = torch.compiler.disable(halve)  # the stand-in's: named as the real one names it
deferred = type(sys.modules["torch._dynamo"]).__name__
import torch._dynamo.config as config  # a submodule: the real package is imported
compiled = torch.compile(lambda x: x * 2 + 1, backend="eager")
extra = torch.nn.Parameter(torch.zeros(2))
optimizer.add_param_group({"params": [extra]})  # the same wrapper, handed over
optimizer.zero_grad()
real = sys.modules["torch._dynamo"]
print(json.dumps({
    "real": type(real).__name__ == "module" and real is torch._dynamo,
    "config": config is sys.modules["torch._dynamo.config"] is real.config,
    "config spec": config.__spec__.name == "torch._dynamo.config"
                   and type(config.__spec__.loader).__name__ == "SourceFileLoader",
    "compiled": compiled(torch.arange(3.0)).tolist(),
    "weight": weight.detach().tolist(), "groups": len(optimizer.param_groups),
    "deferred until then": deferred, "kept off": [kept_off.__name__, kept_off(4.0)]}))
"""


def run(script: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script), *args],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_eager_training_never_imports_the_compiler_and_gives_the_same_numbers():
    plain, deferred = run(TRAINING, "plain"), run(TRAINING, "deferred")
    assert plain["compiler"] == "module"  # optimizers do import it: the stand-in matters
    assert deferred["compiler"] == "DeferredDynamo"
    assert deferred["digest"] == plain["digest"]


def test_anything_beyond_the_eager_no_ops_gets_the_real_compiler():
    found = run(AFTERWARDS)
    assert found == {"real": True, "config": True, "config spec": True,
                     "compiled": [1.0, 3.0, 5.0], "weight": [0.5, 0.5, 0.5], "groups": 2,
                     "deferred until then": "DeferredDynamo", "kept off": ["halve", 2.0]}


def test_a_worker_that_preloads_torch_defers_its_compiler():
    folder = make_folder({"probe.py": """
        import sys
        import torch

        def compiler_after_a_step():
            weight = torch.nn.Parameter(torch.ones(2))
            optimizer = torch.optim.Adam([weight])
            weight.grad = torch.ones(2)
            optimizer.step()
            return type(sys.modules["torch._dynamo"]).__name__
        """})
    try:
        with Sandbox(folder, limits=Limits(timeout=60.0, memory_mb=2048),
                     preload=("numpy", "torch")) as sandbox:
            assert sandbox.call("probe.compiler_after_a_step").value == "DeferredDynamo"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
