"""Hidden checks of TwoLayerNet (two_layer_net.ipynb): initialization, then scores, loss
and gradients against the reference net with the same parameters.

A net that is wired right but built from buggy layers is not charged here: the value
the student's own layers give for this architecture is a prediction, and on a match the
message names the layer checks. The regularisation is checked on its own share
(loss(reg) - loss(0), and the same for the gradients): 0.5 * reg * (sum(W1^2) +
sum(W2^2)), biases not regularised.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from a1_common import NET, NET_FILES, call
from gradekit.checklib import (Elsewhere, Parts, array, check_number, compare, fail,
                               outputs, scalar)

KEYS = ("W1", "b1", "W2", "b2")
LAYER_CHECKS = ", ".join(check_number(f"test_layers.py::{name}") for name in
                         ("test_affine", "test_relu", "test_softmax_loss"))
RELU_ON_SCORES = "ReLU applied to the output scores (the architecture ends with affine)"


@pytest.mark.grade(number="4.8", points=8, notebook="two_layer_net", files=NET_FILES)
def test_init(student, rng, credit):
    """TwoLayerNet initialization

    params holds exactly W1 (D, H), b1 (H,), W2 (H, C), b2 (C,); weights with std
    weight_scale, zero biases; self.reg stored.
    """
    D, H, C = 60, 50, 60          # 3000 draws per weight: the std is within 1/10 (7 sigma)
    scale, reg = float(rng.choice([1e-2, 3e-3, 5e-2])), float(rng.uniform(0.1, 1))
    net = call(student, NET, input_dim=D, hidden_dim=H, num_classes=C, weight_scale=scale,
               reg=reg).value
    params = student.getattr(net, "params")
    shapes = {"W1": (D, H), "b1": (H,), "W2": (H, C), "b2": (C,)}
    parts = Parts(credit)

    def keys():
        if not isinstance(params, dict) or set(params) != set(KEYS):
            got = sorted(params) if isinstance(params, dict) else type(params).__name__
            fail(f"self.params has {got}; expected exactly W1, b1, W2, b2.")
        for name, shape in shapes.items():
            array(params[name], f"params[{name!r}]", shape)

    def weights():
        for name in ("W1", "W2"):
            value = array(params[name], f"params[{name!r}]", shapes[name])
            std, mean = float(value.std()), float(value.mean())
            if abs(std - scale) >= scale / 10 or abs(mean) > scale / 5:
                hint = ""
                if abs(std - 1) < 0.1:
                    hint = " This looks like: randn not multiplied by weight_scale."
                elif abs(std - scale**2) < scale**2 / 10:
                    hint = " This looks like: randn scaled by weight_scale squared."
                fail(f"params[{name!r}] has mean {mean:.3g} and std {std:.3g}; expected "
                     f"mean 0 and std weight_scale = {scale:g}.{hint}")

    def biases():
        for name in ("b1", "b2"):
            if not np.all(array(params[name], f"params[{name!r}]", shapes[name]) == 0):
                fail(f"params[{name!r}] should be all zero.")

    def reg_stored():
        got = student.getattr(net, "reg")
        if not isinstance(got, (int, float)) or got != reg:
            fail(f"self.reg is {got!r}; expected the reg given to __init__ ({reg:g}).")

    ok = parts.run(0.3, "parameter names and shapes", keys)
    parts.run(0.4, "weights", weights, needs=ok, why="the parameters are missing")
    parts.run(0.2, "biases", biases, needs=ok, why="the parameters are missing")
    parts.run(0.1, "self.reg", reg_stored, needs=ok, why="the parameters are missing")
    parts.finish()


class Nets:
    """The student's net (in the sandbox) and the reference's, with the same parameters."""

    def __init__(self, student, reference, rng, D=8, H=12, C=5):
        self.student = student
        self.params = {"W1": 0.6 * rng.standard_normal((D, H)),
                       "b1": 0.3 * rng.standard_normal(H),
                       "W2": 0.6 * rng.standard_normal((H, C)),
                       "b2": 0.3 * rng.standard_normal(C)}
        self.X, self.y = rng.standard_normal((6, D)), rng.integers(0, C, 6)
        self.theirs = call(student, NET, input_dim=D, hidden_dim=H, num_classes=C).value
        self.ours = reference.module("cs231n.classifiers.fc_net").TwoLayerNet(D, H, C)
        self.ours.params = {k: v.copy() for k, v in self.params.items()}
        self.layers = reference.module("cs231n.layers")

    def scores(self):
        self.student.setattr(self.theirs, "params", dict(self.params))
        return array(call(self.student, (self.theirs, "loss"), self.X).value,
                     "model.loss(X)", (len(self.X), self.params["b2"].size))

    def loss(self, reg):
        self.student.setattr(self.theirs, "params", dict(self.params))
        self.student.setattr(self.theirs, "reg", reg)
        loss, grads = outputs(call(self.student, (self.theirs, "loss"), self.X, self.y).value,
                              "model.loss(X, y)", ("loss", "grads"))
        if not isinstance(grads, dict) or not set(KEYS) <= set(grads):
            fail(f"model.loss(X, y) with reg = {reg}: grads should have the keys W1, b1, "
                 "W2, b2.")
        return scalar(loss, "loss"), {k: array(grads[k], f"grads[{k!r}]",
                                               self.params[k].shape) for k in KEYS}

    def reference(self, reg):
        self.ours.reg = reg
        return self.ours.loss(self.X, self.y)

    @functools.cached_property
    def own_layers(self):
        """Scores, loss and gradients (reg = 0) of this architecture from the student's
        own layers; None when a layer fails."""
        s, p = self.student, self.params

        def layer(name, *args):
            return call(s, name, *args).value

        try:
            a, fc1 = layer("affine_forward", self.X, p["W1"], p["b1"])
            h, relu = layer("relu_forward", a)
            scores, fc2 = layer("affine_forward", h, p["W2"], p["b2"])
            loss, dscores = layer("softmax_loss", scores, self.y)
            dh, dW2, db2 = layer("affine_backward", dscores, fc2)
            da = layer("relu_backward", dh, relu)
            _, dW1, db1 = layer("affine_backward", da, fc1)
            return scores, loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
        except Exception:  # noqa: BLE001 - a layer that fails predicts nothing
            return None

    def layers_wrong(self):
        mine = self.own_layers
        if mine is None:
            return True
        want_loss, want = self.reference(0.0)
        return (abs(mine[1] - want_loss) > 1e-9 * abs(want_loss)
                or any(np.max(np.abs(np.asarray(mine[2][k]) - want[k])) > 1e-9
                       for k in KEYS))

    def elsewhere(self, pick):
        """The prediction of a bug in the student's layers (not in the net)."""
        def prediction():
            mine = self.own_layers
            return None if mine is None else pick(mine)
        return Elsewhere("a bug in your layers; the net itself is wired right", prediction,
                         f"{LAYER_CHECKS}", confirm=self.layers_wrong)


