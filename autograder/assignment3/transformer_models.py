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


# ------------------------------------------------------------------ the captioning model
def caption_parameters(vocab_size, input_dim, wordvec_dim, num_layers, dim_feedforward=2048):
    """The reference CaptioningTransformer's parameters as (name, shape), in the order of
    its ``named_parameters()`` (the order a check draws their random values in)."""
    W, F = wordvec_dim, dim_feedforward
    names = [("visual_projection.weight", (W, input_dim)), ("visual_projection.bias", (W,)),
             ("embedding.weight", (vocab_size, W))]
    for i in range(num_layers):
        layer = f"transformer.layers.{i}."
        for attention in ("self_attn", "multihead_attn"):
            for part in ("key", "query", "value", "proj"):
                names += [(f"{layer}{attention}.{part}.weight", (W, W)),
                          (f"{layer}{attention}.{part}.bias", (W,))]
        names += [(f"{layer}linear1.weight", (F, W)), (f"{layer}linear1.bias", (F,)),
                  (f"{layer}linear2.weight", (W, F)), (f"{layer}linear2.bias", (W,))]
        for norm in ("norm1", "norm2", "norm3"):
            names += [(f"{layer}{norm}.weight", (W,)), (f"{layer}{norm}.bias", (W,))]
    names += [("output.weight", (vocab_size, W)), ("output.bias", (vocab_size,))]
    return names


def _layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(x.var(axis=-1, keepdims=True) + eps) * gamma + beta


def caption_scores(state, features, captions, num_heads, num_layers, max_length,
                   mask="tril", encode=True):
    """CaptioningTransformer.forward in eval mode, in float64: scores (N, T, V).

    state: parameter name -> array (:func:`caption_parameters`); features (N, D);
    captions (N, T) integers. ``mask``: "tril" (the spec's causal mask), or a bug:
    "triu" (steps see later words), "none"; ``encode=False``: positional encoding skipped.
    """
    p = {name: np.asarray(value, dtype=float) for name, value in state.items()}

    def linear(x, name):
        return x @ p[name + ".weight"].T + p[name + ".bias"]

    words = p["embedding.weight"][captions]
    T, W = captions.shape[1], words.shape[-1]
    if encode:
        words = words + positional_table(max_length, W)[:, :T]
    memory = linear(features, "visual_projection")[:, None]
    causal = {"tril": np.tril(np.ones((T, T))), "triu": np.triu(np.ones((T, T))),
              "none": None}[mask]
    x = words
    for i in range(num_layers):
        layer = f"transformer.layers.{i}."

        def attend(kind, query, keys, attn_mask=None):
            weights = {part: (p[f"{layer}{kind}.{part}.weight"], p[f"{layer}{kind}.{part}.bias"])
                       for part in ("query", "key", "value", "proj")}
            return attention(weights, query, keys, keys, num_heads, attn_mask)[0]

        x = _layer_norm(x + attend("self_attn", x, x, causal),
                        p[layer + "norm1.weight"], p[layer + "norm1.bias"])
        x = _layer_norm(x + attend("multihead_attn", x, memory),
                        p[layer + "norm2.weight"], p[layer + "norm2.bias"])
        hidden = np.maximum(linear(x, layer + "linear1"), 0)
        x = _layer_norm(x + linear(hidden, layer + "linear2"),
                        p[layer + "norm3.weight"], p[layer + "norm3.bias"])
    return linear(x, "output")
