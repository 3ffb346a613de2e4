"""What buggy student code would output: one prediction per known bug pattern.

The hidden checks compare a wrong answer with these predictions to name the likely
bug ("This looks like: ..."). Each function returns ``[(label, prediction), ...]``;
predictions are plain numpy, computed in the controller.
"""

from __future__ import annotations

import numpy as np

EPS = 1e-5
EPS_IN_BACKWARD = ("eps left out of the backward (it divides by sqrt(var) where the "
                   "forward used sqrt(var + eps))")


def normalize(x, axis=0, eps=EPS, ddof=0):
    mean = x.mean(axis=axis, keepdims=True)
    return (x - mean) / np.sqrt(x.var(axis=axis, ddof=ddof, keepdims=True) + eps)


def norm_forward(x, gamma, beta, eps=EPS, axis=0):
    """Predictions for a train-mode batchnorm (axis=0) or layer norm (axis=1) output."""
    other = 1 - axis
    good = normalize(x, axis, eps)
    std = np.sqrt(x.var(axis=axis, keepdims=True))
    wrong_axis = ("layer norm statistics over the batch axis instead of the feature axis"
                  if axis else "statistics over the feature axis instead of the batch axis")
    return [
        ("variance divided by N - 1 instead of N (ddof=1)",
         lambda: gamma * normalize(x, axis, eps, ddof=1) + beta),
        ("gamma and beta not applied", good),
        ("gamma and beta applied before normalizing",
         lambda: normalize(gamma * x + beta, axis, eps)),
        ("gamma and beta swapped", beta * good + gamma),
        ("eps added outside the square root",
         lambda: gamma * (x - x.mean(axis=axis, keepdims=True)) / (std + eps) + beta),
        (wrong_axis, lambda: gamma * normalize(x, other, eps) + beta),
    ]


def running_stats(batches, momentum=0.9, eps=EPS, gamma=None, beta=None):
    """Predictions of (running_mean, running_var) after a sequence of train batches.

    Bugs of the train forward's statistics that batchnorm_forward's own output shows too
    (test_batchnorm_train_forward charges them) are not here: see :func:`forward_bug_stats`.
    """

    def run(stat_of, swap=False, restart=False):
        value = np.zeros(batches[0].shape[1])
        for x in batches:
            if restart:
                value = np.zeros_like(value)
            keep = 1 - momentum if swap else momentum
            value = keep * value + (1 - keep) * stat_of(x)
        return value

    def mean(x):
        return x.mean(axis=0)

    def var(x, ddof=0):
        return x.var(axis=0, ddof=ddof)

    means = [
        ("momentum and (1 - momentum) swapped", run(mean, swap=True)),
        ("running stats not read back from bn_param: each step starts from zeros",
         run(mean, restart=True)),
    ]
    variances = [
        ("eps added into the stored running variance", run(lambda x: var(x) + eps)),
        ("unbiased variance (ddof=1) used for the running variance only",
         run(lambda x: var(x, 1))),
        ("momentum and (1 - momentum) swapped", run(var, swap=True)),
        ("running standard deviation stored instead of the variance",
         run(lambda x: np.sqrt(var(x) + eps))),
        ("running stats not read back from bn_param: each step starts from zeros",
         run(var, restart=True)),
    ]
    return means, variances


def forward_bug_stats(batches, gamma, beta, momentum=0.9, eps=EPS):
    """Train-forward bugs that also change the running statistics.

    Returns ``[(label, running mean, running var, out(x))]``: the statistics after
    ``batches`` and the train output of one batch, as each bug computes them.
    """

    def run(stat_of):
        value = np.zeros(batches[0].shape[1])
        for x in batches:
            value = momentum * value + (1 - momentum) * stat_of(x)
        return value

    def shifted(x):
        return gamma * x + beta

    return [
        ("variance divided by N - 1 instead of N (ddof=1)",
         run(lambda x: x.mean(axis=0)), run(lambda x: x.var(axis=0, ddof=1)),
         lambda x: gamma * normalize(x, 0, eps, ddof=1) + beta),
        ("gamma and beta applied before normalizing",
         run(lambda x: shifted(x).mean(axis=0)), run(lambda x: shifted(x).var(axis=0)),
         lambda x: normalize(shifted(x), 0, eps)),
    ]