@pytest.mark.grade(number="4.9", points=24, notebook="two_layer_net", files=NET_FILES)
def test_loss_and_gradients(student, reference, rng, credit):
    """TwoLayerNet scores, loss and gradients

    Scores (with negative ones) when y is None; softmax loss and gradients with reg = 0;
    the regularisation 0.5 * reg * (sum(W1^2) + sum(W2^2)) and its gradients, biases not
    regularised.
    """
    nets = Nets(student, reference, rng)
    reg = float(rng.uniform(0.3, 1.0))
    p = nets.params
    want_scores = nets.ours.loss(nets.X)
    want_loss, want_grads = nets.reference(0.0)
    state = {}

    def scores():
        compare("model.loss(X) scores", nets.scores(), want_scores, 1e-10, hypotheses=[
            (RELU_ON_SCORES, np.maximum(want_scores, 0)),
            nets.elsewhere(lambda mine: mine[0])])

    def loss0():
        state["loss0"], state["grads0"] = nets.loss(0.0)
        compare("loss with reg = 0", state["loss0"], want_loss, 1e-10,
                hypotheses=[nets.elsewhere(lambda mine: mine[1])])

    def grads0():
        if "grads0" not in state:
            state["loss0"], state["grads0"] = nets.loss(0.0)
        for k in KEYS:
            compare(f"grads[{k!r}] with reg = 0", state["grads0"][k], want_grads[k], 1e-9,
                    hypotheses=[nets.elsewhere(lambda mine, k=k: mine[2][k])])

    squares = np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2)
    bias_squares = np.sum(p["b1"] ** 2) + np.sum(p["b2"] ** 2)

    def reg_loss():
        loss0, _ = nets.loss(0.0)
        loss, _ = nets.loss(reg)
        compare(f"the regularisation term, loss(reg={reg:.3g}) - loss(reg=0)", loss - loss0,
                0.5 * reg * squares, 1e-10, hypotheses=[
                    ("the L2 term without its factor 0.5 (26.5948426952 fails)", reg * squares),
                    ("the biases are regularised too",
                     0.5 * reg * (squares + bias_squares)),
                    ("the regularisation is missing", 0.0)])

    def reg_grads():
        _, g0 = nets.loss(0.0)
        _, g = nets.loss(reg)
        for k in KEYS:
            want = reg * p[k] if k.startswith("W") else np.zeros_like(p[k])
            compare(f"the regularisation's share of grads[{k!r}], reg = {reg:.3g}", g[k] - g0[k],
                    want, 1e-9, hypotheses=[
                        ("the L2 gradient is 2 * reg * W: the loss's factor 0.5 makes it "
                         "reg * W", 2 * reg * p[k]),
                        ("the biases are regularised too", reg * p[k]),
                        ("the regularisation gradient is missing", np.zeros_like(p[k]))],
                    floor=float(reg * np.abs(p[k]).max()))

    parts = Parts(credit)
    parts.run(0.25, "scores", scores)
    parts.run(0.2, "loss, reg = 0", loss0)
    parts.run(0.25, "gradients, reg = 0", grads0)
    parts.run(0.15, "regularisation in the loss", reg_loss)
    parts.run(0.15, "regularisation gradients", reg_grads)
    parts.finish()
