"""Hidden checks of the FullyConnectedNets notebook: the net of any depth without
normalization (parameters; scores, loss and gradients; L2 regularization).

As in the batchnorm net's checks (test_fc_net.py), the student's net gets the reference
net's parameters, and a net that is wired right but built from buggy layers is charged in
those layers' checks, not here.
"""

import functools
import re

import numpy as np
import pytest

from checklib import FC_FILES, FC_NET, call
from fc_nets import C, D, Twins, compare_grads, student_loss
from gradekit.checklib import (Elsewhere, Parts, Shapes, array, check_number, compare,
                               fail, remote_constant, show)
from test_fc_net import _grad_hints, _loss_hints

RELU_ON_SCORES = "ReLU applied to the output scores"
DEPTHS = {1: [], 5: [12, 9, 8, 7]}   # number of layers -> hidden_dims


def _memo(thunk):
    return functools.lru_cache(maxsize=None)(thunk)


def _build(student, hidden_dims, **kwargs):
    """FullyConnectedNet(hidden_dims, ...) in the sandbox: (the net, hidden_dims after)."""
    if "dtype" in kwargs:
        kwargs["dtype"] = remote_constant(student, "numpy.dtype", kwargs["dtype"])
    result = call(student, FC_NET, list(hidden_dims), **kwargs)
    return result.value, result.args[0]


@pytest.mark.grade(number="10.3", points=12, notebook="FullyConnectedNets", files=FC_FILES)
def test_fc_net_any_depth_parameters(student, credit):
    """FC net of any depth: parameters

    One and five layers without normalization: names W1..WL and b1..bL, shapes, weights
    N(0, weight_scale^2), zero biases, float32 by default; the caller's hidden_dims list
    is left as it was.
    """
    ws = 4e-2
    dims = {1: [60, C], 5: [60, 50, 40, 30, 20, C]}
    built = {}
    shapes = Shapes()
    parts = Parts(credit)

    def names():
        for layers, hidden in ((1, []), (5, [50, 40, 30, 20])):
            net, after = _build(student, hidden, input_dim=60, num_classes=C,
                                weight_scale=ws, dtype="float64")
            params = student.getattr(net, "params")
            built[layers] = params, after, hidden
            if not isinstance(params, dict):
                fail(f"model.params should be a dict; it is a {type(params).__name__}.")
            want = {f"{p}{k}" for k in range(1, layers + 1) for p in "Wb"}
            extra, missing = sorted(set(params) - want), sorted(want - set(params))
            if extra or missing:
                hint = ""
                if params and ("W0" in params or f"W{layers + 1}" in params
                               or f"W{layers}" not in params):
                    hint = " This looks like: layers numbered off by one (W1 is the first)."
                fail(f"model.params with hidden_dims={hidden} ({layers} layer"
                     f"{'s' * (layers > 1)}): missing {missing or 'nothing'}, unexpected "
                     f"{extra or 'nothing'}.{hint}")

    def values():
        wrong = []
        for layers, (params, _, hidden) in built.items():
            for name, value in sorted(params.items()):
                if not re.fullmatch(r"[Wb][1-9]", name):
                    continue
                k = int(name[1:])
                shape = (dims[layers][k - 1], dims[layers][k]) if name[0] == "W" \
                    else (dims[layers][k],)
                value = shapes.take(value, f"params[{name!r}] ({layers} layers)", shape)
                if name[0] == "b" and np.any(value != 0):
                    wrong.append(f"params[{name!r}] starts as {show(value)}; expected zeros.")
                if name[0] == "W" and (abs(value.std() / ws - 1) > 0.15
                                       or abs(value.mean()) > 0.2 * ws):
                    unscaled = abs(value.std() - 1) < 0.15
                    others = [params[f"W{j}"] for j in range(1, layers)
                              if isinstance(params.get(f"W{j}"), np.ndarray)]
                    last_only = (k == layers > 1 and others and all(
                        abs(np.std(w) / ws - 1) <= 0.15 for w in others))
                    hint = (" This looks like: the last layer's weights not scaled by "
                            "weight_scale (weights drawn without weight_scale there)."
                            if unscaled and last_only else
                            " This looks like: weights drawn without weight_scale."
                            if unscaled else "")
                    wrong.append(f"params[{name!r}] ({layers} layers, weight_scale={ws}): "
                                 f"mean {value.mean():.3g}, std {value.std():.3g}; expected "
                                 f"mean 0 and std {ws}.{hint}")
        if wrong:
            fail("\n".join(wrong))

    def not_mutated():
        for params, after, hidden in built.values():
            if list(after) != hidden:
                fail(f"FullyConnectedNet changed the caller's hidden_dims list: {hidden} "
                     f"became {list(after)}. This looks like: the caller's hidden_dims list "
                     "mutated (input_dim or num_classes inserted into it); a second net "
                     "built from the same list then gets the wrong layers. Build a new "
                     "list instead ([input_dim] + hidden_dims + [num_classes]).")

    def default_dtype():
        net, _ = _build(student, [6, 5], input_dim=4, num_classes=3)
        params = student.getattr(net, "params")
        wrong = {k: str(getattr(v, "dtype", type(v).__name__)) for k, v in params.items()
                 if not isinstance(v, np.ndarray) or v.dtype != np.float32}
        if not params or wrong:
            fail(f"With the default dtype every parameter should be float32; got "
                 f"{wrong or 'no parameters'}.")

    names_ok = parts.run(0.35, "names, 1 and 5 layers", names)
    parts.run(0.3, "initial values", values, needs=names_ok, why="the names are wrong")
    parts.shapes(0.1, "parameter shapes", shapes, needs=names_ok, why="the names are wrong")
    parts.run(0.15, "hidden_dims not mutated", not_mutated, needs=len(built) == 2,
              why="no net was built")
    parts.run(0.1, "float32 by default", default_dtype, needs=names_ok,
              why="the names are wrong")
    parts.finish()


