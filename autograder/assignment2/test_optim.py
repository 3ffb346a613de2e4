"""Hidden checks of the FullyConnectedNets notebook: the update rules of cs231n/optim.py
(one step, state and defaults), and the Solver training a net with them."""

import copy

import numpy as np
import pytest

from checklib import FC_FILES, OPTIM, call, model
from fc_nets import C, D, Twins, student_loss
from gradekit.checklib import (Parts, array, charged_elsewhere, check_number, compare, fail,
                               outputs, scalar, scaled_error)

OPTIM_PY = "cs231n/optim.py"


def _step(student, ref_optim, rule, w, dw, config, hints=(), variants=()):
    """One update by the student and by the reference; compare next_w and the config.
    ``variants``: other next_w values a correct rule may give (a rearranged formula)."""
    args = (w, dw) if config is None else (w, dw, config)
    want_w, want_config = getattr(ref_optim, rule)(*copy.deepcopy(args))
    next_w, got_config = outputs(call(student, OPTIM + rule, *args).value, rule,
                                 ("next_w", "config"))
    state = "defaults" if config is None else "a given config"
    got_w = array(next_w, f"{rule} next_w", w.shape)
    if not any(scaled_error(got_w, variant) <= 1e-8 for variant in variants):
        compare(f"{rule} next_w ({state})", got_w, want_w, 1e-8, hypotheses=hints)
    if not isinstance(got_config, dict):
        fail(f"{rule} should return its config dict; it returned a {type(got_config).__name__}.")
    for key, want in sorted(want_config.items()):
        if key not in got_config:
            fail(f"{rule} config ({state}) has no {key!r} after the step.")
        if isinstance(want, np.ndarray):
            compare(f"{rule} config[{key!r}] ({state})",
                    array(got_config[key], f"config[{key!r}]", want.shape), want, 1e-8)
        else:
            compare(f"{rule} config[{key!r}] ({state})",
                    scalar(got_config[key], f"config[{key!r}]"), want, 1e-12)
    return got_config


def _check_rule(student, reference, rng, credit, rule, config, hints=lambda w, dw, c: (),
                defaults=None, variants=lambda w, dw, c: ()):
    """``defaults``: the config the rule starts from without one (the spec's defaults), for
    the hints and ``variants`` (see :func:`_step`) of the step from the defaults (none
    without it).

    The step from the defaults gets a gradient whose first row is a millionth of the
    others: from zero moments a rule's epsilon only matters where gradients are that
    small, so where epsilon sits is tested on every seed, not on the seeds that happen
    to draw a tiny gradient."""
    ref_optim = reference.module("cs231n.optim")
    w, dw = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    small = dw.copy()
    small[0] *= 1e-6
    parts = Parts(credit)
    parts.run(0.6, "a given config", lambda: _step(
        student, ref_optim, rule, w, dw, config, hints(w, dw, config),
        variants(w, dw, config)))
    parts.run(0.4, "defaults", lambda: _step(
        student, ref_optim, rule, w, small, None,
        hints(w, small, defaults) if defaults else (),
        variants(w, small, defaults) if defaults else ()))
    parts.finish()


@pytest.mark.grade(number="10.9", points=7, notebook="FullyConnectedNets", files=[OPTIM_PY])
def test_sgd_momentum(student, reference, rng, credit):
    """sgd_momentum

    One step with a given velocity, and one from the defaults.
    """
    _check_rule(student, reference, rng, credit, "sgd_momentum",
                {"learning_rate": 0.05, "momentum": 0.7,
                 "velocity": rng.standard_normal((5, 4))}, hints=_momentum_hints)


@pytest.mark.grade(number="10.10", points=7, notebook="FullyConnectedNets", files=[OPTIM_PY])
def test_rmsprop(student, reference, rng, credit):
    """rmsprop

    One step with a given cache, and one from the defaults.
    """
    _check_rule(student, reference, rng, credit, "rmsprop",
                {"learning_rate": 0.02, "decay_rate": 0.9, "epsilon": 1e-6,
                 "cache": rng.uniform(0.1, 1.0, (5, 4))}, hints=_rmsprop_hints)


