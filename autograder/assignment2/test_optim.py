"""Hidden checks of the FullyConnectedNets assignment (they score nothing in this one): the
update rules of cs231n/optim.py (one step, state and defaults)."""

import copy

import numpy as np
import pytest

from checklib import OPTIM, call
from gradekit.checklib import Parts, array, compare, fail, outputs, scalar

OPTIM_PY = "cs231n/optim.py"


def _step(student, ref_optim, rule, w, dw, config, hints=()):
    """One update by the student and by the reference; compare next_w and the config."""
    args = (w, dw) if config is None else (w, dw, config)
    want_w, want_config = getattr(ref_optim, rule)(*copy.deepcopy(args))
    next_w, got_config = outputs(call(student, OPTIM + rule, *args).value, rule,
                                 ("next_w", "config"))
    state = "defaults" if config is None else "a given config"
    compare(f"{rule} next_w ({state})", array(next_w, f"{rule} next_w", w.shape), want_w,
            1e-8, hypotheses=hints)
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


def _check_rule(student, reference, rng, credit, rule, config, hints=lambda w, dw, c: ()):
    ref_optim = reference.module("cs231n.optim")
    w, dw = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    parts = Parts(credit)
    parts.run(0.6, "a given config", lambda: _step(
        student, ref_optim, rule, w, dw, config, hints(w, dw, config)))
    parts.run(0.4, "defaults", lambda: _step(student, ref_optim, rule, w, dw, None))
    parts.finish()


@pytest.mark.grade(number="7.1", points=2, notebook="FullyConnectedNets", files=[OPTIM_PY])
def test_sgd_momentum(student, reference, rng, credit):
    """sgd_momentum

    One step with a given velocity, and one from the defaults.
    """
    _check_rule(student, reference, rng, credit, "sgd_momentum",
                {"learning_rate": 0.05, "momentum": 0.7,
                 "velocity": rng.standard_normal((5, 4))})


@pytest.mark.grade(number="7.2", points=2, notebook="FullyConnectedNets", files=[OPTIM_PY])
def test_rmsprop(student, reference, rng, credit):
    """rmsprop

    One step with a given cache, and one from the defaults.
    """
    _check_rule(student, reference, rng, credit, "rmsprop",
                {"learning_rate": 0.02, "decay_rate": 0.9, "epsilon": 1e-6,
                 "cache": rng.uniform(0.1, 1.0, (5, 4))})


def _adam_hints(w, dw, config):
    m = config["beta1"] * config["m"] + (1 - config["beta1"]) * dw
    v = config["beta2"] * config["v"] + (1 - config["beta2"]) * dw ** 2
    return [("adam without bias correction",
             w - config["learning_rate"] * m / (np.sqrt(v) + config["epsilon"]))]


@pytest.mark.grade(number="7.3", points=2, notebook="FullyConnectedNets", files=[OPTIM_PY])
def test_adam(student, reference, rng, credit):
    """adam

    One step from a given state (m, v, t), and one from the defaults.
    """
    _check_rule(student, reference, rng, credit, "adam",
                {"learning_rate": 0.01, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-8,
                 "m": 0.1 * rng.standard_normal((5, 4)), "v": rng.uniform(0, 0.1, (5, 4)),
                 "t": 3}, hints=_adam_hints)
