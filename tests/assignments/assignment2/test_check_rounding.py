"""Comparisons that survive rounding: correct code that sums in another order never gets
another verdict.

The checks' own comparison helpers (gradekit/checklib, autograder/assignment2/fc_nets.py)
are given, over 50 seeds of the checks' input draws, results of implementations that are
algebraically equal to the reference but order their arithmetic differently: the
batchnorm closed forms students write (spec §8), and a whole fully connected net written
another way. Every one must pass; and the old rule (relative error with a 1e-8 floor) is
shown to fail the same numbers, so that the test proves something.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from tests.support.paths import A2

for folder in (A2.public_checks, A2.checks):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import fc_nets  # noqa: E402
from gradekit.grading.checks import CheckFailed  # noqa: E402
from gradekit.checklib import compare, relative_error, scaled_error  # noqa: E402
from .reference_helpers import ref  # noqa: E402

SEEDS = range(50)
EPS = 1e-5


# ------------------------------------------------------------------ batchnorm backwards
def _stats(x):
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    return mu, var, 1 / np.sqrt(var + EPS), (x - mu) / np.sqrt(var + EPS)


def closed_forms(x, gamma, dout):
    """dx of the closed forms of batchnorm_backward_alt that students write (spec §8)."""
    n = x.shape[0]
    mu, var, inv_std, xhat = _stats(x)
    dxhat = dout * gamma
    dbeta, dgamma = dout.sum(axis=0), (dout * xhat).sum(axis=0)
    return {
        "textbook": (1 / n) * gamma * inv_std * (n * dout - dout.sum(0)
                                                 - xhat * (dout * xhat).sum(0)),
        "recomputed x - mu, (var + eps)**-1.5": (
            gamma * (var + EPS) ** -0.5 * dout
            - gamma * (var + EPS) ** -0.5 * dout.mean(0)
            - gamma * (x - mu) * (var + EPS) ** -1.5 * (dout * (x - mu)).mean(0)),
        "dxhat first": (n * dxhat - dxhat.sum(0) - xhat * (dxhat * xhat).sum(0))
        / (n * np.sqrt(var + EPS)),
        "means": (dxhat - dxhat.mean(0) - xhat * (dxhat * xhat).mean(0)) * inv_std,
        "dgamma and dbeta reused": gamma * inv_std / n * (n * dout - dbeta - xhat * dgamma),
        "keepdims sums": (gamma * inv_std / n) * (
            n * dout - dout.sum(0, keepdims=True)
            - xhat * (dout * xhat).sum(0, keepdims=True)),
    }


def notebook_like(rng, n=100, d=500):
    """The notebook's alt-agreement inputs (5 randn + 12), freshly drawn."""
    return (5 * rng.standard_normal((n, d)) + 12, rng.standard_normal(d),
            rng.standard_normal(d), rng.standard_normal((n, d)))


def test_closed_forms_agree_with_the_staged_backward_by_the_public_check_rule():
    """Check 3.3's measure: relative_error with a scaled floor, tolerance 1e-9."""
    layers = ref("layers")
    worst = {}
    for seed in SEEDS:
        x, gamma, beta, dout = notebook_like(np.random.default_rng(seed))
        cache = layers.batchnorm_forward(x, gamma, beta, {"mode": "train"})[1]
        staged = layers.batchnorm_backward(dout, cache)[0]
        for name, dx in closed_forms(x, gamma, dout).items():
            error = relative_error(dx, staged)
            worst[name] = max(worst.get(name, 0.0), error)
            compare(f"{name} (seed {seed})", dx, staged, 1e-9, error=relative_error)
    assert max(worst.values()) < 1e-10, worst


# ------------------------------------------------------------------ the net, another way
def _affine(x, w, b):
    return np.einsum("nd,dm->nm", x, w) + b


def _norm(a, gamma, beta, axis):
    mu = np.mean(a, axis=axis, keepdims=True)
    inv = (np.var(a, axis=axis, keepdims=True) + EPS) ** -0.5
    xhat = (a - mu) * inv
    return gamma * xhat + beta, (xhat, inv, gamma)


def _norm_back(dy, cache, axis):
    xhat, inv, gamma = cache
    g = dy * gamma
    m = g.shape[axis]
    dx = inv / m * (m * g - g.sum(axis, keepdims=True)
                    - xhat * np.einsum("nd,nd->n" if axis else "nd,nd->d", g, xhat).reshape(
                        (-1, 1) if axis else (1, -1)))
    return dx, np.einsum("nd,nd->d", dy, xhat), dy[::-1].sum(axis=0)


