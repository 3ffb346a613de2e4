"""Reading a student function's source with ``ast`` (in the controller, never run).

Everything here takes source text (or a path) and a function name, and answers None or
False when the source cannot be parsed or the function is not a module-level ``def``
that stays bound (a later assignment, import or ``def`` of the same name means what runs
is not that code).
"""

from __future__ import annotations

import ast
import copy
from pathlib import Path

MAX_BYTES = 2_000_000
"""Larger files are not read."""


def read_source(path: str | Path) -> str | None:
    """The text of a student file, or None when it is missing or too large."""
    try:
        path = Path(path)
        if path.stat().st_size > MAX_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def parse(source: str | None) -> ast.Module | None:
    """The module's syntax tree, or None when it does not parse."""
    if source is None:
        return None
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def bound_names(node: ast.stmt) -> set[str]:
    """Every name a module-level statement binds (anywhere inside it); ``"*"`` for an
    ``import *``."""
    bound = set()
    for inner in ast.walk(node):
        if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(inner.name)
        elif isinstance(inner, ast.Name) and isinstance(inner.ctx, (ast.Store, ast.Del)):
            bound.add(inner.id)
        elif isinstance(inner, ast.alias):
            bound.add(inner.asname or inner.name)
    return bound


def rebinds(node: ast.stmt, name: str) -> bool:
    """Whether a module-level statement binds ``name`` again (anywhere inside it), or
    imports ``*``."""
    bound = bound_names(node)
    return name in bound or "*" in bound


def functions(source: str | ast.Module | None, *names: str) -> dict[str, ast.FunctionDef]:
    """The module-level ``def`` of each of ``names`` that stays bound (missing ones left out)."""
    tree = source if isinstance(source, ast.Module) else parse(source)
    if tree is None:
        return {}
    found: dict[str, ast.FunctionDef] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in names:
            found[node.name] = node
            continue
        if found:
            bound = bound_names(node)
            if "*" in bound:
                found.clear()
            for name in bound.intersection(found):
                del found[name]
    return found


def function(source, name: str) -> ast.FunctionDef | None:
    """The module-level ``def name`` that stays bound, or None."""
    return functions(source, name).get(name)


def has_loops(source, name: str) -> bool:
    """Whether function ``name`` contains a ``for`` or ``while`` loop or a comprehension."""
    node = function(source, name)
    return node is not None and any(
        isinstance(inner, (ast.For, ast.AsyncFor, ast.While, ast.comprehension))
        for inner in ast.walk(node))


def called_names(node: ast.AST) -> set[str]:
    """The names called inside ``node``: ``f(...)`` gives f, ``m.f(...)`` gives f."""
    names = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call):
            callee = inner.func
            name = callee.id if isinstance(callee, ast.Name) else getattr(callee, "attr", None)
            if name:
                names.add(name)
    return names


def calls(source, name: str, other: str) -> bool:
    """Whether function ``name`` calls ``other`` (by name or as an attribute)."""
    node = function(source, name)
    return node is not None and other in called_names(node)


def assigned_names(node: ast.AST) -> set[str]:
    """Every plain name that ``node`` assigns (=, +=, annotated, unpacked)."""
    return {target.id for inner in ast.walk(node)
            if isinstance(inner, (ast.Assign, ast.AugAssign, ast.AnnAssign))
            for target in (inner.targets if isinstance(inner, ast.Assign) else [inner.target])
            for target in ast.walk(target) if isinstance(target, ast.Name)}


def code_shape(node: ast.FunctionDef) -> str:
    """The function's body with its docstring dropped and every name renamed in order:
    equal for two functions that differ only in their names."""
    body = copy.deepcopy(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    names: dict[str, str] = {}
    module = ast.Module(body=body, type_ignores=[])
    for inner in ast.walk(module):
        if isinstance(inner, ast.Name):
            inner.id = names.setdefault(inner.id, f"n{len(names)}")
        elif isinstance(inner, ast.arg):
            inner.arg = names.setdefault(inner.arg, f"n{len(names)}")
    return ast.dump(module, annotate_fields=False)


def same_code(source, name: str, other: str) -> bool:
    """Whether functions ``name`` and ``other`` are one code under different names."""
    found = functions(source, name, other)
    return len(found) == 2 and code_shape(found[name]) == code_shape(found[other])
