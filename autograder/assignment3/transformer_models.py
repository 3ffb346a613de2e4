"""Bug models of the Transformer (spec A3.6), in numpy in the controller: multi-head
attention and the positional encoding as the spec defines them, or with one bug."""

from __future__ import annotations

import numpy as np


def attention(weights, query, key, value, heads, mask=None, bug=""):
    """MultiHeadAttention.forward in eval mode. weights: name -> (W (out, in), b).

    Bugs: direct_reshape, scale_embed, no_scale, softmax_queries, no_proj,
    mask_inverted, mask_ignored. Blocked scores get -1e9 (a fully blocked row is uniform).
    Returns (out (N, S, E), attention weights (N, h, S, T)).
    """
    N, S, E = query.shape
    T = key.shape[1]
    d = E // heads

    def linear(x, name):
        W, b = weights[name]
        return x @ W.T + b

    def split(x, length):
        if bug == "direct_reshape":
            return x.reshape(N, heads, length, d)
        return x.reshape(N, length, heads, d).transpose(0, 2, 1, 3)

    q, k, v = split(linear(query, "query"), S), split(linear(key, "key"), T), \
        split(linear(value, "value"), T)
    scale = {"scale_embed": np.sqrt(E), "no_scale": 1.0}.get(bug, np.sqrt(d))
    scores = q @ k.transpose(0, 1, 3, 2) / scale
    if mask is not None and bug != "mask_ignored":
        blocked = (mask != 0) if bug == "mask_inverted" else (mask == 0)
        scores = np.where(blocked, -1e9, scores)
    axis = -2 if bug == "softmax_queries" else -1
    e = np.exp(scores - scores.max(axis=axis, keepdims=True))
    p = e / e.sum(axis=axis, keepdims=True)
    merged = (p @ v).transpose(0, 2, 1, 3).reshape(N, S, E)
    return (merged if bug == "no_proj" else linear(merged, "proj")), p


def positional_table(max_len, dim, bug=""):
    """P (1, max_len, dim): sin in even columns, cos in odd ones, frequency
    10000^(-(j - j % 2) / dim); bugs: swapped, odd_exponent."""
    position = np.arange(max_len)[:, None]
    column = np.arange(dim)
    exponent = column if bug == "odd_exponent" else column - column % 2
    angle = position * 10000.0 ** (-exponent / dim)
    even = column % 2 == 0
    if bug == "swapped":
        even = ~even
    return np.where(even, np.sin(angle), np.cos(angle))[None]
