"""Shared helpers for the tests of the reference solution (tests/assignments/assignment2/test_reference_*.py).

The reference package lives in ``solutions/assignment2/cs231n``. Other code in this repository
(student templates, sandboxes) also has a package called ``cs231n``, so the
reference is loaded under a private name, ``reference_cs231n``: whatever else a
test session imports, these tests always exercise ``solutions/assignment2/``.
"""

import importlib
import importlib.util
import sys
from pathlib import Path

import numpy as np
from tests.support.paths import A2

PACKAGE_DIR = A2.solutions / "cs231n"
PACKAGE_NAME = "reference_cs231n"


def _load_package():
    if PACKAGE_NAME in sys.modules:
        return sys.modules[PACKAGE_NAME]
    spec = importlib.util.spec_from_file_location(
        PACKAGE_NAME, PACKAGE_DIR / "__init__.py",
        submodule_search_locations=[str(PACKAGE_DIR)])
    package = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE_NAME] = package
    spec.loader.exec_module(package)
    return package


def ref(module):
    """The reference module ``cs231n.<module>``, e.g. ref("layers")."""
    _load_package()
    return importlib.import_module(f"{PACKAGE_NAME}.{module}")


def rel_error(x, y):
    """Largest relative error, as the notebook computes it: max |x-y| / max(1e-8, |x|+|y|)."""
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
    grad = np.zeros_like(x)
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


def check_grads(forward, backward, inputs, names, dout, tol=1e-7, h=1e-5):
    """Compare an analytic backward pass with numeric gradients of every input.

    Inputs:
    - forward: function(*inputs) -> (out, cache)
    - backward: function(dout, cache) -> gradient or tuple of gradients
    - inputs: list of float64 arrays (not changed)
    - names: names of the inputs, for messages; None entries are skipped
    - dout: upstream gradient, shape of out
    - tol: largest relative error allowed
    - h: half step of the centered differences

    Returns a dict name -> relative error.
    """
    _, cache = forward(*inputs)
    grads = backward(dout, cache)
    if not isinstance(grads, tuple):
        grads = (grads,)
    assert len(grads) == len(inputs)
    errors = {}
    for i, name in enumerate(names):
        if name is None:
            continue

        def f(v, i=i):
            args = list(inputs)
            args[i] = v
            return forward(*args)[0]

        num = numeric_grad(f, inputs[i].copy(), dout, h=h)
        assert grads[i].shape == inputs[i].shape, (name, grads[i].shape)
        errors[name] = rel_error(num, grads[i])
        assert errors[name] < tol, f"d{name}: relative error {errors[name]:.2e}"
    return errors


def notebook_gradient_inputs():
    """The notebook's gradient-check inputs (sections 6 and 17): x, gamma, beta, dout.

    Seeds numpy's global generator with 231 and draws in the notebook's order; N, D = 4, 5.
    """
    np.random.seed(231)
    N, D = 4, 5
    x = 5 * np.random.randn(N, D) + 12
    gamma = np.random.randn(D)
    beta = np.random.randn(D)
    dout = np.random.randn(N, D)
    return x, gamma, beta, dout
