"""Does a student's batchnorm_backward_alt go through the staged chain rule? Read from its
data flow with ``ast`` (in the controller, never run); variable names play no part.

The closed form's only sums over the batch are sums of the upstream gradient's terms
(dbeta, dgamma, or the same sums of dxhat), combined elementwise into dx. The chain rule
restated needs more, in one of two ways, and both show in what dx is computed from:

- a sum over the batch of an array that already carries such a sum (dmean taken over
  terms that include dvar's; the staged graph's last node), or
- a sum over the batch, inside the backward, of the input's terms alone (the paper's
  ``mean(-2 * (x - mu))`` of dmean, which is zero); recomputing the batch statistics
  from x (their sums feed dout's sums through xhat) is not that.

The first parameter is dout, whatever its name. A sum over the batch is ``sum``/``mean``
over axis 0 (as a function, a method, ``np.add.reduce`` or the built-in ``sum``). What a
call of the student's own helper returns is taken to depend on its arguments. Control
flow is read generously: both branches of an ``if`` count, loop bodies twice.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

DOUT = "depends on dout"
SUMMED = "carries a sum over the batch of dout's terms"
RESUMMED = "carries a sum over the batch of an array that carries one already"
INPUT_SUM = "carries a sum over the batch of a linear combination of the input's terms"
BARE_INPUT_SUM = "carries a sum over the batch of one of the input's arrays as it is"
REDUCERS = {"sum", "mean", "nansum", "nanmean", "average"}
Flags = frozenset


@dataclass(frozen=True)
class Restated:
    """Why the alt restates the chain rule, in the student's terms."""

    text: str


def restated(function: ast.FunctionDef) -> Restated | None:
    """The evidence that ``function`` (the alt's ``def``) restates the chain rule, or None."""
    if not function.args.args:
        return None
    flow = _Flow({function.args.args[0].arg: Flags({DOUT})})
    flow.block(function.body)
    if RESUMMED in flow.returned:
        return Restated("dx is built from a sum over the batch of terms that already hold a "
                        "sum over the batch (the chain rule's dmean step after its dvar step)")
    bare = BARE_INPUT_SUM in flow.returned and not flow.statistics
    if (INPUT_SUM in flow.returned or bare) and DOUT in flow.returned:
        return Restated("dx uses a sum over the batch of the input's own terms, computed in "
                        "the backward (the chain rule's dmean step sums x - mean, which the "
                        "closed form does without)")
    return None


