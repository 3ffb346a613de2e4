"""The helpers of assignment 1's checks, public and hidden: where its code lives, calling
its functions and methods in the sandbox, and reading a method's source with ``ast``.

The generic parts (partial credit, comparisons, shapes, calls) come from
:mod:`gradekit.checklib`. Nothing here knows how the functions are computed.
"""

from __future__ import annotations

import ast

import numpy as np

from gradekit import checklib
from gradekit.checklib import (TIMEOUT, ChargedElsewhere, CheckFailed, array, fail,
                               numeric_gradient, outputs, scalar, scaled_error)
from gradekit.checklib.source import called_names, functions, parse, rebinds
from gradekit.sandbox.controller import StudentException

KNN_PY = "cs231n/classifiers/k_nearest_neighbor.py"
SVM_PY = "cs231n/classifiers/linear_svm.py"
SOFTMAX_PY = "cs231n/classifiers/softmax.py"
LINEAR_PY = "cs231n/classifiers/linear_classifier.py"
LAYERS_PY = "cs231n/layers.py"
FC_NET_PY = "cs231n/classifiers/fc_net.py"
# LinearSVM.loss and Softmax.loss (given code) call the vectorized losses.
LINEAR_FILES = [LINEAR_PY, SVM_PY, SOFTMAX_PY]
NET_FILES = [FC_NET_PY, LAYERS_PY]

KNN = "cs231n.classifiers.k_nearest_neighbor.KNearestNeighbor"
SVM = "cs231n.classifiers.linear_svm."
SOFTMAX = "cs231n.classifiers.softmax."
LAYERS = "cs231n.layers."
LINEAR = "cs231n.classifiers.linear_classifier."
NET = "cs231n.classifiers.fc_net.TwoLayerNet"


def call(student, target, *args, timeout=TIMEOUT, **kwargs):
    """:func:`gradekit.checklib.call`; a bare name means a function of cs231n.layers."""
    if isinstance(target, str) and "." not in target:
        target = LAYERS + target
    return checklib.call(student, target, *args, timeout=timeout, **kwargs)


def loss_and_grad(student, target, W, X, y, reg, name=None):
    """A linear loss ``target(W, X, y, reg)``: (loss float, dW validated as W's shape)."""
    name = name or target.rsplit(".", 1)[-1]
    loss, dW = outputs(call(student, target, W, X, y, reg).value, name, ("loss", "dW"))
    return scalar(loss, f"{name} loss"), array(dW, f"{name} dW", W.shape)


def labels_array(value, n, name="y_pred"):
    """``value`` as n labels (float or integer dtype, whole numbers), as floats."""
    y = array(value, name, (n,), dtype=None)
    if y.dtype.kind not in "iuf" or not np.all(y == np.round(y)):
        fail(f"{name} should hold whole-number labels; it has dtype {y.dtype}.")
    return y.astype(float)


def with_numeric_note(student, target, W, X, y, compare_dW):
    """Run ``compare_dW(dW)`` on the student's dW at reg = 0; when it fails, add whether
    that dW matches centered differences of the student's own loss (a gradient check of
    the student's loss, as the notebook's grad_check_sparse does)."""
    _, dW = loss_and_grad(student, target, W, X, y, 0.0)
    try:
        compare_dW(dW)
    except ChargedElsewhere:
        raise
    except CheckFailed as error:
        try:
            numeric = numeric_gradient(
                lambda w: loss_and_grad(student, target, w, X, y, 0.0)[0], W, np.array(1.0))
        except (CheckFailed, StudentException):
            raise error from None
        err = scaled_error(dW, numeric)
        name = target.rsplit(".", 1)[-1]
        note = (f"Gradient check: your dW matches centered differences of your own "
                f"{name} loss (max rel error {err:.1e}), so the loss itself differs too."
                if err <= 1e-6 else
                f"Gradient check: your dW does not match centered differences of your own "
                f"{name} loss either (max rel error {err:.1e}).")
        raise CheckFailed(f"{error}\n{note}") from None


def knn(student, X_train, y_train):
    """A KNearestNeighbor trained on (X_train, y_train), as a handle in the sandbox."""
    model = call(student, KNN).value
    call(student, (model, "train"), X_train, y_train)
    return model


def distinct_points(rng, n, d, spread=3.0):
    """(n, d) points with no two rows closer than a fraction of their spread."""
    while True:
        X = spread * rng.standard_normal((n, d)) + rng.uniform(-2, 2, d)
        gaps = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=2)
        np.fill_diagonal(gaps, np.inf)
        if gaps.min() > 0.05 * spread**2:
            return X


# ---------------------------------------------------------------- reading methods
def methods(source: str | None, cls: str) -> ast.Module | None:
    """The body of module-level ``class cls`` (the one that stays bound) as a module, so
    that :mod:`gradekit.checklib.source` reads its methods like functions; or None."""
    tree = parse(source)
    if tree is None:
        return None
    found = None
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == cls:
            found = node
        elif found is not None and rebinds(node, cls):
            found = None
    return None if found is None else ast.Module(body=found.body, type_ignores=[])


def loop_depth(node: ast.AST) -> int:
    """How deeply Python loops (for, while, comprehensions) nest inside ``node``."""
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        parts += [part for g in node.generators for part in (g.iter, *g.ifs)]
        return len(node.generators) + max(loop_depth(part) for part in parts)
    return max((loop_depth(child) + isinstance(child, (ast.For, ast.AsyncFor, ast.While))
                for child in ast.iter_child_nodes(node)), default=0)


def method_node(module: ast.Module | None, name: str) -> ast.FunctionDef | None:
    """The ``def name`` in ``module`` (from :func:`methods`) that stays bound, or None."""
    return None if module is None else functions(module, name).get(name)


def method_calls(node: ast.FunctionDef | None) -> set[str]:
    """The names a method calls (``np.linalg.norm(...)`` gives norm)."""
    return set() if node is None else called_names(node)


def mentions(node: ast.FunctionDef | None, name: str) -> bool:
    """Whether the method uses the name or attribute ``name`` (``scipy``, ``linalg``)."""
    return node is not None and any(
        (isinstance(inner, ast.Name) and inner.id == name)
        or (isinstance(inner, ast.Attribute) and inner.attr == name)
        for inner in ast.walk(node))
