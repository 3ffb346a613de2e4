"""Hidden checks: the parameters FullyConnectedNet creates (names, shapes, values)."""

import re

import numpy as np
import pytest

from checklib import FC_FILES, Parts, array, fail, model
from numerics import show

C = 10
NAMES = {None: "no normalization", "batchnorm": "batchnorm", "layernorm": "layernorm"}


def expected_names(layers: int, normalized: bool) -> set[str]:
    names = {f"{p}{k}" for k in range(1, layers + 1) for p in "Wb"}
    if normalized:
        names |= {f"{p}{k}" for k in range(1, layers) for p in ("gamma", "beta")}
    return names


def check_structure(student, normalization, parts, weight):
    """Parameter names, shapes, initial values and dtype of a freshly built net."""
    ws = 3e-2
    net = model(student, [40, 30], input_dim=50, num_classes=C, weight_scale=ws,
                dtype="float64", normalization=normalization)
    params = student.getattr(net, "params")
    label = NAMES[normalization]

    def names_and_shapes():
        if not isinstance(params, dict):
            fail(f"model.params should be a dict; it is a {type(params).__name__}.")
        want = expected_names(3, normalization is not None)
        extra, missing = sorted(set(params) - want), sorted(want - set(params))
        if extra or missing:
            hint = (" This looks like: gamma/beta created for the last layer."
                    if {"gamma3", "beta3"} & set(extra) else "")
            fail(f"model.params with {label}, hidden_dims=[40, 30]: missing "
                 f"{missing or 'nothing'}, unexpected {extra or 'nothing'}.{hint}")
        dims = [50, 40, 30, C]
        for name, value in params.items():
            k = int(re.sub(r"\D", "", name))
            shape = (dims[k - 1], dims[k]) if name[0] == "W" else (dims[k],)
            array(value, f"params[{name!r}]", shape)

    def initial_values():
        for name, value in sorted(params.items()):
            value = array(value, f"params[{name!r}]")
            if name[0] == "W":
                std, mean = value.std(), value.mean()
                if abs(std / ws - 1) > 0.15 or abs(mean) > 0.2 * ws:
                    fail(f"params[{name!r}] with weight_scale={ws}: mean {mean:.3g}, std "
                         f"{std:.3g}; expected mean 0 and std {ws}.")
            else:
                want = 1.0 if name.startswith("gamma") else 0.0
                if not np.all(value == want):
                    fail(f"params[{name!r}] starts as {show(value)}; expected all {want:g}.")

    names_ok = parts.run(weight * 0.6, f"params with {label}", names_and_shapes)
    parts.run(weight * 0.4, f"initial values with {label}", initial_values, needs=names_ok)
    return net, names_ok


@pytest.mark.grade(number="5.2", points=3, visibility="hidden", files=FC_FILES)
def test_fc_net_batchnorm_structure(student, credit):
    """FC net with batchnorm: parameters

    Names, shapes, initial values and dtype of the parameters; bn_params.
    """
    parts = Parts(credit)
    net, names_ok = check_structure(student, "batchnorm", parts, 0.7)

    def bn_params():
        value = student.getattr(net, "bn_params")
        if (not isinstance(value, list) or len(value) != 2
                or any(not isinstance(p, dict) or p.get("mode") != "train" for p in value)):
            fail(f"model.bn_params for 2 hidden layers with batchnorm: {value!r:.200}; "
                 "expected a list of 2 dicts with mode 'train' (none for the last layer).")

    parts.run(0.3, "bn_params", bn_params, needs=names_ok)
    parts.finish()


@pytest.mark.grade(number="5.3", points=2, visibility="hidden", files=FC_FILES)
def test_fc_net_other_structures(student, credit):
    """FC net, other normalizations: parameters

    Parameters without normalization and with layernorm; float32 by default.
    """
    parts = Parts(credit)
    check_structure(student, None, parts, 0.35)
    check_structure(student, "layernorm", parts, 0.35)

    def default_dtype():
        net = model(student, [6], input_dim=5, num_classes=3, normalization="batchnorm")
        params = student.getattr(net, "params")
        if not params:
            fail("model.params is empty — not implemented yet?")
        wrong = {k: str(getattr(v, "dtype", type(v).__name__)) for k, v in params.items()
                 if not isinstance(v, np.ndarray) or v.dtype != np.float32}
        if wrong:
            fail(f"With the default dtype, every parameter should be float32; got {wrong}.")

    parts.run(0.3, "default dtype", default_dtype)
    parts.finish()