class _Flow:
    """What each local name depends on, statement by statement."""

    def __init__(self, names: dict[str, Flags]) -> None:
        self.names = dict(names)
        self.returned: Flags = Flags()
        self.statistics = False  # a sum of an input array feeds a sum of dout's terms

    # ---------------------------------------------------------------- statements
    def block(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            self.statement(statement)

    def statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Assign):
            flags = self.expr(node.value)
            for target in node.targets:
                self.bind(target, flags)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and node.value is not None:
            flags = self.expr(node.value)
            if isinstance(node, ast.AugAssign):
                flags |= self.expr(node.target)
            self.bind(node.target, flags)
        elif isinstance(node, ast.Return) and node.value is not None:
            self.returned |= self.expr(node.value)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.bind(node.target, self.expr(node.iter))
            self.block(node.body)
            self.block(node.body)
            self.block(node.orelse)
        elif isinstance(node, ast.While):
            self.block(node.body)
            self.block(node.body)
            self.block(node.orelse)
        elif isinstance(node, ast.If):
            self.branches(node.body, node.orelse)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            self.block(node.body)
        elif isinstance(node, ast.Try):
            self.block(node.body)
            for handler in node.handlers:
                self.block(handler.body)
            self.block(node.orelse)
            self.block(node.finalbody)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            self.mutating_call(node.value)

    def branches(self, first: list[ast.stmt], second: list[ast.stmt]) -> None:
        """Both branches of an ``if``: a name holds what either branch gave it."""
        before = dict(self.names)
        self.block(first)
        after_first, self.names = self.names, dict(before)
        self.block(second)
        for name, flags in after_first.items():
            self.names[name] = self.names.get(name, Flags()) | flags

    def mutating_call(self, call: ast.Call) -> None:
        """``a.method(b)`` or ``np.add.at(a, i, b)`` as a statement: a takes b's flags."""
        flags = Flags().union(*(self.expr(arg) for arg in call.args),
                              *(self.expr(k.value) for k in call.keywords))
        target = None
        if isinstance(call.func, ast.Attribute):
            base = _base_name(call.func.value)
            if base in self.names:
                target = base
            elif call.args:
                target = _base_name(call.args[0])
        if target is not None:
            self.names[target] = self.names.get(target, Flags()) | flags

    def bind(self, target: ast.expr, flags: Flags) -> None:
        if isinstance(target, ast.Name):
            self.names[target.id] = flags
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind(element, flags)
        elif isinstance(target, ast.Starred):
            self.bind(target.value, flags)
        elif isinstance(target, (ast.Subscript, ast.Attribute)):
            base = _base_name(target)
            if base is not None:
                self.names[base] = self.names.get(base, Flags()) | flags

    # ---------------------------------------------------------------- expressions
    def expr(self, node: ast.AST | None) -> Flags:
        if node is None:
            return Flags()
        if isinstance(node, ast.Name):
            return self.names.get(node.id, Flags())
        if isinstance(node, ast.Call):
            operand = _batch_sum_operand(node, self.names)
            if operand is not None:
                return self.batch_sum(operand)
        if isinstance(node, ast.Lambda):
            return Flags()
        return Flags().union(*(self.expr(child) for child in ast.iter_child_nodes(node)
                               if isinstance(child, (ast.expr, ast.keyword, ast.comprehension))))

    def batch_sum(self, operand: ast.expr) -> Flags:
        inner = self.expr(operand)
        if DOUT not in inner:
            # A sum of terms linear in the input, such as -2 * (x - mu), is the chain
            # rule's; so is the sum of a cached array as it is (x - mu, or x itself?) unless
            # it feeds dout's sums, as recomputed batch statistics do (mean of x into xhat
            # into dgamma). A sum of (x - mu) ** 2 is a statistic.
            if _linear_combination(operand):
                return inner | {INPUT_SUM}
            if isinstance(operand, (ast.Name, ast.Attribute, ast.Subscript)):
                return inner | {BARE_INPUT_SUM}
            return inner
        if BARE_INPUT_SUM in inner:
            self.statistics = True
        summed = inner | {SUMMED}
        return summed | {RESUMMED} if SUMMED in inner else summed


def _linear_combination(node: ast.expr) -> bool:
    """Whether ``node`` adds, subtracts or scales arrays (``-2.0 * xc``, ``x - mu``), with
    no power, call or comparison: more than a bare name, which may be x itself."""
    if not isinstance(node, (ast.BinOp, ast.UnaryOp)):
        return False
    for inner in ast.walk(node):
        if isinstance(inner, ast.BinOp) and not isinstance(
                inner.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            return False
        if isinstance(inner, ast.UnaryOp) and not isinstance(inner.op, (ast.USub, ast.UAdd)):
            return False
        if isinstance(inner, (ast.Call, ast.Compare, ast.BoolOp, ast.IfExp, ast.Lambda)):
            return False
    return True


def _base_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Subscript, ast.Attribute, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _batch_sum_operand(call: ast.Call, local: dict[str, Flags]) -> ast.expr | None:
    """The array a call sums over axis 0, or None when it is no such sum."""
    func = call.func
    if isinstance(func, ast.Name):
        # The built-in sum over a 2-D array adds its rows.
        return call.args[0] if func.id == "sum" and len(call.args) == 1 else None
    if not isinstance(func, ast.Attribute):
        return None
    if func.attr == "reduce" and isinstance(func.value, ast.Attribute) \
            and func.value.attr == "add" and call.args:
        axis = call.args[1] if len(call.args) > 1 else _keyword(call, "axis")
        return call.args[0] if axis is None or _is_batch_axis(axis) else None
    if func.attr not in REDUCERS:
        return None
    module_call = isinstance(func.value, ast.Name) and func.value.id not in local
    if module_call:
        if not call.args:
            return None
        operand, axis = call.args[0], (call.args[1] if len(call.args) > 1 else None)
    else:
        operand, axis = func.value, (call.args[0] if call.args else None)
    axis = axis if axis is not None else _keyword(call, "axis")
    return operand if axis is not None and _is_batch_axis(axis) else None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _is_batch_axis(axis: ast.expr) -> bool:
    if isinstance(axis, ast.Constant):
        return axis.value == 0
    if isinstance(axis, (ast.Tuple, ast.List)):
        return any(isinstance(e, ast.Constant) and e.value == 0 for e in axis.elts)
    return False