def test_mode(x, gamma, beta, running_mean, running_var, eps=EPS):
    """Predictions for a test-mode batchnorm output."""
    xc = x - running_mean
    return [
        ("test mode normalizes with the batch statistics, not the running ones",
         lambda: gamma * normalize(x, 0, eps) + beta),
        ("eps missing in test mode", gamma * xc / np.sqrt(running_var) + beta),
        ("eps added outside the square root in test mode (np.sqrt(running_var) + eps)",
         gamma * xc / (np.sqrt(running_var) + eps) + beta),
        ("gamma and beta not applied in test mode", xc / np.sqrt(running_var + eps)),
        ("gamma and beta applied before normalizing (test mode)",
         (gamma * x + beta - running_mean) / np.sqrt(running_var + eps)),
        ("divided by the running variance instead of its square root",
         gamma * xc / (running_var + eps) + beta),
    ]


def norm_backward(x, gamma, dout, eps=EPS, axis=0):
    """Predictions for (dx, dgamma, dbeta) of a batchnorm (axis=0) or layer norm (axis=1)."""
    xhat = normalize(x, axis, eps)
    inv_std = 1 / np.sqrt(x.var(axis=axis, keepdims=True) + eps)
    g = dout * gamma
    mean_g = g.mean(axis=axis, keepdims=True)
    mean_gx = (g * xhat).mean(axis=axis, keepdims=True)
    dx = [
        ("dx keeps only the direct path (no gradient through the mean and variance)",
         g * inv_std),
        ("dx misses the path through the variance", (g - mean_g) * inv_std),
        ("dx misses the path through the mean", (g - xhat * mean_gx) * inv_std),
        ("dx ignores gamma", (dout - dout.mean(axis=axis, keepdims=True)
                              - xhat * (dout * xhat).mean(axis=axis, keepdims=True)) * inv_std),
    ]
    # eps left out of the backward: right only while eps is negligible (a default of
    # 1e-12 hides it). Staged: the whole graph without eps; closed form: the forward's
    # xhat (with eps) divided by sqrt(var).
    std0 = np.sqrt(x.var(axis=axis, keepdims=True))
    xhat0 = normalize(x, axis, 0.0)
    dx += [(EPS_IN_BACKWARD, (g - mean_g - xhat0 * (g * xhat0).mean(axis=axis, keepdims=True))
            / std0),
           (EPS_IN_BACKWARD, (g - mean_g - xhat * mean_gx) / std0)]
    if axis == 1:  # layer norm: the batchnorm formula moved to rows, and its pitfalls
        std = 1 / inv_std
        d = x.shape[1]
        xc = x - x.mean(axis=1, keepdims=True)
        var = x.var(axis=1, keepdims=True)
        dvar_x = np.sum(g * x * -0.5 * (var + eps) ** -1.5, axis=1, keepdims=True)
        dmu = np.sum(-g * inv_std, axis=1, keepdims=True)
        n = x.shape[0]
        dx += [
            ("gamma factored out of the row sums (right only when gamma is the same for "
             "every feature)",
             gamma * (d * dout - dout.sum(axis=1, keepdims=True)
                      - xhat * (dout * xhat).sum(axis=1, keepdims=True)) / (d * std)),
            ("the uncentred x used where x - mean belongs (in the variance step)",
             g * inv_std + dvar_x * 2 * xc / d + dmu / d),
            ("divided by N (the batch size) instead of D (the number of features) after "
             "transposing",
             inv_std / n * (n * g - g.sum(axis=1, keepdims=True)
                            - xhat * (g * xhat).sum(axis=1, keepdims=True))),
        ]
    dgamma = [("dgamma and dbeta swapped", dout.sum(axis=0))]
    dbeta = [("dgamma and dbeta swapped", (dout * xhat).sum(axis=0))]
    return dx, dgamma, dbeta


