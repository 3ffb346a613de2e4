"""The given support code, ``cs231n/fast_layers.py`` and ``cs231n/im2col.py``: every fast
layer computes what the naive layer of ``layers.py`` computes, im2col and col2im are
adjoint, and the student template's ``layer_utils`` imports them."""

import json
import subprocess
import sys
import tempfile

import numpy as np
import pytest

from tests.support.paths import A2, REPO
from .reference_helpers import ref

layers = ref("layers")
fast = ref("fast_layers")
im2col = ref("im2col")
layer_utils = ref("layer_utils")

TOL = 1e-10

# (N, C, H, W), (F, HH, WW), stride, pad. Several have (H + 2 * pad - HH) % stride != 0,
# so the last rows or columns of the padded input are never covered, as in the naive layer.
CONV_CASES = [
    ((2, 3, 5, 5), (4, 3, 3), 1, 1),
    ((2, 3, 7, 6), (2, 3, 2), 2, 0),
    ((1, 2, 8, 9), (3, 4, 3), 3, 2),
    ((3, 1, 4, 4), (2, 1, 1), 1, 0),
    ((2, 2, 5, 7), (3, 5, 5), 2, 1),
    ((1, 3, 6, 5), (2, 6, 5), 1, 0),  # one output position
    ((2, 2, 3, 3), (2, 2, 2), 1, 3),  # padding wider than the filter
]
CONV_VERSIONS = {
    "im2col": ("conv_forward_im2col", "conv_backward_im2col"),
    "strides": ("conv_forward_strides", "conv_backward_strides"),
    "fast": ("conv_forward_fast", "conv_backward_fast"),
}

# (N, C, H, W), (pool_height, pool_width, stride), whether the pools tile the input.
POOL_CASES = [
    ((2, 3, 4, 4), (2, 2, 2), True),
    ((1, 2, 6, 9), (3, 3, 3), True),
    ((2, 1, 4, 4), (4, 4, 4), True),
    ((2, 3, 5, 5), (2, 2, 2), False),  # leftover row and column
    ((2, 2, 7, 6), (3, 3, 2), False),  # overlapping pools
    ((1, 3, 6, 6), (2, 3, 1), False),  # rectangular pools
    ((2, 2, 8, 8), (2, 2, 3), False),  # gaps between pools
    ((2, 2, 6, 4), (2, 2, 1), False),
]
POOL_VERSIONS = {
    "im2col": ("max_pool_forward_im2col", "max_pool_backward_im2col"),
    "fast": ("max_pool_forward_fast", "max_pool_backward_fast"),
    "reshape": ("max_pool_forward_reshape", "max_pool_backward_reshape"),
}


def assert_matches(actual, expected, name):
    """Same shape and dtype, and max |actual - expected| <= TOL * max |expected|."""
    assert isinstance(actual, np.ndarray), f"{name}: {type(actual).__name__}, not an array"
    assert actual.shape == expected.shape, f"{name}: shape {actual.shape} != {expected.shape}"
    assert actual.dtype == expected.dtype, f"{name}: dtype {actual.dtype} != {expected.dtype}"
    error = np.max(np.abs(actual - expected), initial=0.0)
    scale = max(np.max(np.abs(expected), initial=0.0), 1.0)
    assert error <= TOL * scale, f"{name}: off by {error:.3g} (scale {scale:.3g})"


def conv_inputs(rng, x_shape, w_shape, dtype=np.float64):
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal((w_shape[0], x_shape[1], *w_shape[1:])).astype(dtype)
    b = rng.standard_normal(w_shape[0]).astype(dtype)
    return x, w, b


# ---------------------------------------------------------------- convolution


