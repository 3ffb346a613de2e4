"""Hidden checks of the ConvolutionalNetworks notebook's layers: naive convolution and max
pooling, spatial batch and group normalization.

Caches are opaque: each one only goes back to the same student's backward. The inputs
include what the notebook never uses and real code often gets wrong (spec A2.6): no
padding, strides that skip, overlapping and non-square pooling windows, non-square
inputs and filters. Pooling inputs are tie-free (a permutation), so any valid arg-max is
the same one.
"""

import copy

import numpy as np
import pytest

import bug_models as bugs
from checklib import LAYERS_PY, bn_param, call, conv_bias_hints, forward
from gradekit.checklib import Elsewhere, Parts, check_number, compare, fail, outputs
from draws import features, scale_shift
from layer_checks import check_layer

BATCHNORM_FORWARD = check_number("test_batchnorm_forward.py::test_batchnorm_train_forward")
BATCHNORM_BACKWARD = check_number("test_batchnorm_backward.py::test_batchnorm_backward")
UNPAD = "dx un-padded with [pad:-pad], which is empty when pad = 0"


def _tie_free(rng, shape):
    """Distinct values in random order (no two window entries tie)."""
    return (rng.permutation(int(np.prod(shape))).reshape(shape) - np.prod(shape) / 2) / 7.0


def _flipped(ref_layers, x, w, b, conv_param):
    return ref_layers.conv_forward_naive(x, w[:, :, ::-1, ::-1].copy(), b, conv_param)[0]


@pytest.mark.grade(number="12.3", points=16, notebook="ConvolutionalNetworks",
                   files=[LAYERS_PY])
def test_conv_naive(student, ref_layers, rng, credit):
    """Convolution (naive)

    Forward and backward: stride 2 with padding 1 on a non-square input; no padding with a
    non-square filter; stride 3 with padding 2.
    """
    cases = [
        ("stride 2, pad 1", (2, 3, 5, 7), (4, 3, 3, 3), {"stride": 2, "pad": 1},
         {(2, 4, 5, 7): "stride ignored", (2, 4, 2, 3): "padding ignored",
          (2, 4, 3, 3): "output width from the height"}),
        ("pad 0, 2x3 filters", (2, 2, 5, 6), (3, 2, 2, 3), {"stride": 1, "pad": 0},
         {(2, 3, 4, 5): "filter height and width swapped"}),
        ("stride 3, pad 2", (1, 2, 8, 8), (2, 2, 3, 3), {"stride": 3, "pad": 2},
         {(1, 2, 10, 10): "stride ignored", (1, 2, 2, 2): "padding ignored"}),
    ]
    parts = Parts(credit)
    for label, xs, ws, conv_param, shape_hints in cases:
        x, w, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])
        dx_hints = {(xs[0], xs[1], 0, 0): UNPAD}
        before = len(parts.failures)
        check_layer(student, ref_layers, rng, parts, "conv_forward_naive",
                    "conv_backward_naive", (x, w, b, conv_param), ("dx", "dw", "db"),
                    weights=(0.16, 0.16), shapes_weight=0.02, label=label,
                    shape_hints=shape_hints,
                    out_hints=[("kernel flipped (a true convolution instead of the "
                                "cross-correlation the layer computes)",
                                lambda x=x, w=w, b=b, c=conv_param: _flipped(
                                    ref_layers, x, w, b, c)),
                               *conv_bias_hints(ref_layers.conv_forward_naive(
                                   x, w, b, conv_param)[0], b)],
                    grad_shape_hints={"dx": dx_hints,
                                      "db": {(1, ws[0]): "db kept as (1, F)"}})
        raised = f"conv_forward_naive ({label}): "
        for index in range(before, len(parts.failures)):
            if parts.failures[index].startswith(raised) and " raised " in parts.failures[index]:
                hint = _conv_raise_hint(student, ref_layers, x, w, b, conv_param)
                if hint:
                    parts.failures[index] += f"\nThis looks like: {hint}."
    parts.finish()


def _conv_raise_hint(student, ref_layers, x, w, b, conv_param):
    """Why the student's conv_forward_naive raised on (x, w, b, conv_param), if a probe
    tells: it runs and is right with stride 1 (the output size ignores the stride), or it
    computes what padding every axis of x gives (np.pad(x, pad))."""
    stride, pad = conv_param["stride"], conv_param["pad"]
    probes = []
    if stride > 1:
        one = {"stride": 1, "pad": pad}
        probes.append(("the output size ignores the stride (1 + H + 2 * pad - HH, right only "
                       "for stride 1)", (x, w, b, one),
                       lambda: ref_layers.conv_forward_naive(x, w, b, one)[0]))
    if pad > 0:
        # Filters with 2 * pad more channels fit an x padded on every axis: the student's
        # sample n is then sample n of np.pad(x, pad), convolved without padding.
        wide = np.pad(w, ((0, 0), (pad, pad), (0, 0), (0, 0)))
        probes.append(("x padded on every axis (np.pad(x, pad) pads the batch and channel "
                       "axes too; pad only H and W)", (x, wide, b, conv_param),
                       lambda: ref_layers.conv_forward_naive(
                           np.pad(x, pad)[:x.shape[0]], wide, b,
                           {"stride": stride, "pad": 0})[0]))
    for hint, args, predicted in probes:
        try:
            out = np.asarray(outputs(call(student, "cs231n.layers.conv_forward_naive",
                                          *copy.deepcopy(args)).value,
                                     "conv_forward_naive", ("out", "cache"))[0], float)
            want = predicted()
        except Exception:  # noqa: BLE001 - a probe that fails tells nothing
            continue
        if out.shape == want.shape and np.allclose(out, want, rtol=1e-6, atol=1e-9):
            return hint
    return None


