"""Public check: the fully connected net with batchnorm, notebook cell 8."""

import numpy as np
import pytest

from checklib import FC_FILES, Parts, array, call, fail, model, outputs, scalar
from numerics import directional_errors

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
    grads = {k: array(grads[k], f"grads[{k!r}]", shape=v.shape) for k, v in params.items()}

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


@pytest.mark.grade(number="5.1", points=3, visibility="visible", files=FC_FILES)
def test_fc_net_batchnorm_notebook(student, credit):
    """FC net with batchnorm, notebook cell 8

    Initial losses with reg 0 and 3.14; directional gradient check of every parameter.
    """
    # Draw X, y and the initial weights in the worker, from the stream the notebook uses.
    call(student, "numpy.random.seed", 231)
    X = call(student, "numpy.random.randn", N, D).value
    y = call(student, "numpy.random.randint", C, size=(N,)).value
    parts = Parts(credit)
    for reg, expected, tol in ((0, 2.26, 0.1), (3.14, 7.0, 0.5)):
        net = model(student, [H1, H2], input_dim=D, num_classes=C, reg=reg,
                    weight_scale=5e-2, dtype="float64", normalization="batchnorm")
        params = student.getattr(net, "params")
        result = {}

        def initial_loss():
            result["loss"], result["grads"] = _loss(student, net, X, y, "model.loss(X, y)")
            _check_initial_loss(result["loss"], reg, expected, tol)

        loss_ok = parts.run(0.25, f"initial loss, reg={reg}", initial_loss)
        parts.run(0.25, f"gradient check, reg={reg}", lambda: _check_gradients(
            student, net, X, y, params, result["grads"], reg), needs=loss_ok)
    parts.finish()
