"""Hidden checks: the parameters FullyConnectedNet creates (names, shapes, values)."""

import re

import numpy as np
import pytest

from checklib import FC_FILES, model
from gradekit.checklib import Parts, Shapes, charged_elsewhere, fail, show

C = 10
NAMES = {None: "no normalization", "batchnorm": "batchnorm", "layernorm": "layernorm"}


def expected_names(layers: int, normalized: bool) -> set[str]:
    names = {f"{p}{k}" for k in range(1, layers + 1) for p in "Wb"}
    if normalized:
        names |= {f"{p}{k}" for k in range(1, layers) for p in ("gamma", "beta")}
    return names


def check_structure(student, normalization, parts, weight):
    """Parameter names, shapes and initial values of a freshly built net, in three parts:
    names (0.45), initial values (0.45, compared after reshaping), shapes (0.1)."""
    ws = 3e-2
    net = model(student, [40, 30], input_dim=50, num_classes=C, weight_scale=ws,
                dtype="float64", normalization=normalization)
    params = student.getattr(net, "params")
    label = NAMES[normalization]
    dims = [50, 40, 30, C]
    shapes = Shapes()

    def shape_of(name):
        k = int(re.sub(r"\D", "", name))
        return (dims[k - 1], dims[k]) if name[0] == "W" else (dims[k],)

    def names():
        if not isinstance(params, dict):
            fail(f"model.params should be a dict; it is a {type(params).__name__}.")
        want = expected_names(3, normalization is not None)
        extra, missing = sorted(set(params) - want), sorted(want - set(params))
        if normalization == "layernorm" and not missing and set(extra) == {"gamma3", "beta3"}:
            raise charged_elsewhere(f"model.params with {label} has gamma3 and beta3.",
                                    "normalization applied to the last affine layer",
                                    test_fc_net_batchnorm_structure)
        if extra or missing:
            hint = (" This looks like: gamma/beta created for the last layer (normalization "
                    "applied to the last affine layer)."
                    if {"gamma3", "beta3"} & set(extra) else "")
            fail(f"model.params with {label}, hidden_dims=[40, 30]: missing "
                 f"{missing or 'nothing'}, unexpected {extra or 'nothing'}.{hint}")

    def initial_values():
        wrong = []
        for name, value in sorted(params.items()):
            if not re.fullmatch(r"(W|b|gamma|beta)[1-9]", name):
                continue
            value = shapes.take(value, f"params[{name!r}]", shape_of(name))
            if name[0] == "W":
                std, mean = value.std(), value.mean()
                if abs(std / ws - 1) > 0.15 or abs(mean) > 0.2 * ws:
                    wrong.append((name, f"params[{name!r}] with weight_scale={ws}: mean "
                                        f"{mean:.3g}, std {std:.3g}; expected mean 0 and std "
                                        f"{ws}."))
            else:
                want = 1.0 if name.startswith("gamma") else 0.0
                if not np.all(value == want):
                    wrong.append((name, f"params[{name!r}] starts as {show(value)}; expected "
                                        f"all {want:g}."))
        if wrong:
            message = "\n".join(text for _, text in wrong)
            last = f"W{len(dims) - 1}"
            if [name for name, _ in wrong] == [last]:
                std = float(np.asarray(params[last]).std())
                if abs(std - 1) < 0.15:
                    message += ("\nThis looks like: the last layer's weights not scaled by "
                                "weight_scale.")
            fail(message)

    names_ok = parts.run(weight * 0.45, f"params with {label}", names)
    made = isinstance(params, dict) and bool(params)
    parts.run(weight * 0.45, f"initial values with {label}", initial_values, needs=made,
              why="model.params holds no parameters")
    parts.shapes(weight * 0.1, f"parameter shapes with {label}", shapes, needs=made,
                 why="model.params holds no parameters")
    return net, made


@pytest.mark.grade(number="5.2", points=3, files=FC_FILES)
def test_fc_net_batchnorm_structure(student, credit):
    """FC net with batchnorm: parameters

    Names, shapes, initial values and dtype of the parameters; bn_params.
    """
    parts = Parts(credit)
    net, made = check_structure(student, "batchnorm", parts, 0.7)

    def bn_params():
        value = student.getattr(net, "bn_params")
        if (not isinstance(value, list) or len(value) != 2
                or any(not isinstance(p, dict) or p.get("mode") != "train" for p in value)):
            fail(f"model.bn_params for 2 hidden layers with batchnorm: {value!r:.200}; "
                 "expected a list of 2 dicts with mode 'train' (none for the last layer).")

    # The starter code builds bn_params; they count once the net has parameters too.
    parts.run(0.3, "bn_params", bn_params, needs=made, why="model.params holds no parameters")
    parts.finish()


@pytest.mark.grade(number="5.3", points=3, files=FC_FILES)
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