def _pool_overwrite(x, dout, ph, pw, stride):
    """dx of a max-pool backward that assigns (=) instead of accumulating (+=)."""
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw]
            flat = window.reshape(x.shape[0], x.shape[1], -1).argmax(axis=2)
            r, s = np.unravel_index(flat, (ph, pw))
            for n in range(x.shape[0]):
                for c in range(x.shape[1]):
                    dx[n, c, i * stride + r[n, c], j * stride + s[n, c]] = dout[n, c, i, j]
    return dx


def _pool_unravel_swapped(x, dout, ph, pw, stride):
    """dx of a max-pool backward that unravels the window's arg-max with pool_height where
    pool_width belongs (flat index // ph, % ph)."""
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw]
            flat = window.reshape(x.shape[0], x.shape[1], -1).argmax(axis=2)
            r, s = flat // ph, flat % ph
            for n in range(x.shape[0]):
                for c in range(x.shape[1]):
                    row, col = i * stride + r[n, c], j * stride + s[n, c]
                    if row < x.shape[2] and col < x.shape[3]:
                        dx[n, c, row, col] += dout[n, c, i, j]
    return dx


@pytest.mark.grade(number="12.6", points=12, notebook="ConvolutionalNetworks",
                   files=[LAYERS_PY])
def test_max_pool_naive(student, ref_layers, rng, credit):
    """Max pooling (naive)

    Forward and backward on tie-free inputs: overlapping 2x3 windows with stride 2, and
    3x2 windows with stride 1 (overlapping both ways, non-square).
    """
    cases = [("2x3 windows, stride 2", (2, 3, 6, 9), 2, 3, 2,
              {(2, 3, 3, 4): "ok"}),
             ("3x2 windows, stride 1", (2, 2, 5, 4), 3, 2, 1,
              {(2, 2, 4, 2): "pool_height and pool_width swapped"})]
    parts = Parts(credit)
    for label, shape, ph, pw, stride, shape_hints in cases:
        x = _tie_free(rng, shape)
        pool = {"pool_height": ph, "pool_width": pw, "stride": stride}
        shape_hints = {k: v for k, v in shape_hints.items() if v != "ok"}

        def grad_hints(dout, x=x, ph=ph, pw=pw, stride=stride):
            return {"dx": [
                ("the gradient goes to every position of the window, not only its maximum",
                 bugs.pool_every_position(x, dout, ph, pw, stride)),
                ("overlapping windows overwrite dx (=) instead of accumulating (+=)",
                 _pool_overwrite(x, dout, ph, pw, stride)),
                ("the window's arg-max unravelled with pool_height where pool_width belongs",
                 _pool_unravel_swapped(x, dout, ph, pw, stride))]}

        check_layer(student, ref_layers, rng, parts, "max_pool_forward_naive",
                    "max_pool_backward_naive", (x, pool), ("dx",), weights=(0.24, 0.24),
                    shapes_weight=0.02, label=label, shape_hints=shape_hints,
                    grad_hints=grad_hints)
    parts.finish()


def _their_batchnorm(student, x, gamma, beta, param, dout=None):
    """Spatial batchnorm built from the student's own batchnorm_forward (and backward):
    what a spatial layer that is right for its author's vanilla batchnorm gives."""
    N, C, H, W = x.shape
    rows = x.transpose(0, 2, 3, 1).reshape(-1, C)
    out, cache = outputs(call(student, "batchnorm_forward", rows, gamma, beta,
                              copy.deepcopy(param)).value, "batchnorm_forward",
                         ("out", "cache"))
    out = np.asarray(out, float).reshape(N, H, W, C).transpose(0, 3, 1, 2)
    if dout is None:
        return out
    drows = dout.transpose(0, 2, 3, 1).reshape(-1, C)
    dx, dgamma, dbeta = outputs(call(student, "batchnorm_backward", drows, cache).value,
                                "batchnorm_backward", ("dx", "dgamma", "dbeta"))
    return (np.asarray(dx, float).reshape(N, H, W, C).transpose(0, 3, 1, 2), dgamma, dbeta)


@pytest.mark.grade(number="12.10", points=9, notebook="ConvolutionalNetworks",
                   files=[LAYERS_PY])