def _momentum_hints(w, dw, config):
    v = config["velocity"]
    mu, lr = config["momentum"], config["learning_rate"]
    return [("the velocity stored with the opposite sign (v = mu * v + lr * dw, next_w = w - "
             "v): it trains the same from a zero velocity, but the stored velocity is part "
             "of the interface (v = mu * v - lr * dw, next_w = w + v)",
             w - (mu * v + lr * dw)),
            ("the velocity not updated (next_w = w + mu * v - lr * dw, but the new v never "
             "stored back)", w + mu * v - lr * dw)]


def _rmsprop_hints(w, dw, config):
    rho, lr, eps = config["decay_rate"], config["learning_rate"], config["epsilon"]
    cache = rho * config["cache"] + (1 - rho) * dw ** 2
    return [("the cache weighted the wrong way (rho and 1 - rho swapped)",
             w - lr * dw / (np.sqrt((1 - rho) * config["cache"] + rho * dw ** 2) + eps)),
            ("the square root of the cache missing", w - lr * dw / (cache + eps)),
            ("eps inside the square root", w - lr * dw / np.sqrt(cache + eps))]


def _adam_hints(w, dw, config):
    b1, b2, lr, eps = (config[k] for k in ("beta1", "beta2", "learning_rate", "epsilon"))
    m = b1 * config["m"] + (1 - b1) * dw
    v = b2 * config["v"] + (1 - b2) * dw ** 2

    def corrected(t):
        return m / (1 - b1 ** t), v / (1 - b2 ** t)

    t = config["t"]
    late_m, late_v = corrected(t) if t else (m, v)
    m_hat, v_hat = corrected(t + 1)
    return [("adam without bias correction", w - lr * m / (np.sqrt(v) + eps)),
            ("t incremented after the bias correction (the step used the old t)",
             w - lr * late_m / (np.sqrt(late_v) + eps)),
            ("eps inside the square root (sqrt(v_hat + eps) instead of sqrt(v_hat) + eps)",
             w - lr * m_hat / np.sqrt(v_hat + eps))]


def _adam_variants(w, dw, config):
    """The rearranged Adam (bias corrections folded into the step size, epsilon added to
    sqrt(v)), correct by COURSE_SPEC: it differs from the textbook form only in where
    epsilon acts, which the tiny gradients of the defaults step make visible."""
    b1, b2, lr, eps = (config[k] for k in ("beta1", "beta2", "learning_rate", "epsilon"))
    t = config["t"] + 1
    m = b1 * config["m"] + (1 - b1) * dw
    v = b2 * config["v"] + (1 - b2) * dw ** 2
    step = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    return [w - step * m / (np.sqrt(v) + eps)]


@pytest.mark.grade(number="10.11", points=8, notebook="FullyConnectedNets", files=[OPTIM_PY])
def test_adam(student, reference, rng, credit):
    """adam

    One step from a given state (m, v, t), and one from the defaults.
    """
    _check_rule(student, reference, rng, credit, "adam",
                {"learning_rate": 0.01, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-8,
                 "m": 0.1 * rng.standard_normal((5, 4)), "v": rng.uniform(0, 0.1, (5, 4)),
                 "t": 3}, hints=_adam_hints, variants=_adam_variants,
                # From zero moments v_hat is dw**2: eps inside the square root shows where
                # dw is tiny (the defaults step's first row).
                defaults={"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999,
                          "epsilon": 1e-8, "m": np.zeros((5, 4)), "v": np.zeros((5, 4)),
                          "t": 0})


SOLVER_FILES = [OPTIM_PY, "cs231n/solver.py", *FC_FILES]
SOLVER_RULES = {"rmsprop": 1e-2, "adam": 1e-2}


