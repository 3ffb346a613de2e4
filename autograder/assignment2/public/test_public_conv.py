"""Public checks of the ConvolutionalNetworks notebook: its layer cells (naive convolution
and pooling, spatial batch and group norm) and the ThreeLayerConvNet sanity checks.

Gradients are checked against centered differences of the same student's forward, along
random directions (a few calls instead of one per entry)."""

import copy

import numpy as np
import pytest

from checklib import LAYERS_PY, bn_param, call, conv_bias_hints, forward
from gradekit.checklib import (Parts, array, charged_elsewhere, compare, fail, max_abs_error,
                               outputs, remote_constant, scalar, scaled_error)
from gradekit.grading.checks import CheckFailed, describe
from gradekit.sandbox.errors import StudentException, StudentTimeout

CNN = "cs231n.classifiers.cnn.ThreeLayerConvNet"
CNN_FILES = ["cs231n/classifiers/cnn.py", "cs231n/layers.py", "cs231n/layer_utils.py"]

# conv_forward_naive of x = linspace(-0.3, 0.4), w = linspace(-0.25, 0.35),
# b = linspace(-0.15, 0.1) in shapes (2, 3, 4, 4), (3, 3, 4, 4), (3,); stride 2, pad 1.
CONV_OUT = np.array([
    [[[0.554583732057, 0.542171880751], [0.494919396393, 0.475829591461]],
     [[-0.110322782481, -0.082666912035], [-0.009716231137, 0.011261685683]],
     [[-0.775229297019, -0.707505704821], [-0.514351858668, -0.453306220096]]],
    [[[-0.791023923445, -0.843503496503], [-1.010959146117, -1.070116672801]],
     [[0.46732020611, 0.454908354803], [0.407655870445, 0.388566065513]],
     [[1.725664335664, 1.75332020611], [1.826270887008, 1.847248803828]]]])


def _directional_bad(out_at, args, grad_args, labels, grads, dout, directions, tol, backward):
    """The lines of the gradients in ``grads`` that disagree with centered differences of
    ``out_at`` (a dict {argument index: value} -> the output) along ``directions`` (per
    argument index, unit arrays); empty when every one agrees within ``tol``."""
    bad = []
    for label, index, grad in zip(labels, grad_args, grads):
        if index is None:
            continue
        value = args[index]
        grad = array(grad, f"{backward} {label}", np.shape(value), reshape=True)
        for v in directions[index]:
            h = 1e-5
            plus = out_at({index: value + h * v})
            minus = out_at({index: value - h * v})
            numeric = float(np.sum((plus - minus) * dout) / (2 * h))
            analytic = float(np.sum(grad * v))
            error = abs(numeric - analytic) / max(abs(numeric) + abs(analytic), 1e-8)
            if error > tol:
                bad.append(f"  {label}: numeric {numeric:.8g}, yours {analytic:.8g} "
                           f"(rel error {error:.1e})")
                break
    return bad


def _directional_check(student, name, backward, args, grad_args, labels, dout, rs,
                       tol=1e-7, what="", reference=None, forward_check=None):
    """Each gradient of ``backward`` (through the cache of the student's own ``name``)
    against centered differences of ``name``'s output along two random directions: of
    the student's ``name``, or in the grade (``reference``: the reference's function of
    that name) of the expected one, so that a forward bug is charged in its own check.

    In the grade, with ``forward_check`` (the check of ``name``), a forward bug costs
    nothing here: when the student's ``name`` gives no cache (it raises, times out or
    returns no (out, cache) pair), ``backward`` gets the cache of the reference's ``name``
    (the layout the code after the forward's region fixes), and a backward that is right
    for what the student's forward computes earns its credit with a note.
    """
    def student_out(full):
        return array(outputs(call(student, name, *full).value, name, ("out", "cache"))[0],
                     f"{name} out", dout.shape)

    def out_at(changed, ours=reference is not None):
        full = list(args)
        for index, value in changed.items():
            full[index] = value
        if ours:
            return np.asarray(reference(*full)[0], dtype=float)
        return student_out(full)

    directions = {}
    for index in grad_args:
        if index is not None:
            vs = [rs.randn(*np.shape(args[index])) for _ in range(2)]
            directions[index] = [v / np.linalg.norm(v) for v in vs]
    if reference is not None and forward_check is not None:
        theirs, cache, no_cache = _cache_or_reference(student, name, args, reference)
    else:
        theirs, no_cache = None, ""
        _, cache, _ = forward(student, name, *args, shape=dout.shape)
    try:
        grads = outputs(call(student, backward, dout, cache).value, backward, labels)
        bad = _directional_bad(out_at, args, grad_args, labels, grads, dout, directions,
                               tol, backward)
    except (CheckFailed, StudentException) as error:
        if no_cache:
            fail(f"{error}\n{no_cache}")
        raise
    whose = f"the expected {name}" if reference is not None else f"your {name}"
    message = (f"{backward}{what} against centered differences of {whose} (derivative "
               f"along a random direction; expected rel error {tol:.0e} or less):\n"
               + "\n".join(bad))
    if bad and _differs(theirs, out_at({})):
        try:
            own = _directional_bad(lambda changed: out_at(changed, ours=False), args,
                                   grad_args, labels, grads, dout, directions, tol, backward)
        except (CheckFailed, StudentException):  # the forward fails near the point
            own = bad
        if not own:
            raise charged_elsewhere(message, f"a {backward} that is right for what your "
                                    f"{name} computes; that forward differs from the "
                                    f"expected one", forward_check)
    if bad:
        fail(message + (f"\n{no_cache}" if no_cache else ""))
    if no_cache:
        raise charged_elsewhere(f"{backward}{what} agrees with centered differences of "
                                f"{whose}. {no_cache}", f"a bug of {name}, which gave no "
                                f"cache", forward_check)