@pytest.mark.parametrize("version", CONV_VERSIONS)
@pytest.mark.parametrize("case", CONV_CASES, ids=str)
def test_conv_matches_naive(version, case):
    x_shape, w_shape, stride, pad = case
    rng = np.random.default_rng(CONV_CASES.index(case))
    x, w, b = conv_inputs(rng, x_shape, w_shape)
    conv_param = {"stride": stride, "pad": pad}
    kept = [a.copy() for a in (x, w, b)]
    forward, backward = (getattr(fast, name) for name in CONV_VERSIONS[version])

    expected, naive_cache = layers.conv_forward_naive(x, w, b, conv_param)
    out, cache = forward(x, w, b, conv_param)
    assert_matches(out, expected, "out")
    assert all(c is a for c, a in zip(cache[:4], (x, w, b, conv_param))), \
        "the cache starts with the naive layer's (x, w, b, conv_param)"

    dout = rng.standard_normal(expected.shape)
    grads = backward(dout, cache)
    assert isinstance(grads, tuple) and len(grads) == 3
    for name, got, want in zip(("dx", "dw", "db"), grads, layers.conv_backward_naive(dout, naive_cache)):
        assert_matches(got, want, name)
    for before, after in zip(kept, (x, w, b)):
        np.testing.assert_array_equal(after, before)  # inputs untouched


def test_conv_fast_is_the_strided_version():
    assert fast.conv_forward_fast is fast.conv_forward_strides
    assert fast.conv_backward_fast is fast.conv_backward_strides


@pytest.mark.parametrize("version", ["im2col", "strides"])
def test_conv_keeps_float32(version):
    rng = np.random.default_rng(3)
    x, w, b = conv_inputs(rng, (2, 3, 6, 6), (2, 3, 3), np.float32)
    forward, backward = (getattr(fast, name) for name in CONV_VERSIONS[version])
    out, cache = forward(x, w, b, {"stride": 1, "pad": 1})
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in backward(np.ones_like(out), cache))


def test_conv_rejects_filters_that_do_not_fit():
    x = np.zeros((1, 1, 3, 3))
    with pytest.raises(ValueError):
        fast.conv_forward_fast(x, np.zeros((1, 1, 4, 4)), np.zeros(1), {"stride": 1, "pad": 0})
    with pytest.raises(ValueError):
        fast.conv_forward_im2col(x, np.zeros((1, 2, 2, 2)), np.zeros(1), {"stride": 1, "pad": 0})


# ---------------------------------------------------------------- max pooling


def pool_cases(version):
    """The cases a version takes: the reshape version only takes tiling pools."""
    return [c for c in POOL_CASES if version != "reshape" or c[2]]


@pytest.mark.parametrize(
    "version, case",
    [(v, c) for v in POOL_VERSIONS for c in pool_cases(v)],
    ids=lambda p: p if isinstance(p, str) else str(p[:2]),
)
@pytest.mark.parametrize("ties", [False, True], ids=["distinct", "ties"])
def test_max_pool_matches_naive(version, case, ties):
    x_shape, (ph, pw, stride), _ = case
    rng = np.random.default_rng(10 * POOL_CASES.index(case) + ties)
    # With ties (few distinct values, many zeros as after a ReLU) the gradient must go
    # to the first maximum of each window, as in the naive layer.
    x = rng.integers(-1, 2, x_shape).clip(0).astype(float) if ties else rng.standard_normal(x_shape)
    pool_param = {"pool_height": ph, "pool_width": pw, "stride": stride}
    kept = x.copy()
    forward, backward = (getattr(fast, name) for name in POOL_VERSIONS[version])

    expected, naive_cache = layers.max_pool_forward_naive(x, pool_param)
    out, cache = forward(x, pool_param)
    assert_matches(out, expected, "out")
    assert cache[0] is x and cache[1] is pool_param
    dout = rng.standard_normal(expected.shape)
    assert_matches(backward(dout, cache), layers.max_pool_backward_naive(dout, naive_cache), "dx")
    np.testing.assert_array_equal(x, kept)