def _loss_and_grads(student, reference, rng, parts, weight, hidden, n, reg,
                    own_reg_hints=False):
    """Two parts, the loss then the gradients, of a net with the reference's parameters.
    A ReLU on the scores is charged in the check of the net's scores and loss (10.4), with
    ``own_reg_hints`` (the regularization check) only named."""
    twins = Twins(student, reference, rng, hidden=hidden, reg=reg)
    X, y = rng.standard_normal((n, D)), rng.integers(C, size=n)
    want_loss, want_grads = twins.ours.loss(X, y)
    label = f"{len(hidden) + 1} layers, reg={reg}, N={n}"
    relu_scores = _memo(lambda: twins.reference_with(X, y, relu_scores=True))
    elsewhere = [Elsewhere(e.label, _memo(e.prediction), e.charged_in)
                 for e in twins.with_their_layers(X, y)]
    if own_reg_hints:
        elsewhere.append(Elsewhere(RELU_ON_SCORES, relu_scores, LOSS_CHECK))
    result = {}

    def part_of(index, hypothesis):
        def value():
            predicted = hypothesis.prediction()
            return None if predicted is None else predicted[index]
        return Elsewhere(hypothesis.label, value, hypothesis.charged_in)

    def loss():
        result["loss"], result["grads"] = student_loss(student, twins.theirs, X, y)
        hints = _loss_hints(want_loss, twins.params, reg) if own_reg_hints else []
        own = [] if own_reg_hints else [(RELU_ON_SCORES, lambda: relu_scores()[0])]
        compare(f"loss ({label})", result["loss"], want_loss, 1e-8, hypotheses=[
            *hints, *own, *(part_of(0, e) for e in elsewhere)])

    def grads():
        own = [] if own_reg_hints else [(RELU_ON_SCORES, lambda: relu_scores()[1])]
        compare_grads(label, result["grads"], want_grads, 1e-7,
                      whole=[*own, *(part_of(1, e) for e in elsewhere)],
                      hints=lambda name: _grad_hints(name, want_grads[name], twins.params,
                                                     reg) if own_reg_hints else ())

    parts.run(weight * 0.4, f"loss, {label}", loss)
    parts.run(weight * 0.6, f"gradients, {label}", grads, needs="grads" in result,
              why="model.loss(X, y) returned no gradients")


@pytest.mark.grade(number="10.4", points=15, notebook="FullyConnectedNets", files=FC_FILES)
def test_fc_net_any_depth_loss(student, reference, rng, credit):
    """FC net of any depth: scores, loss and gradients

    One, three and five layers without normalization, with the reference's parameters:
    test-time scores (the last affine layer's output), the softmax loss and every gradient.
    """
    parts = Parts(credit)
    twins = Twins(student, reference, rng, hidden=DEPTHS[5])
    X = rng.standard_normal((7, D))

    def scores():
        got = array(call(student, (twins.theirs, "loss"), X).value, "model.loss(X) scores",
                    (7, C))
        compare("model.loss(X) scores (5 layers)", got, twins.ours.loss(X), 1e-8,
                hypotheses=[(RELU_ON_SCORES, lambda: twins.reference_with(X, relu_scores=True)),
                            *twins.with_their_layers(X)])

    parts.run(0.2, "test-time scores, 5 layers", scores)
    _loss_and_grads(student, reference, rng, parts, 0.25, DEPTHS[1], 4, 0.0)
    _loss_and_grads(student, reference, rng, parts, 0.25, [20, 30], 5, 0.0)
    _loss_and_grads(student, reference, rng, parts, 0.3, DEPTHS[5], 6, 0.0)
    parts.finish()


LOSS_CHECK = check_number(test_fc_net_any_depth_loss)


@pytest.mark.grade(number="10.5", points=8, notebook="FullyConnectedNets", files=FC_FILES)
def test_fc_net_plain_regularization(student, reference, rng, credit):
    """FC net without normalization: L2 regularization

    Loss and gradients with reg 3.14 for two and four layers: 0.5 * reg * sum(W**2) over
    every W, the last one too, and no bias.
    """
    parts = Parts(credit)
    _loss_and_grads(student, reference, rng, parts, 0.4, [17], 5, 3.14, own_reg_hints=True)
    _loss_and_grads(student, reference, rng, parts, 0.6, [20, 12, 9], 6, 3.14,
                    own_reg_hints=True)
    parts.finish()