def other_net(params, X, y, normalization, reg):
    """The architecture of spec §2 written another way: einsum products, inverse-std
    normalization, closed-form backward, batch sums in reverse order."""
    L = sum(1 for k in params if k[0] == "W")
    axis = 1 if normalization == "layernorm" else 0
    h, caches = X, []
    for k in range(1, L):
        a = _affine(h, params[f"W{k}"], params[f"b{k}"])
        a, norm_cache = _norm(a, params[f"gamma{k}"], params[f"beta{k}"], axis)
        caches.append((h, norm_cache, a > 0))
        h = np.where(a > 0, a, 0.0)
    scores = _affine(h, params[f"W{L}"], params[f"b{L}"])
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = len(y)
    loss = -log_p[np.arange(n), y].mean()
    dscores = np.exp(log_p)
    dscores[np.arange(n), y] -= 1
    dscores /= n
    grads = {f"W{L}": np.einsum("nd,nm->dm", h, dscores), f"b{L}": dscores[::-1].sum(0)}
    dh = np.einsum("nm,dm->nd", dscores, params[f"W{L}"])
    for k in range(L - 1, 0, -1):
        h_in, norm_cache, mask = caches[k - 1]
        da, grads[f"gamma{k}"], grads[f"beta{k}"] = _norm_back(dh * mask, norm_cache, axis)
        grads[f"W{k}"] = np.einsum("nd,nm->dm", h_in, da)
        grads[f"b{k}"] = da[::-1].sum(axis=0)
        dh = np.einsum("nm,dm->nd", da, params[f"W{k}"])
    for k in range(L, 0, -1):
        w = params[f"W{k}"]
        loss += 0.5 * reg * np.einsum("dm,dm->", w, w)
        grads[f"W{k}"] = grads[f"W{k}"] + reg * w
    return loss, grads


@pytest.mark.parametrize("normalization, n, reg", [("batchnorm", 2, 0.0),
                                                   ("batchnorm", 6, 0.0),
                                                   ("layernorm", 5, 0.0),
                                                   ("batchnorm", 6, 3.14)])
def test_a_net_written_another_way_passes_the_net_checks(normalization, n, reg):
    """Checks 5.5-5.7's comparisons; the bias before each normalization has a gradient of
    zero, held as rounding noise, judged against the net's largest gradient."""
    fc = ref("classifiers.fc_net")
    old_rule_failures = 0
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        params = fc_nets.random_params(rng, normalization)
        X, y = rng.standard_normal((n, fc_nets.D)), rng.integers(fc_nets.C, size=n)
        net = fc.FullyConnectedNet(fc_nets.H, input_dim=fc_nets.D, num_classes=fc_nets.C,
                                   normalization=normalization, reg=reg, dtype=np.float64)
        net.params = {k: v.copy() for k, v in params.items()}
        want_loss, want_grads = net.loss(X, y)
        loss, grads = other_net(params, X, y, normalization, reg)
        compare(f"loss (seed {seed})", loss, want_loss, 1e-8)
        fc_nets.compare_grads(f"seed {seed}", grads, want_grads, 1e-7)
        if normalization == "batchnorm":
            old_rule_failures += scaled_error(grads["b1"], want_grads["b1"], 1e-8) > 1e-7
    if normalization == "batchnorm" and reg == 0 and n == 2:
        assert old_rule_failures > 0, "the old floor of 1e-8 never failed: no proof"


def test_a_wrong_gradient_still_fails():
    """The scaled floors leave real mistakes visible: a bias gradient that should be zero
    but holds a thousandth of the largest gradient fails."""
    fc = ref("classifiers.fc_net")
    rng = np.random.default_rng(0)
    params = fc_nets.random_params(rng, "batchnorm")
    X, y = rng.standard_normal((6, fc_nets.D)), rng.integers(fc_nets.C, size=6)
    net = fc.FullyConnectedNet(fc_nets.H, input_dim=fc_nets.D, num_classes=fc_nets.C,
                               normalization="batchnorm", dtype=np.float64)
    net.params = params
    _, want = net.loss(X, y)
    wrong = dict(want)
    largest = max(float(np.max(np.abs(g))) for g in want.values())
    wrong["b1"] = want["b1"] + 1e-3 * largest * rng.standard_normal(want["b1"].shape)
    with pytest.raises(CheckFailed, match="grads\\['b1'\\]"):
        fc_nets.compare_grads("wrong b1", wrong, want, 1e-7)
