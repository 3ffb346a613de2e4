"""Public check: the fully connected net with batchnorm (the notebook's section "Fully
connected networks with batch normalization")."""

import numpy as np
import pytest

from checklib import FC_FILES, call, charged_once, model
from gradekit.checklib import Parts, array, check_number, directional_errors, fail, outputs, scalar

N, D, H1, H2, C = 2, 15, 20, 30, 10


def _loss(student, net, X, y, what):
    loss, grads = outputs(call(student, (net, "loss"), X, y).value, what, ("loss", "grads"))
    if not isinstance(grads, dict):
        fail(f"{what}: grads should be a dict; it is a {type(grads).__name__}.")
    return scalar(loss, f"{what} loss"), grads


def _check_initial_loss(loss, reg, expected, tol):
    if abs(loss - expected) <= tol:
        return
    hint = ""
    if reg and 10.5 < loss < 13:
        hint = " This looks like: L2 term without the 0.5 factor."
    elif reg and loss > 40:
        hint = " This looks like: gamma/beta regularized (only the weights W should be)."
    fail(f"Initial loss with reg={reg}: {loss:.4g}; the notebook expects about {expected} "
         f"(within {tol}).{hint}")


def _check_gradients(student, net, X, y, params, grads, reg):
    missing = sorted(set(params) - set(grads))
    if missing:
        fail(f"With reg={reg}, grads has no entry for {', '.join(missing)}.")
    params = {k: array(v, f"params[{k!r}]") for k, v in params.items()}
    # Right values in a wrong shape ((1, D) from keepdims) are compared after reshaping:
    # test_batchnorm_gradient_shapes charges those shapes.
    grads = {k: array(grads[k], f"grads[{k!r}]", shape=v.shape, reshape=True)
             for k, v in params.items()}

    def loss_at(probe):
        student.setattr(net, "params", probe)
        return _loss(student, net, X, y, "model.loss(X, y)")[0]

    rs = np.random.RandomState(0)
    directions = {name: rs.randn(*np.shape(params[name])) for name in sorted(params)}
    bad = [f"  {name}: numeric {num:.6g}, yours {ana:.6g} (rel error {err:.1e})"
           for name, (num, ana, err) in directional_errors(loss_at, params, grads,
                                                           directions).items()
           if err > 1e-5]
    if bad:
        fail(f"Gradient check with reg={reg} (derivative of the loss along a random "
             f"direction, expected rel error 1e-05 or less):\n" + "\n".join(bad))


def _notebook_params(built, weights):
    """The net's parameters with the notebook's weights (where the shapes agree), zero
    biases and betas, unit gammas."""
    if not isinstance(built, dict):
        return built
    params = {}
    for name, value in built.items():
        value = np.asarray(value, dtype=float)
        if name in weights and weights[name].shape == value.shape:
            params[name] = weights[name].copy()
        elif name.startswith("gamma"):
            params[name] = np.ones_like(value)
        elif name.startswith(("b", "beta")):
            params[name] = np.zeros_like(value)
        else:
            params[name] = value
    return params


def _real(result) -> bool:
    grads = result.get("grads") or {}
    return result.get("loss", 0) > 0 and any(
        isinstance(g, np.ndarray) and g.dtype.kind == "f" and np.any(g != 0)
        for g in grads.values())


def _plain_owner(scoring):
    """The FullyConnectedNets notebook's cell check (10.2), when this grade scores it: it
    owns the bugs of the net without normalization. None otherwise (Batch Normalization
    alone: they are charged here)."""
    try:
        number = check_number("test_public_fc_nets.py::test_fc_net_notebook")
    except LookupError:  # a student folder without that notebook's checks
        return None
    return number if scoring.scores(number) else None


def _charged_once(student, scoring, reg, kind, part, real, layers_explain=None):
    """:func:`checklib.charged_once` for this cell: the owner is the FullyConnectedNets
    notebook's cell check, which the net without normalization fails the same way when
    its cell fails ``kind`` ("loss" or "gradients") with ``reg``."""
    def shown_by_plain():
        from test_public_fc_nets import plain_cell_fails
        return plain_cell_fails(student, reg, kind)
    return charged_once(part, real, lambda: _plain_owner(scoring), shown_by_plain,
                        layers_explain)


def _layers_explain(student, cell_reference, params, X, y, result, reg):
    """In the grade: the layer checks that charge what makes the gradient check fail, if
    the student's layers explain it (hidden fc_nets.their_layers_explain); else None."""
    if cell_reference is None:
        return None
    import fc_nets  # hidden: only in the grade

    def explain():
        return fc_nets.their_layers_explain(student, cell_reference, params, X, y,
                                            result.get("grads"), normalization="batchnorm",
                                            reg=reg)
    return explain


@pytest.mark.grade(number="5.1", points=4, files=FC_FILES)
def test_fc_net_batchnorm_notebook(student, credit, scoring, cell_reference):
    """FC net with batchnorm, under "Fully connected networks with batch normalization"

    Initial losses with reg 0 and 3.14; directional gradient check of every parameter
    (of a net that returns a loss and gradients). A bug the net without normalization
    shows too is charged in the FullyConnectedNets notebook's cell check when the grade
    holds it; in the grade, gradients that disagree only because of the student's layers
    (a forward bug) are charged in those layers' checks.
    """
    # X, y and the initial weights from the stream the notebook draws them from, made
    # here: the same numbers whatever order the net's __init__ draws in (the net's own
    # initialization has checks of its own).
    rs = np.random.RandomState(231)
    X, y = rs.randn(N, D), rs.randint(C, size=(N,))
    weights = {f"W{k}": 5e-2 * rs.randn(a, b)
               for k, (a, b) in enumerate(zip((D, H1, H2), (H1, H2, C)), 1)}
    parts = Parts(credit)
    for reg, expected, tol in ((0, 2.26, 0.1), (3.14, 7.0, 0.5)):
        net = model(student, [H1, H2], input_dim=D, num_classes=C, reg=reg,
                    weight_scale=5e-2, dtype="float64", normalization="batchnorm")
        params = _notebook_params(student.getattr(net, "params"), weights)
        student.setattr(net, "params", params)
        result = {}

        def initial_loss():
            result["loss"], result["grads"] = _loss(student, net, X, y, "model.loss(X, y)")
            _check_initial_loss(result["loss"], reg, expected, tol)

        parts.run(0.25, f"initial loss, reg={reg}",
                  _charged_once(student, scoring, reg, "loss", initial_loss,
                                lambda: _real(result)))
        # The gradient check needs a loss to check (not how close it is to the notebook's
        # initial value: that is the part above): a net whose loss is 0 with zero
        # gradients agrees with its centered differences and earns nothing for it.
        parts.run(0.25, f"gradient check, reg={reg}", _charged_once(
            student, scoring, reg, "gradients", lambda: _check_gradients(
                student, net, X, y, params, result["grads"], reg), lambda: _real(result),
            _layers_explain(student, cell_reference, params, X, y, result, reg)),
            needs=_real(result),
            why="model.loss(X, y) returned no positive loss with gradients to check")
    parts.finish()
