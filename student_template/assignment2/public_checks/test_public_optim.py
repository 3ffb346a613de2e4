"""Public checks of the FullyConnectedNets notebook: its tests of the update rules (one
step on fixed linspace inputs, N, D = 4, 5), with the arrays a correct rule gives."""

import numpy as np
import pytest

from checklib import OPTIM, call
from gradekit.checklib import Parts, array, compare, fail, outputs, scalar

OPTIM_PY = "cs231n/optim.py"
N, D = 4, 5


def _lin(start, stop):
    return np.linspace(start, stop, num=N * D).reshape(N, D)


W, DW = _lin(-0.4, 0.6), _lin(-0.6, 0.4)

MOMENTUM_NEXT_W = np.array([
    [0.1406, 0.207389473684, 0.274178947368, 0.340968421053, 0.407757894737],
    [0.474547368421, 0.541336842105, 0.608126315789, 0.674915789474, 0.741705263158],
    [0.808494736842, 0.875284210526, 0.942073684211, 1.008863157895, 1.075652631579],
    [1.142442105263, 1.209231578947, 1.276021052632, 1.342810526316, 1.4096]])
MOMENTUM_VELOCITY = np.array([
    [0.5406, 0.554757894737, 0.568915789474, 0.583073684211, 0.597231578947],
    [0.611389473684, 0.625547368421, 0.639705263158, 0.653863157895, 0.668021052632],
    [0.682178947368, 0.696336842105, 0.710494736842, 0.724652631579, 0.738810526316],
    [0.752968421053, 0.767126315789, 0.781284210526, 0.795442105263, 0.8096]])
RMSPROP_NEXT_W = np.array([
    [-0.392238494843, -0.340375132991, -0.288492388467, -0.236591208211, -0.184672471953],
    [-0.132736998347, -0.080785550431, -0.02881884049, 0.023162465588, 0.075157744415],
    [0.127166411598, 0.179187918589, 0.231221749838, 0.283267420225, 0.335324472733],
    [0.387392476338, 0.43947102409, 0.491559731366, 0.543658234281, 0.595766188234]])
RMSPROP_CACHE = np.array([
    [0.5976, 0.612627700831, 0.627710803324, 0.642849307479, 0.658043213296],
    [0.673292520776, 0.688597229917, 0.70395734072, 0.719372853186, 0.734843767313],
    [0.750370083102, 0.765951800554, 0.781588919668, 0.797281440443, 0.813029362881],
    [0.828832686981, 0.844691412742, 0.860605540166, 0.876575069252, 0.8926]])
ADAM_NEXT_W = np.array([
    [-0.400947471668, -0.348361868967, -0.295777032133, -0.24319298837, -0.190609766319],
    [-0.138027396167, -0.085445909753, -0.032865340689, 0.019714275507, 0.07229290127],
    [0.124870496829, 0.177447020038, 0.230022426183, 0.282596667779, 0.335169694338],
    [0.387741452117, 0.440311883844, 0.492880928401, 0.545448520489, 0.598014590243]])
ADAM_V = np.array([
    [0.69966, 0.689083822715, 0.678513185596, 0.667948088643, 0.657388531856],
    [0.646834515235, 0.636286038781, 0.625743102493, 0.615205706371, 0.604673850416],
    [0.594147534626, 0.583626759003, 0.573111523546, 0.562601828255, 0.55209767313],
    [0.541599058172, 0.53110598338, 0.520618448753, 0.510136454294, 0.49966]])
ADAM_M = np.array([
    [0.48, 0.499473684211, 0.518947368421, 0.538421052632, 0.557894736842],
    [0.577368421053, 0.596842105263, 0.616315789474, 0.635789473684, 0.655263157895],
    [0.674736842105, 0.694210526316, 0.713684210526, 0.733157894737, 0.752631578947],
    [0.772105263158, 0.791578947368, 0.811052631579, 0.830526315789, 0.85]])