def _rule_agrees(student, reference, rng, rule) -> bool:
    """Does one step of the student's rule (defaults, then a second step from the config
    it returned) give the reference's values?"""
    ref_optim = reference.module("cs231n.optim")
    w, dw = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    try:
        want_w, want_config = getattr(ref_optim, rule)(w.copy(), dw.copy())
        got_w, got_config = outputs(call(student, OPTIM + rule, w, dw).value, rule,
                                    ("next_w", "config"))
        want_w2, _ = getattr(ref_optim, rule)(want_w.copy(), dw.copy(), want_config)
        got_w2, _ = outputs(call(student, OPTIM + rule, got_w, dw, got_config).value, rule,
                            ("next_w", "config"))
        return bool(np.allclose(got_w, want_w, rtol=1e-6, atol=1e-12)
                    and np.allclose(got_w2, want_w2, rtol=1e-6, atol=1e-12))
    except Exception:  # noqa: BLE001 - any failure of the rule means it disagrees
        return False


@pytest.mark.grade(number="10.12", points=5, notebook="FullyConnectedNets",
                   files=SOLVER_FILES)
def test_solver_overfits(student, reference, rng, credit):
    """Solver with your update rules

    The given Solver trains your three-layer net with your rmsprop and adam on 50 random
    samples (learning rate 1e-2, batch 10, 30 epochs); the training accuracy must reach
    100%, as in the notebook's overfitting experiments.
    """
    X, y = rng.standard_normal((50, D)), rng.integers(C, size=50)
    data = {"X_train": X, "y_train": y, "X_val": X[:10], "y_val": y[:10]}
    net_twins = {}

    def net_is_right():
        if "ok" not in net_twins:
            twins = Twins(student, reference, rng, hidden=[50, 50])
            try:
                loss, grads = student_loss(student, twins.theirs, X[:8], y[:8])
                want_loss, want_grads = twins.ours.loss(X[:8], y[:8])
                net_twins["ok"] = abs(loss - want_loss) < 1e-8 * max(1, abs(want_loss)) \
                    and all(np.allclose(np.asarray(grads[k], float).reshape(v.shape), v,
                                        rtol=1e-6, atol=1e-10)
                            for k, v in want_grads.items())
            except Exception:  # noqa: BLE001 - a net that fails is not right
                net_twins["ok"] = False
        return net_twins["ok"]

    def train(rule, lr):
        net = model(student, [50, 50], input_dim=D, num_classes=C, weight_scale=2e-1,
                    dtype="float64")
        solver = call(student, "cs231n.solver.Solver", net, data, update_rule=rule,
                      optim_config={"learning_rate": lr}, num_epochs=30, batch_size=10,
                      verbose=False).value
        call(student, (solver, "train"), timeout=30)
        history = [scalar(a, "train_acc_history entry")
                   for a in student.getattr(solver, "train_acc_history")]
        if history and max(history) == 1.0:
            return
        message = (f"Solver with your {rule} (learning rate {lr}) trained your net to "
                   f"{max(history, default=0):.2f} training accuracy on 50 samples in 30 "
                   "epochs; a correct net and rule reach 1.00.")
        if not _rule_agrees(student, reference, rng, rule):
            raise charged_elsewhere(message, f"your {rule} differs from the expected "
                                    "update", RULE_CHECKS[rule])
        if not net_is_right():
            raise charged_elsewhere(message, "your FullyConnectedNet's loss or gradients "
                                    "differ from the expected ones", NET_CHECK)
        fail(message)

    parts = Parts(credit)
    for rule, lr in SOLVER_RULES.items():
        parts.run(0.5, f"training with {rule}", lambda rule=rule, lr=lr: train(rule, lr))
    parts.finish()


RULE_CHECKS = {"rmsprop": test_rmsprop, "adam": test_adam}
NET_CHECK = check_number("test_fc_nets_plain.py::test_fc_net_any_depth_loss")