def backward_for_forward(x, out, gamma, beta, dout, axis=0):
    """(dx, dgamma, dbeta) of a backward that is right for what the student's forward
    computed: the xhat of its output, (out - beta) / gamma, and the std that turns x - mean
    into that xhat (the forward's normalization, eps placement and ddof included), with the
    statistics over ``axis`` or, for a forward that normalizes over the other axis of the
    (N, D) input (layer norm over the batch), over that one.

    None when the output is not of that form (then no backward is right for it).
    """
    for over in (axis, 1 - axis):
        grads = _backward_over(x, out, gamma, beta, dout, over)
        if grads is not None:
            return grads
    return None


def _backward_over(x, out, gamma, beta, dout, axis):
    """:func:`backward_for_forward` with the statistics over ``axis`` only."""
    xhat = (out - beta) / gamma
    xc = x - x.mean(axis=axis, keepdims=True)
    std = np.sum(xc * xc, axis=axis, keepdims=True) / np.sum(xc * xhat, axis=axis,
                                                             keepdims=True)
    if not np.all(np.isfinite(std)) or np.any(std <= 0) or scaled(xc / std, xhat) > 1e-9:
        return None
    g = dout * gamma
    dx = (g - g.mean(axis=axis, keepdims=True)
          - xhat * (g * xhat).mean(axis=axis, keepdims=True)) / std
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


def alt_with_std_for_inv_std(x, gamma, dout, eps=EPS):
    """dx of a closed-form alt that reads the forward's 1/std where it expects std (its
    own cache layout): every column comes out multiplied by var + eps."""
    xhat = normalize(x, 0, eps)
    g = dout * gamma
    dx = (g - g.mean(axis=0) - xhat * (g * xhat).mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)
    return dx * (x.var(axis=0) + eps)


def scaled(a, b):
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def vector_shape_hints(n: int, d: int, name: str) -> dict:
    """Hints for a per-feature gradient of the wrong shape."""
    return {
        (1, d): f"{name} kept as (1, D) (a sum with keepdims=True); it must be (D,)",
        (n,): f"{name} summed over the feature axis instead of the batch axis",
        (n, d): f"{name} not summed over the batch",
    }


def pool_every_position(x, dout, ph, pw, stride):
    """dx of a max-pool backward that sends each window's gradient to all its positions."""
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dx[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw] += \
                dout[:, :, i:i + 1, j:j + 1]
    return dx


def spatial_batchnorm(x, gamma, beta):
    """Predictions for a spatial batchnorm output (x of shape (N, C, H, W))."""
    n, c, h, w = x.shape
    per_position = normalize(x, 0)
    return [
        ("x reshaped to (N*H*W, C) without moving the channel axis last",
         lambda: (gamma * normalize(x.reshape(-1, c), 0) + beta).reshape(x.shape)),
        ("statistics per channel and position over N only, not over N, H, W",
         gamma[:, None, None] * per_position + beta[:, None, None]),
    ]


def groupnorm(x, gamma, beta, groups, eps=EPS):
    """Predictions for a spatial groupnorm output."""
    n, c, h, w = x.shape

    def by_groups(xg, count):
        flat = xg.reshape(n, count, -1)
        return normalize(flat, axis=2, eps=eps)

    interleaved = x.reshape(n, c // groups, groups, h, w).transpose(0, 2, 1, 3, 4)
    mixed = by_groups(interleaved, groups).reshape(interleaved.shape).transpose(0, 2, 1, 3, 4)
    return [
        ("channels grouped as c % G instead of G blocks of consecutive channels",
         gamma * mixed.reshape(x.shape) + beta),
        ("G used as the number of channels per group instead of the number of groups",
         gamma * by_groups(x, c // groups).reshape(x.shape) + beta),
        ("statistics per channel (instance norm) instead of per group",
         gamma * by_groups(x, c).reshape(x.shape) + beta),
        ("statistics per group over the batch too (one mean and variance per group for "
         "the whole batch) instead of per (sample, group)",
         gamma * normalize(x.reshape(n, groups, -1).transpose(1, 0, 2).reshape(groups, -1),
                           axis=1, eps=eps).reshape(groups, n, -1).transpose(1, 0, 2)
         .reshape(x.shape) + beta),
    ]