def test_spatial_batchnorm(student, ref_layers, rng, credit):
    """Spatial batchnorm

    Statistics per channel over N, H and W: train forward and backward; running statistics
    of shape (C,) and test mode with them.
    """
    x = features(rng, 3 * 2 * 5, 4).reshape(3, 2, 5, 4).transpose(0, 3, 1, 2).copy()
    gamma, beta = scale_shift(rng, 4)
    parts = Parts(credit)
    inherited = "right for what your batchnorm_forward / batchnorm_backward give"

    def grad_hints(dout):
        def part(i):
            return Elsewhere(inherited, lambda: _their_batchnorm(
                student, x, gamma, beta, bn_param(), dout)[i], BATCHNORM_BACKWARD)
        return {"dx": [part(0)], "dgamma": [part(1)], "dbeta": [part(2)]}

    check_layer(student, ref_layers, rng, parts, "spatial_batchnorm_forward",
                "spatial_batchnorm_backward", (x, gamma, beta, bn_param()),
                ("dx", "dgamma", "dbeta"), weights=(0.35, 0.35), shapes_weight=0.05,
                out_hints=[*bugs.spatial_batchnorm(x, gamma, beta),
                           Elsewhere(inherited, lambda: _their_batchnorm(
                               student, x, gamma, beta, bn_param()), BATCHNORM_FORWARD)],
                grad_shape_hints={"dgamma": {(1, 4, 1, 1): "dgamma kept as (1, C, 1, 1)"},
                                  "dbeta": {(1, 4, 1, 1): "dbeta kept as (1, C, 1, 1)"}})

    def test_mode():
        param = bn_param()
        ref_param = copy.deepcopy(param)
        for _ in range(3):
            batch = features(rng, 2 * 3 * 3, 4).reshape(2, 3, 3, 4).transpose(0, 3, 1, 2)
            result = forward(student, "spatial_batchnorm_forward", batch, gamma, beta, param,
                             shape=batch.shape)[2]
            param = result.args[3]
            ref_layers.spatial_batchnorm_forward(batch, gamma, beta, ref_param)
        for key in ("running_mean", "running_var"):
            value = param.get(key) if isinstance(param, dict) else None
            if not isinstance(value, np.ndarray):
                fail(f"After train-mode calls, bn_param[{key!r}] is {value!r:.80}; expected "
                     "an array of shape (C,).")
            if value.shape != (4,):
                fail(f"bn_param[{key!r}] has shape {value.shape}; expected (4,) = (C,). "
                     "This looks like: running statistics kept as (1, C, 1, 1).")
        test = features(rng, 2 * 3 * 3, 4).reshape(2, 3, 3, 4).transpose(0, 3, 1, 2).copy()
        param["mode"], ref_param["mode"] = "test", "test"
        want = ref_layers.spatial_batchnorm_forward(test, gamma, beta, ref_param)[0]
        out = forward(student, "spatial_batchnorm_forward", test, gamma, beta, param,
                      shape=test.shape, train=False)[0]
        compare("spatial_batchnorm_forward out in test mode (after 3 train batches)", out,
                want, 1e-8, hypotheses=[(
                    "test mode normalizes with the batch statistics, not the running ones",
                    lambda: ref_layers.spatial_batchnorm_forward(
                        test, gamma, beta, bn_param())[0])])

    parts.run(0.25, "running statistics and test mode", test_mode)
    parts.finish()


@pytest.mark.grade(number="12.11", points=9, notebook="ConvolutionalNetworks",
                   files=[LAYERS_PY])
def test_spatial_groupnorm(student, ref_layers, rng, credit):
    """Spatial groupnorm

    G groups of consecutive channels per sample; forward and backward with G = 3 of 6
    channels and G = 2 of 4; gamma, beta, dgamma and dbeta of shape (1, C, 1, 1).
    """
    parts = Parts(credit)
    for label, n, c, h, w, groups in (("G = 3, C = 6", 2, 6, 3, 4, 3),
                                      ("G = 2, C = 4", 3, 4, 2, 3, 2)):
        x = features(rng, n * h * w, c).reshape(n, h, w, c).transpose(0, 3, 1, 2).copy()
        gamma, beta = scale_shift(rng, c, shape=(1, c, 1, 1))
        keep = {(c,): "dgamma returned as (C,); it must be (1, C, 1, 1) like gamma"}
        check_layer(student, ref_layers, rng, parts, "spatial_groupnorm_forward",
                    "spatial_groupnorm_backward", (x, gamma, beta, groups, {}),
                    ("dx", "dgamma", "dbeta"), weights=(0.23, 0.23), shapes_weight=0.04,
                    label=label, out_hints=bugs.groupnorm(x, gamma, beta, groups),
                    grad_shape_hints={"dgamma": keep, "dbeta": {
                        (c,): "dbeta returned as (C,); it must be (1, C, 1, 1) like beta"}})
    parts.finish()