def _step(student, rule, config):
    next_w, config = outputs(call(student, OPTIM + rule, W.copy(), DW.copy(), config).value,
                             rule, ("next_w", "config"))
    if not isinstance(config, dict):
        fail(f"{rule} should return (next_w, config); config is a {type(config).__name__}.")
    return array(next_w, f"{rule} next_w", (N, D)), config


def _state(config, rule, key):
    if key not in config:
        fail(f"{rule}: config has no {key!r} after the step; the new value must be stored "
             "back in config.")
    return array(config[key], f"{rule} config[{key!r}]", (N, D))


@pytest.mark.grade(number="10.6", points=6, notebook="FullyConnectedNets", files=[OPTIM_PY])
def test_sgd_momentum_notebook(student, credit):
    """sgd_momentum, under "Update rules: SGD with momentum"

    learning_rate 1e-3 and a given velocity: next_w and the stored velocity (error 1e-8
    or less).
    """
    result = {}
    parts = Parts(credit)

    def next_w():
        result["w"], result["config"] = _step(
            student, "sgd_momentum", {"learning_rate": 1e-3, "velocity": _lin(0.6, 0.9)})
        compare("sgd_momentum next_w", result["w"], MOMENTUM_NEXT_W, 1e-8)

    parts.run(0.6, "next_w", next_w)
    parts.run(0.4, "velocity", lambda: compare(
        "sgd_momentum config['velocity']", _state(result["config"], "sgd_momentum",
                                                  "velocity"), MOMENTUM_VELOCITY, 1e-8),
              needs="config" in result, why="sgd_momentum returned no config")
    parts.finish()


@pytest.mark.grade(number="10.7", points=6, notebook="FullyConnectedNets", files=[OPTIM_PY])
def test_rmsprop_notebook(student, credit):
    """rmsprop, under "Update rules: RMSProp and Adam"

    learning_rate 1e-2 and a given cache: next_w and the stored cache (error 1e-7 or less).
    """
    result = {}
    parts = Parts(credit)

    def next_w():
        result["w"], result["config"] = _step(
            student, "rmsprop", {"learning_rate": 1e-2, "cache": _lin(0.6, 0.9)})
        compare("rmsprop next_w", result["w"], RMSPROP_NEXT_W, 1e-7)

    parts.run(0.6, "next_w", next_w)
    parts.run(0.4, "cache", lambda: compare(
        "rmsprop config['cache']", _state(result["config"], "rmsprop", "cache"),
        RMSPROP_CACHE, 1e-7), needs="config" in result, why="rmsprop returned no config")
    parts.finish()


@pytest.mark.grade(number="10.8", points=6, notebook="FullyConnectedNets", files=[OPTIM_PY])
def test_adam_notebook(student, credit):
    """adam, under "Update rules: RMSProp and Adam"

    learning_rate 1e-2, given m and v, t = 5: next_w, v and m (error 1e-7 or less); t
    becomes 6 before it is used.
    """
    result = {}
    parts = Parts(credit)

    def next_w():
        result["w"], result["config"] = _step(student, "adam", {
            "learning_rate": 1e-2, "m": _lin(0.6, 0.9), "v": _lin(0.7, 0.5), "t": 5})
        error = float(np.max(np.abs(result["w"] - ADAM_NEXT_W)))
        if 1e-6 < error < 1e-4:
            fail(f"adam next_w: largest difference {error:.1e} from the notebook's values. "
                 "This looks like: t incremented after the bias correction (or not at all); "
                 "the step from t = 5 must use t = 6.")
        compare("adam next_w", result["w"], ADAM_NEXT_W, 1e-7)

    def state():
        config = result["config"]
        compare("adam config['v']", _state(config, "adam", "v"), ADAM_V, 1e-7)
        compare("adam config['m']", _state(config, "adam", "m"), ADAM_M, 1e-7)
        if "t" not in config or scalar(config["t"], "config['t']") != 6:
            fail(f"adam: config['t'] is {config.get('t')!r} after one step from t = 5; "
                 "expected 6 (t counts the steps, incremented before use).")

    parts.run(0.6, "next_w", next_w)
    parts.run(0.4, "m, v and t", state, needs="config" in result,
              why="adam returned no config")
    parts.finish()
