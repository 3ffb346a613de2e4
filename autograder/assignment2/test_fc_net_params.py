"""Hidden checks: the parameters FullyConnectedNet creates (names, shapes, values)."""

import re

import numpy as np
import pytest

from checklib import FC_FILES, charged_once, model
from gradekit.checklib import Parts, Shapes, charged_elsewhere, check_number, fail, show
from gradekit.grading.checks import CheckFailed
from gradekit.grading.fixtures import Credit

C = 10
NAMES = {None: "no normalization", "batchnorm": "batchnorm", "layernorm": "layernorm"}


def expected_names(layers: int, normalized: bool) -> set[str]:
    names = {f"{p}{k}" for k in range(1, layers + 1) for p in "Wb"}
    if normalized:
        names |= {f"{p}{k}" for k in range(1, layers) for p in ("gamma", "beta")}
    return names


# The FullyConnectedNets notebook's parameter check owns the bugs of the net without
# normalization (COURSE_SPEC A2.3: an unnormalized FC bug fails Q1, not BN) when the
# grade scores it; Batch Normalization alone charges them here.
PLAIN_PARAMS = check_number("test_fc_nets_plain.py::test_fc_net_any_depth_parameters")


def plain_owner(scoring, number):
    """``number`` when this grade scores that check, else None."""
    return number if scoring is not None and scoring.scores(number) else None


def plain_structure(student):
    """Which parts of the structure check the net without normalization passes:
    {"names", "values", "shapes"} -> bool (computed once per call)."""
    scratch = Parts(Credit())
    return check_structure(student, None, scratch, 1.0)[2]


def check_structure(student, normalization, parts, weight, owner=None):
    """Parameter names, shapes and initial values of a freshly built net, in three parts:
    names (0.45), initial values (0.45, compared after reshaping), shapes (0.1).

    With ``owner`` (the number of the check that owns the net without normalization), a
    part the net without normalization fails too is credited with a note naming it.
    Returns (the net, whether it made parameters, {part: passed}).
    """
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

    plain = {}

    def plain_fails(part):
        def ask():
            if normalization is None:
                return True
            if not plain:
                plain.update(plain_structure(student))
            return not plain.get(part, True)
        return ask

    made = isinstance(params, dict) and bool(params)

    def real():
        return made

    def once(part, name):
        return charged_once(part, real, owner, plain_fails(name))

    passed = {"names": parts.run(weight * 0.45, f"params with {label}", once(names, "names"))}
    passed["values"] = parts.run(weight * 0.45, f"initial values with {label}",
                                 once(initial_values, "values"),
                                 needs=made, why="model.params holds no parameters")
    passed["shapes"] = parts.run(weight * 0.1, f"parameter shapes with {label}",
                                 once(shapes.check, "shapes"),
                                 needs=made, why="model.params holds no parameters")
    return net, made, passed


@pytest.mark.grade(number="5.2", points=3, files=FC_FILES)
def test_fc_net_batchnorm_structure(student, credit, scoring):
    """FC net with batchnorm: parameters

    Names, shapes, initial values and dtype of the parameters; bn_params.
    """
    parts = Parts(credit)
    net, made, _ = check_structure(student, "batchnorm", parts, 0.7,
                                   plain_owner(scoring, PLAIN_PARAMS))

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
def test_fc_net_other_structures(student, credit, scoring):
    """FC net, other normalizations: parameters

    Parameters without normalization and with layernorm; float32 by default. (The net
    without normalization is the FullyConnectedNets notebook's: its parameter check
    charges its bugs when the grade holds it.)
    """
    parts = Parts(credit)
    owner = plain_owner(scoring, PLAIN_PARAMS)
    check_structure(student, None, parts, 0.35, owner)
    check_structure(student, "layernorm", parts, 0.35, owner)

    built = {}

    def default_dtype(normalization="batchnorm"):
        net = model(student, [6], input_dim=5, num_classes=3, normalization=normalization)
        params = student.getattr(net, "params")
        built.setdefault(normalization, bool(params))
        if not params:
            fail("model.params is empty — not implemented yet?")
        wrong = {k: str(getattr(v, "dtype", type(v).__name__)) for k, v in params.items()
                 if not isinstance(v, np.ndarray) or v.dtype != np.float32}
        if wrong:
            fail(f"With the default dtype, every parameter should be float32; got {wrong}.")

    def plain_dtype_wrong():
        try:
            default_dtype(None)
        except CheckFailed:
            return True
        return False

    parts.run(0.3, "default dtype", charged_once(
        default_dtype, lambda: built.get("batchnorm", False), owner, plain_dtype_wrong))
    parts.finish()
