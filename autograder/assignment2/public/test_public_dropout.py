"""Public checks of the Dropout notebook: its forward, backward and net cells, judged only
by what any correct mask draw gives (fraction kept, kept values x / p, test identity,
gradients of the student's own forward)."""

import numpy as np
import pytest

from checklib import FC_FILES, LAYERS_PY, call, forward, model
from dropout_checks import check_kept_fraction, check_kept_values, check_test_mode
from gradekit.checklib import (Parts, array, directional_errors, fail, numeric_gradient,
                               relative_error)
from test_public_fc_net import _loss

N, D, H1, H2, C = 2, 15, 20, 30, 10


@pytest.mark.grade(number="11.1", points=12, notebook="Dropout", files=[LAYERS_PY])
def test_dropout_forward_notebook(student, credit):
    """Dropout forward, under "Dropout: forward pass"

    x = randn(500, 500) + 10 and p = 0.25, 0.4, 0.7: about a fraction p of the units kept,
    the mean of the train output near the input's (10.0002), the test output equal to x.
    """
    rs = np.random.RandomState(231)
    x = rs.randn(500, 500) + 10
    parts = Parts(credit)
    for p in (0.25, 0.4, 0.7):
        def train(p=p):
            out = forward(student, "dropout_forward", x, {"mode": "train", "p": p},
                          shape=x.shape)[0]
            what = f"dropout_forward train mode, p = {p}"
            check_kept_fraction(out, p, 0.01, what)
            if abs(out.mean() - x.mean()) > 0.2:
                check_kept_values(out, x, p, what)
                fail(f"{what}: mean of the output {out.mean():.4f}; expected about the "
                     f"input's, {x.mean():.4f}.")

        def test(p=p):
            out = forward(student, "dropout_forward", x, {"mode": "test", "p": p},
                          shape=x.shape, train=False)[0]
            check_test_mode(out, x, p, f"dropout_forward test mode, p = {p}")

        parts.run(0.2, f"train mode, p = {p}", train)
        parts.run(0.2 / 1.5, f"test mode, p = {p}", test)
    parts.finish()


@pytest.mark.grade(number="11.2", points=10, notebook="Dropout", files=[LAYERS_PY])
def test_dropout_backward_notebook(student, credit):
    """Dropout backward, under "Dropout: backward pass"

    x = randn(10, 10) + 10 with {'mode': 'train', 'p': 0.2, 'seed': 123}: dx against
    centered differences of the same seeded forward (error 1e-10 or so).
    """
    rs = np.random.RandomState(231)
    x = rs.randn(10, 10) + 10
    dout = rs.randn(*x.shape)
    param = {"mode": "train", "p": 0.2, "seed": 123}
    parts = Parts(credit)

    def check():
        out, cache, _ = forward(student, "dropout_forward", x, dict(param), shape=x.shape)
        if not np.any(out):
            fail("dropout_forward returned all zeros; the gradient check is made once it "
                 "keeps some units.")
        dx = call(student, "dropout_backward", dout, cache).value
        numeric = numeric_gradient(lambda v: forward(
            student, "dropout_forward", v, dict(param), shape=x.shape)[0], x, dout)
        hints = " This looks like: the mask stored as booleans, so backward loses the 1/p " \
            "factor." if np.allclose(array(dx, "dx", x.shape), numeric * 0.2) else ""
        error = relative_error(array(dx, "dropout_backward dx", x.shape), numeric)
        if error > 1e-8:
            fail(f"dropout_backward dx vs centered differences of your seeded forward: "
                 f"relative error {error:.2e}; expected 1e-08 or less.{hints}")

    parts.run(1.0, "dx", check)
    parts.finish()


@pytest.mark.grade(number="11.5", points=12, notebook="Dropout", files=FC_FILES)
def test_fc_net_dropout_notebook(student, credit):
    """FC net with dropout, under "A fully connected network with dropout"

    The notebook's three-layer net with dropout_keep_ratio 1, 0.75 and 0.5 (seed 123):
    an initial loss near 2.30 and a directional gradient check of every parameter.
    """
    rs = np.random.RandomState(231)
    X, y = rs.randn(N, D), rs.randint(C, size=(N,))
    parts = Parts(credit)
    for keep in (1, 0.75, 0.5):
        net = model(student, [H1, H2], input_dim=D, num_classes=C, weight_scale=5e-2,
                    dtype="float64", seed=123, dropout_keep_ratio=keep)
        result = {}

        def initial_loss(keep=keep, net=net):
            result["loss"], result["grads"] = _loss(student, net, X, y, "model.loss(X, y)")
            if not 2.2 < result["loss"] < 2.4:
                fail(f"Initial loss with dropout_keep_ratio={keep}: {result['loss']:.6g}; "
                     "expected about 2.30 (log 10, small random weights).")

        def gradients(keep=keep, net=net):
            params = {k: array(v, f"params[{k!r}]")
                      for k, v in student.getattr(net, "params").items()}
            grads = {k: array(result["grads"].get(k), f"grads[{k!r}]", v.shape)
                     for k, v in params.items()}

            def loss_at(probe):
                student.setattr(net, "params", probe)
                return _loss(student, net, X, y, "model.loss(X, y)")[0]

            directions = {k: np.random.RandomState(0).randn(*v.shape)
                          for k, v in params.items()}
            bad = [f"  {k}: numeric {num:.6g}, yours {ana:.6g} (rel error {err:.1e})"
                   for k, (num, ana, err) in directional_errors(loss_at, params, grads,
                                                                directions).items()
                   if err > 1e-5]
            student.setattr(net, "params", params)
            if bad:
                fail(f"Gradient check with dropout_keep_ratio={keep} (derivative along a "
                     "random direction, expected rel error 1e-05 or less):\n" + "\n".join(bad))

        parts.run(0.1 / 3, f"initial loss, keep {keep}", initial_loss)
        parts.run(0.3, f"gradient check, keep {keep}", gradients,
                  needs=isinstance(result.get("grads"), dict) and result.get("loss", 0) > 0,
                  why="model.loss(X, y) returned no loss with gradients to check")
    parts.finish()