@pytest.mark.parametrize("case", POOL_CASES, ids=lambda c: str(c[:2]))
def test_max_pool_fast_dispatches_on_tiling(case, monkeypatch):
    x_shape, (ph, pw, stride), tiles = case
    pool_param = {"pool_height": ph, "pool_width": pw, "stride": stride}
    used = []
    for name in ["max_pool_forward_reshape", "max_pool_backward_reshape",
                 "max_pool_forward_im2col", "max_pool_backward_im2col"]:
        original = getattr(fast, name)

        def spy(*args, _name=name, _original=original):
            used.append(_name.rsplit("_", 1)[1])
            return _original(*args)

        monkeypatch.setattr(fast, name, spy)
    x = np.random.default_rng(4).standard_normal(x_shape)
    out, cache = fast.max_pool_forward_fast(x, pool_param)
    fast.max_pool_backward_fast(np.ones_like(out), cache)
    assert used == ["reshape" if tiles else "im2col"] * 2


@pytest.mark.parametrize("case", [c for c in POOL_CASES if not c[2]], ids=lambda c: str(c[:2]))
def test_max_pool_reshape_refuses_pools_that_do_not_tile(case):
    x_shape, (ph, pw, stride), _ = case
    with pytest.raises(ValueError, match="tile"):
        fast.max_pool_forward_reshape(
            np.zeros(x_shape), {"pool_height": ph, "pool_width": pw, "stride": stride})


@pytest.mark.parametrize("version", POOL_VERSIONS)
def test_max_pool_keeps_float32(version):
    x = np.random.default_rng(5).standard_normal((2, 2, 4, 4)).astype(np.float32)
    forward, backward = (getattr(fast, name) for name in POOL_VERSIONS[version])
    out, cache = forward(x, {"pool_height": 2, "pool_width": 2, "stride": 2})
    assert out.dtype == np.float32 and backward(np.ones_like(out), cache).dtype == np.float32


# ---------------------------------------------------------------- im2col


IM2COL_CASES = [
    ((2, 3, 5, 5), (3, 3), 1, 1),
    ((3, 2, 7, 6), (3, 2), 2, 0),
    ((1, 1, 9, 8), (4, 3), 3, 2),
    ((2, 2, 4, 4), (1, 1), 1, 0),
]


@pytest.mark.parametrize("case", IM2COL_CASES, ids=str)
def test_im2col_and_col2im_are_adjoint(case):
    x_shape, (fh, fw), stride, pad = case
    rng = np.random.default_rng(IM2COL_CASES.index(case))
    x = rng.standard_normal(x_shape)
    cols = im2col.im2col_indices(x, fh, fw, padding=pad, stride=stride)
    c = rng.standard_normal(cols.shape)
    back = im2col.col2im_indices(c, x_shape, fh, fw, padding=pad, stride=stride)
    assert back.shape == x_shape
    left, right = np.sum(cols * c), np.sum(x * back)
    assert abs(left - right) <= TOL * (np.sum(np.abs(cols * c)) + 1.0), (left, right)


