"""The relayed re-run prints what a plain run of the same cells prints.

A toy package: its released copy defines the names (bodies raise), the student's copy
implements them. Each cell is run once plainly, in a process of its own with the
student's package (what Jupyter would have stored), and once by ``run_and_compare``:
released cells in this process, the student's functions and classes in the sandbox
worker. The two must agree on arguments changed in place, draws from numpy's global
generator inside and outside the student's code, objects built by a student class (data
attributes edited here, methods run there), and dtypes passed as arguments; an object
that is not data is never looked into.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from gradekit.config import RerunCell
from gradekit.grading.notebook.rerun import Stored, run_and_compare
from gradekit.sandbox.controller import Limits, Sandbox

RELEASED = '''
import numpy as np

def scale(x, param):
    raise NotImplementedError

def draw(n):
    raise NotImplementedError

def strange():
    raise NotImplementedError

def named():
    raise NotImplementedError

class Model:
    def __init__(self, dim, dtype=np.float32):
        raise NotImplementedError

    def loss(self, x):
        raise NotImplementedError
'''

STUDENT = '''
import numpy as np

def scale(x, param):
    param["calls"] = param.get("calls", 0) + 1
    param["running"] = param.get("running", 0.0) + float(x.sum())
    x *= 2
    return x + 1

def draw(n):
    return np.random.randn(n)

class _Thing:
    size = 5

def strange():
    return _Thing()

def named():
    # An object whose type's name holds numbers, as if to print them.
    return type("0.5 1.25", (), {})()

class Model:
    def __init__(self, dim, dtype=np.float32):
        self.params = {"W": np.random.randn(dim).astype(dtype)}
        self.dtype = dtype

    def loss(self, x):
        return float((self.params["W"] * x).sum()), {"W": x.copy()}
'''

SETUP = "import numpy as np\nfrom pkg.funcs import *\n"
CELLS = {
    "in-place": """
x = np.ones(3)
param = {}
y = scale(x, param)
y = scale(x, param)
print(x, y, param["calls"], param["running"])
""",
    "generators": """
np.random.seed(1)
a = draw(2)
b = np.random.randn(2)
print(a, b)
""",
    "object": """
np.random.seed(0)
model = Model(3, dtype=np.float64)
w = model.params["W"]
w[0] += 1.0
loss, grads = model.loss(np.arange(3.0))
print(loss, grads["W"], model.params["W"].dtype, model.dtype.__name__)
""",
    "set-attribute": """
model = Model(2, dtype=np.float64)
model.params = {"W": np.array([1.0, 2.0])}
print(model.loss(np.ones(2))[0])
""",
    "numeric-gradient": """
np.random.seed(2)
model = Model(4, dtype=np.float64)
f = lambda _: model.loss(np.arange(4.0))[0]
W = model.params["W"]
slopes = []
for i in range(4):
    old = W[i]
    W[i] = old + 1e-5
    up = f(None)
    W[i] = old - 1e-5
    down = f(None)
    W[i] = old
    slopes.append((up - down) / 2e-5)
print(np.round(slopes, 6))
""",
    "not-data": """
thing = strange()
print(thing.size)
""",
    "named-object": """
print(named())
""",
}

# Runs SETUP then every cell in one namespace with the student's package, as a notebook
# would; prints a JSON object of each cell's stdout.
PLAIN = r"""
import contextlib, io, json, sys
sys.path.insert(0, sys.argv[1])
setup, cells = json.loads(sys.argv[2]), json.loads(sys.argv[3])
namespace = {"__name__": "__main__"}
exec(setup, namespace)
printed = {}
for name, source in cells.items():
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(source, namespace)
    printed[name] = buffer.getvalue()
print(json.dumps(printed))
"""


def _package(root: Path, source: str) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "funcs.py").write_text(textwrap.dedent(source))
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


@pytest.fixture(scope="module")
def folders():
    base = Path(tempfile.mkdtemp(prefix="gradekit-relay-"))
    base.chmod(0o755)
    try:
        yield _package(base / "released", RELEASED), _package(base / "student", STUDENT)
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def plain(folders):
    done = subprocess.run([sys.executable, "-c", PLAIN, str(folders[1]), json.dumps(SETUP),
                           json.dumps(CELLS)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_the_relayed_run_prints_what_a_plain_run_prints(folders, plain):
    released, student = folders
    stored = {name: Stored(text, []) for name, text in plain.items()}
    cells = [(RerunCell(name), source) for name, source in CELLS.items()]
    with Sandbox(student, limits=Limits(timeout=30.0)) as box:
        verdicts = run_and_compare(box, [("setup", SETUP)], cells, stored, {}, 30.0, 120.0,
                                   released, ["pkg/funcs.py"])
    assert verdicts.setup_errors == []
    for name in ("in-place", "generators", "object", "set-attribute", "numeric-gradient"):
        assert verdicts.cells[name] is None, (name, verdicts.cells[name], plain[name])
    # The plain run printed 5; here the object stays in the worker and is not looked into.
    assert plain["not-data"] == "5\n"
    assert "raised TypeError: the grader cannot look into the pkg.funcs._Thing object" in \
        verdicts.cells["not-data"]
    # Printed here, an object of the student's shows none of the numbers its name holds.
    assert "0.5 1.25" in plain["named-object"]
    assert "numbers" in verdicts.cells["named-object"]
    assert "pkg" not in sys.modules or not str(getattr(sys.modules["pkg"], "__file__", "")) \
        .startswith(str(released))  # the released package is not left imported


def test_a_wrong_function_is_seen_whatever_its_module_does_to_its_process(folders, plain):
    """A student module that silences print and stdout in its own process changes nothing
    here: the cells print in the controller."""
    released, _ = folders
    base = Path(tempfile.mkdtemp(prefix="gradekit-relay-liar-"))
    base.chmod(0o755)
    liar = STUDENT.replace("x *= 2", "x *= 3") + textwrap.dedent('''
        import builtins, sys
        builtins.print = lambda *a, **k: None
        class _Quiet:
            def write(self, text):
                return len(text)
            def flush(self):
                pass
        sys.stdout = _Quiet()
    ''')
    try:
        student = _package(base / "student", liar)
        stored = {"in-place": Stored(plain["in-place"], [])}
        with Sandbox(student, limits=Limits(timeout=30.0)) as box:
            verdicts = run_and_compare(box, [("setup", SETUP)],
                                       [(RerunCell("in-place"), CELLS["in-place"])], stored, {},
                                       30.0, 60.0, released, ["pkg/funcs.py"])
    finally:
        shutil.rmtree(base, ignore_errors=True)
    assert "does not match what your code prints now" in verdicts.cells["in-place"]
