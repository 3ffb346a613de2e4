"""Shared helpers for the tests of assignment 3's reference solution.

The reference package lives in ``solutions/assignment3/cs231n``. Other packages
called ``cs231n`` exist in this repository (assignment 2's reference, student
templates), so it is loaded under a private name, ``reference_a3_cs231n``:
these tests always exercise ``solutions/assignment3``.
"""

import importlib
import importlib.util
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
PACKAGE_DIR = ROOT / "solutions" / "assignment3" / "cs231n"
PACKAGE_NAME = "reference_a3_cs231n"


def load_package(directory=PACKAGE_DIR, name=PACKAGE_NAME):
    """Import the package in ``directory`` under the module name ``name``."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, Path(directory) / "__init__.py", submodule_search_locations=[str(directory)])
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    return package


def ref(module):
    """The reference module ``cs231n.<module>``, e.g. ref("rnn_layers")."""
    load_package()
    return importlib.import_module(f"{PACKAGE_NAME}.{module}")


def rel_error(x, y):
    """Largest relative error, as the notebooks compute it: max |x-y| / max(1e-8, |x|+|y|)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def numeric_grad(f, x, df=None, h=1e-5):
    """Centered-difference gradient of f at x (independent of cs231n.gradient_check).

    Inputs:
    - f: function of x; returns a scalar, or an array when df is given
    - x: float64 array; changed temporarily, restored
    - df: upstream gradient of f's output (None for a scalar f)
    - h: half step

    Returns an array of x's shape: d(sum(df * f(x)))/dx.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(*x.shape):
        old = x[ix]
        x[ix] = old + h
        plus = np.array(f(x), dtype=np.float64, copy=True)
        x[ix] = old - h
        minus = np.array(f(x), dtype=np.float64, copy=True)
        x[ix] = old
        diff = plus - minus
        grad[ix] = (diff if df is None else np.sum(diff * df)) / (2 * h)
    return grad