def _cache_or_reference(student, name, args, reference):
    """(the student's out or None, the cache for the backward, why the reference's cache
    stands in for the student's: "" when it does not)."""
    try:
        value = call(student, name, *copy.deepcopy(args)).value
    except (StudentException, StudentTimeout, CheckFailed) as error:
        why = str(error)  # CheckFailed: it timed out in an earlier check
    else:
        if isinstance(value, (tuple, list)) and len(value) == 2 and value[1] is not None:
            out = value[0]
            out = np.asarray(out, dtype=float) if isinstance(out, np.ndarray) else None
            return out, value[1], ""
        why = f"{name} returned {describe(value)}, not (out, cache)"
    cache = reference(*copy.deepcopy(args))[1]
    return None, cache, (f"Your {name} gave no cache ({why}); your backward was given the "
                         f"cache of the expected {name} instead, in the layout the code after "
                         f"its region builds.")


def _differs(theirs, expected):
    """Does the student's forward output differ from the expected one?"""
    if theirs is None or np.shape(theirs) != np.shape(expected):
        return False
    return scaled_error(theirs, expected) > 1e-8


@pytest.mark.grade(number="12.1", points=5, notebook="ConvolutionalNetworks",
                   files=[LAYERS_PY])
def test_conv_forward_notebook(student, credit):
    """Convolution forward, under "Convolution: forward pass"

    A (2, 3, 4, 4) input with three 4x4 filters, stride 2 and padding 1: the (2, 3, 2, 2)
    output (error 1e-8 or less).
    """
    x = np.linspace(-0.3, 0.4, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    w = np.linspace(-0.25, 0.35, num=3 * 3 * 4 * 4).reshape(3, 3, 4, 4)
    b = np.linspace(-0.15, 0.1, num=3)
    parts = Parts(credit)
    parts.run(1.0, "out", lambda: compare(
        "conv_forward_naive out", forward(student, "conv_forward_naive", x, w, b,
                                          {"stride": 2, "pad": 1}, shape=(2, 3, 2, 2),
                                          shape_hints={(2, 3, 4, 4): "stride ignored",
                                                       (2, 3, 1, 1): "padding ignored"})[0],
        CONV_OUT, 1e-8, hypotheses=conv_bias_hints(CONV_OUT, b)))
    parts.finish()


@pytest.mark.grade(number="12.2", points=5, notebook="ConvolutionalNetworks",
                   files=[LAYERS_PY])
def test_conv_backward_notebook(student, credit, cell_reference):
    """Convolution backward, under "Convolution: backward pass"

    x (4, 3, 5, 5), w (2, 3, 3, 3), stride 1, pad 1: dx, dw and db against centered
    differences of your forward; in the grade, of the expected forward (a forward bug is
    charged in the forward's checks, not here: a forward that raises leaves your backward
    the expected forward's cache (x, w, b, conv_param)).
    """
    rs = np.random.RandomState(231)
    x, w, b = rs.randn(4, 3, 5, 5), rs.randn(2, 3, 3, 3), rs.randn(2)
    dout = rs.randn(4, 2, 5, 5)
    parts = Parts(credit)
    parts.run(1.0, "dx, dw, db", lambda: _directional_check(
        student, "conv_forward_naive", "conv_backward_naive",
        (x, w, b, {"stride": 1, "pad": 1}), (0, 1, 2), ("dx", "dw", "db"), dout, rs,
        reference=None if cell_reference is None else cell_reference.conv_forward_naive,
        forward_check=test_conv_forward_notebook))
    parts.finish()


@pytest.mark.grade(number="12.4", points=3, notebook="ConvolutionalNetworks",
                   files=[LAYERS_PY])
def test_max_pool_forward_notebook(student, credit):
    """Max pooling forward, under "Max pooling: forward pass"

    x = linspace(-0.3, 0.4) in (2, 3, 4, 4), 2x2 windows with stride 2: each output is its
    window's largest entry (here the bottom-right one).
    """
    x = np.linspace(-0.3, 0.4, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    pool = {"pool_height": 2, "pool_width": 2, "stride": 2}
    parts = Parts(credit)
    parts.run(1.0, "out", lambda: compare(
        "max_pool_forward_naive out",
        forward(student, "max_pool_forward_naive", x, pool, shape=(2, 3, 2, 2))[0],
        x[:, :, 1::2, 1::2], 1e-12))
    parts.finish()


@pytest.mark.grade(number="12.5", points=3, notebook="ConvolutionalNetworks",
                   files=[LAYERS_PY])
def test_max_pool_backward_notebook(student, credit):
    """Max pooling backward, under "Max pooling: backward pass"

    x (3, 2, 8, 8), 2x2 windows with stride 2: dx against centered differences of your
    forward.
    """
    rs = np.random.RandomState(231)
    x = rs.randn(3, 2, 8, 8)
    dout = rs.randn(3, 2, 4, 4)
    pool = {"pool_height": 2, "pool_width": 2, "stride": 2}
    parts = Parts(credit)
    parts.run(1.0, "dx", lambda: _directional_check(
        student, "max_pool_forward_naive", "max_pool_backward_naive", (x, pool), (0,),
        ("dx",), dout, rs))
    parts.finish()


@pytest.mark.grade(number="12.7", points=5, notebook="ConvolutionalNetworks",
                   files=[LAYERS_PY])
def test_spatial_batchnorm_notebook(student, credit):
    """Spatial batchnorm, under "Spatial batch normalization"

    x = 4 randn(2, 3, 4, 5) + 10: per-channel means and stds of the output equal beta and
    gamma (gamma 1 / beta 0, then gamma (3, 4, 5) / beta (6, 7, 8)); the gradients against
    centered differences of your forward.
    """
    rs = np.random.RandomState(231)
    x = 4 * rs.randn(2, 3, 4, 5) + 10
    parts = Parts(credit)

    def stats(gamma, beta):
        out = forward(student, "spatial_batchnorm_forward", x, gamma, beta, bn_param(),
                      shape=x.shape)[0]
        label = f"gamma={gamma.tolist()}, beta={beta.tolist()}"
        compare(f"per-channel means of out ({label})", out.mean(axis=(0, 2, 3)), beta, 1e-6,
                error=max_abs_error)
        compare(f"per-channel stds of out ({label})", out.std(axis=(0, 2, 3)), gamma, 1e-4,
                error=max_abs_error)

    dout = rs.randn(*x.shape)
    gamma, beta = rs.randn(3), rs.randn(3)
    parts.run(0.25, "gamma 1, beta 0", lambda: stats(np.ones(3), np.zeros(3)))
    parts.run(0.25, "gamma (3, 4, 5), beta (6, 7, 8)",
              lambda: stats(np.array([3.0, 4.0, 5.0]), np.array([6.0, 7.0, 8.0])))
    parts.run(0.5, "gradients", lambda: _directional_check(
        student, "spatial_batchnorm_forward", "spatial_batchnorm_backward",
        (x, gamma, beta, bn_param()), (0, 1, 2), ("dx", "dgamma", "dbeta"), dout, rs,
        tol=1e-6))
    parts.finish()


@pytest.mark.grade(number="12.8", points=5, notebook="ConvolutionalNetworks",
                   files=[LAYERS_PY])
def test_spatial_groupnorm_notebook(student, credit):
    """Spatial groupnorm, under "Spatial group normalization"

    x = 4 randn(2, 6, 4, 5) + 10, G = 2: each (sample, group) of the output has mean 0 and
    std 1 with gamma 1 and beta 0; the gradients against centered differences of your
    forward.
    """
    rs = np.random.RandomState(231)
    N, C, H, W, G = 2, 6, 4, 5, 2
    x = 4 * rs.randn(N, C, H, W) + 10
    parts = Parts(credit)

    def stats():
        ones, zeros = np.ones((1, C, 1, 1)), np.zeros((1, C, 1, 1))
        out = forward(student, "spatial_groupnorm_forward", x, ones, zeros, G,
                      {"mode": "train"}, shape=x.shape)[0]
        groups = out.reshape(N, G, -1)
        compare("means per (sample, group) of out", groups.mean(axis=2), np.zeros((N, G)),
                1e-6, error=max_abs_error)
        compare("stds per (sample, group) of out", groups.std(axis=2), np.ones((N, G)),
                1e-4)

    dout = rs.randn(*x.shape)
    gamma, beta = rs.randn(1, C, 1, 1), rs.randn(1, C, 1, 1)
    parts.run(0.4, "means and stds per group", stats)
    parts.run(0.6, "gradients", lambda: _directional_check(
        student, "spatial_groupnorm_forward", "spatial_groupnorm_backward",
        (x, gamma, beta, G, {}), (0, 1, 2), ("dx", "dgamma", "dbeta"), dout, rs, tol=1e-6))
    parts.finish()


@pytest.mark.grade(number="12.9", points=6, notebook="ConvolutionalNetworks",
                   files=CNN_FILES)
def test_convnet_notebook(student, credit):
    """ThreeLayerConvNet, under "A three-layer convolutional network"

    The default net on 10 random images: initial loss about log 10 = 2.3026, and about
    2.508 with reg 0.5; a gradient check of every parameter on 2 inputs of (3, 16, 16) with
    3 filters of 3x3 and hidden 7 (float64).
    """
    rs = np.random.RandomState(231)
    # The notebook draws 50 images; at initialisation (weights of scale 1e-3) the loss is
    # log 10 + reg term to 4 digits whatever their number, and 10 cost a fifth as much.
    # All 50 are drawn, so the gradient check below gets the inputs it always had.
    X, y = rs.randn(50, 3, 32, 32)[:10], rs.randint(10, size=50)[:10]
    parts = Parts(credit)

    def sanity():
        net = call(student, CNN).value
        if not student.getattr(net, "params"):
            fail("ThreeLayerConvNet().params is empty — not implemented yet?")
        loss = scalar(outputs(call(student, (net, "loss"), X, y, timeout=30).value,
                              "model.loss(X, y)", ("loss", "grads"))[0], "loss")
        if abs(loss - np.log(10)) > 0.02:
            fail(f"Initial loss (no regularization): {loss:.5f}; expected about "
                 f"{np.log(10):.4f} (log 10).")
        student.setattr(net, "reg", 0.5)
        loss = scalar(outputs(call(student, (net, "loss"), X, y, timeout=30).value,
                              "model.loss(X, y)", ("loss", "grads"))[0], "loss")
        if abs(loss - 2.508) > 0.04:
            hint = (" This looks like: L2 term without the 0.5 factor."
                    if abs(loss - 2.714) < 0.05 else "")
            fail(f"Initial loss (with regularization 0.5): {loss:.5f}; expected about "
                 f"2.508.{hint}")

    def gradients():
        dtype = remote_constant(student, "numpy.dtype", "float64")
        net = call(student, CNN, input_dim=(3, 16, 16), num_filters=3, filter_size=3,
                   hidden_dim=7, dtype=dtype).value
        Xs, ys = rs.randn(2, 3, 16, 16), rs.randint(10, size=2)
        params = {k: array(v, f"params[{k!r}]")
                  for k, v in student.getattr(net, "params").items()}
        if not params:
            fail("ThreeLayerConvNet(...).params is empty — not implemented yet?")
        # Parameters of scale 0.1 in the net's own shapes (not its initial 1e-3 weights and
        # zero biases): the loss then depends on every one of them measurably.
        params = {k: 0.1 * rs.randn(*v.shape) for k, v in params.items()}
        student.setattr(net, "params", params)
        result = outputs(call(student, (net, "loss"), Xs, ys).value, "model.loss(X, y)",
                         ("loss", "grads"))
        grads = result[1]
        if not isinstance(grads, dict):
            fail(f"grads should be a dict; it is a {type(grads).__name__}.")
        bad = []
        for name in sorted(params):
            grad = array(grads.get(name), f"grads[{name!r}]", params[name].shape)
            v = rs.randn(*params[name].shape)
            v /= np.linalg.norm(v)
            h = 1e-6

            def loss_at(value):
                student.setattr(net, "params", {**params, name: value})
                return scalar(outputs(call(student, (net, "loss"), Xs, ys).value,
                                      "model.loss(X, y)", ("loss", "grads"))[0], "loss")

            numeric = (loss_at(params[name] + h * v) - loss_at(params[name] - h * v)) / (2 * h)
            analytic = float(np.sum(grad * v))
            scale = max(abs(numeric) + abs(analytic), 1e-3 * float(np.linalg.norm(grad)),
                        1e-8)
            error = abs(numeric - analytic) / scale
            if error > 1e-4:
                bad.append(f"  {name}: numeric {numeric:.6g}, yours {analytic:.6g} (rel "
                           f"error {error:.1e})")
        student.setattr(net, "params", params)
        if bad:
            fail("Gradient check (derivative of the loss along a random direction, expected "
                 "rel error 1e-04 or less; ReLU and max-pool kinks allow a little more than "
                 "elsewhere):\n" + "\n".join(bad))

    parts.run(0.4, "initial losses", sanity)
    parts.run(0.6, "gradient check", gradients)
    parts.finish()