@pytest.mark.parametrize("case", IM2COL_CASES, ids=str)
def test_im2col_layout(case):
    """Rows in w.reshape(F, -1) order; column (r * W' + s) * N + n is window (r, s) of n."""
    x_shape, (fh, fw), stride, pad = case
    N, C, H, W = x_shape
    x = np.random.default_rng(6).standard_normal(x_shape)
    cols = im2col.im2col_indices(x, fh, fw, padding=pad, stride=stride)
    H_out, W_out = 1 + (H + 2 * pad - fh) // stride, 1 + (W + 2 * pad - fw) // stride
    assert cols.shape == (C * fh * fw, H_out * W_out * N)
    x_padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    for r, s, n in [(0, 0, 0), (H_out - 1, W_out - 1, N - 1), (H_out // 2, 0, N // 2)]:
        window = x_padded[n, :, r * stride:r * stride + fh, s * stride:s * stride + fw]
        np.testing.assert_array_equal(cols[:, (r * W_out + s) * N + n], window.ravel())
    k, i, j = im2col.get_im2col_indices(x_shape, fh, fw, pad, stride)
    assert k.shape == (C * fh * fw, 1) and i.shape == j.shape == (C * fh * fw, H_out * W_out)


def test_col2im_adds_overlapping_windows():
    """Each pixel gets one contribution per window covering it."""
    counts = im2col.col2im_indices(np.ones((9, 9)), (1, 1, 5, 5), 3, 3, padding=0, stride=1)
    expected = np.outer([1, 2, 3, 2, 1], [1, 2, 3, 2, 1]).astype(float)
    np.testing.assert_array_equal(counts[0, 0], expected)


# ---------------------------------------------------------------- layer_utils


def test_layer_utils_conv_helpers_use_the_fast_layers():
    for name in ["conv_forward_fast", "conv_backward_fast", "max_pool_forward_fast",
                 "max_pool_backward_fast", "im2col_indices", "relu_forward"]:
        assert hasattr(layer_utils, name), name
    rng = np.random.default_rng(7)
    x, w, b = conv_inputs(rng, (2, 3, 8, 8), (4, 3, 3))
    conv_param = {"stride": 1, "pad": 1}
    pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}
    out, cache = layer_utils.conv_relu_pool_forward(x, w, b, conv_param, pool_param)
    conv_cache, _, pool_cache = cache
    assert len(conv_cache) == 5  # the strided version's cache, not the naive one's
    a, naive_cache = layers.conv_forward_naive(x, w, b, conv_param)
    expected, _ = layers.max_pool_forward_naive(np.maximum(a, 0), pool_param)
    assert_matches(out, expected, "conv_relu_pool_forward")


def test_layer_utils_imports_from_a_fresh_student_template(tmp_path):
    """The template, generated now, imports layer_utils and runs the given fast layers."""
    from gradekit.config import load_assignment
    from gradekit.release.builder import Release
    from gradekit.zips import write_folder

    release = Release(load_assignment(A2.toml))
    write_folder(release.template_tree, tmp_path / "template")
    assert (tmp_path / "template" / "cs231n" / "fast_layers.py").is_file()
    code = "\n".join([
        "import json, sys",
        "import numpy as np, cs231n, cs231n.layer_utils as lu",
        "assert cs231n.__file__.startswith(sys.argv[1]), cs231n.__file__",
        "x = np.random.default_rng(8).standard_normal((2, 3, 5, 5))",
        "w, b = np.ones((2, 3, 3, 3)), np.zeros(2)",
        "out, cache = lu.conv_forward_fast(x, w, b, {'stride': 2, 'pad': 1})",
        "_, dw, _ = lu.conv_backward_fast(out, cache)",
        "pooled, pool_cache = lu.max_pool_forward_fast(x, POOL)",
        "dx_pool = lu.max_pool_backward_fast(pooled, pool_cache)",
        "print(json.dumps([a.tolist() for a in (out, dw, dx_pool)]))",
    ]).replace("POOL", repr({"pool_height": 2, "pool_width": 3, "stride": 2}))
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "template")],
        cwd=tmp_path / "template", capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "TMPDIR": tempfile.gettempdir(), "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode == 0, done.stderr
    got = [np.array(a) for a in json.loads(done.stdout)]
    x = np.random.default_rng(8).standard_normal((2, 3, 5, 5))
    out, cache = layers.conv_forward_naive(x, np.ones((2, 3, 3, 3)), np.zeros(2),
                                           {"stride": 2, "pad": 1})
    pooled, pool_cache = layers.max_pool_forward_naive(
        x, {"pool_height": 2, "pool_width": 3, "stride": 2})
    expected = [out, layers.conv_backward_naive(out, cache)[1],
                layers.max_pool_backward_naive(pooled, pool_cache)]
    for name, a, e in zip(["conv out", "conv dw", "pool dx"], got, expected):
        assert_matches(a, e, name)
