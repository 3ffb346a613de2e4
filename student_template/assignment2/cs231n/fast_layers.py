"""Fast convolution and max-pooling layers, vectorized with numpy (given code).

These compute exactly what ``conv_forward_naive``, ``max_pool_forward_naive`` and their
backward passes in ``layers.py`` compute, only without Python loops over output
positions. They take the same arguments (``conv_param`` with 'stride' and 'pad';
``pool_param`` with 'pool_height', 'pool_width' and 'stride'), return ``(out, cache)``
from forward passes, and each backward pass takes the cache its own forward pass
returned. A cache is a tuple that starts with the naive layer's cache, (x, w, b,
conv_param) or (x, pool_param), and may hold more after it.

- ``conv_forward_im2col``: gathers every window into a matrix (``im2col``) with
  fancy indexing, then does one matrix product.
- ``conv_forward_strides``: builds the same kind of matrix from a strided view of the
  padded input, without index arrays; ``conv_forward_fast`` is this version.
- ``max_pool_forward_reshape``: for pools that tile the input (pool height = pool
  width = stride, dividing H and W), a reshape and a maximum.
- ``max_pool_forward_im2col``: any pool, through ``im2col``.
- ``max_pool_forward_fast``: the reshape version when pools tile the input, otherwise
  the im2col one.

Where several values of a pooling window tie for the maximum, the gradient goes to the
first of them in row-major order, as in ``max_pool_backward_naive``.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

# All three im2col functions are imported so that ``from .fast_layers import *`` brings
# them along, as it does in the original kit.
from .im2col import col2im_indices, get_im2col_indices, im2col_indices  # noqa: F401


def _conv_sizes(x_shape, w_shape, conv_param):
    """(stride, pad, H', W') of a convolution, with the naive layer's floor division."""
    stride, pad = conv_param["stride"], conv_param["pad"]
    _, C, H, W = x_shape
    F, C_w, HH, WW = w_shape
    if C_w != C:
        raise ValueError(f"filters have {C_w} channels, the input has {C}")
    if stride < 1:
        raise ValueError(f"stride must be at least 1, got {stride}")
    if H + 2 * pad < HH or W + 2 * pad < WW:
        raise ValueError(f"{HH}x{WW} filters do not fit in a {H}x{W} input padded by {pad}")
    return stride, pad, 1 + (H + 2 * pad - HH) // stride, 1 + (W + 2 * pad - WW) // stride


def _pool_sizes(x_shape, pool_param):
    """(pool_height, pool_width, stride, H', W') of a max pool, as the naive layer has them."""
    ph, pw = pool_param["pool_height"], pool_param["pool_width"]
    stride = pool_param["stride"]
    _, _, H, W = x_shape
    if stride < 1:
        raise ValueError(f"stride must be at least 1, got {stride}")
    if ph > H or pw > W:
        raise ValueError(f"{ph}x{pw} pools do not fit in a {H}x{W} input")
    return ph, pw, stride, 1 + (H - ph) // stride, 1 + (W - pw) // stride


def _pools_tile(x_shape, pool_param):
    """True when the pools cover the input exactly once: no overlap, gap or leftover."""
    ph, pw = pool_param["pool_height"], pool_param["pool_width"]
    _, _, H, W = x_shape
    return ph == pw == pool_param["stride"] and H % ph == 0 and W % pw == 0


# ---------------------------------------------------------------- convolution


def conv_forward_im2col(x, w, b, conv_param):
    """Convolutional layer, forward pass, as one matrix product over im2col columns.

    Inputs:
    - x: data, shape (N, C, H, W)
    - w: filters, shape (F, C, HH, WW)
    - b: biases, shape (F,)
    - conv_param: dict with 'stride' and 'pad', as for conv_forward_naive

    Returns a tuple of:
    - out: shape (N, F, H', W'), H' = 1 + (H + 2 * pad - HH) // stride, W' likewise
    - cache: (x, w, b, conv_param, x_cols), x_cols of shape (C * HH * WW, H' * W' * N)
      as im2col_indices lays it out
    """
    stride, pad, H_out, W_out = _conv_sizes(x.shape, w.shape, conv_param)
    N = x.shape[0]
    F, _, HH, WW = w.shape
    x_cols = im2col_indices(x, HH, WW, padding=pad, stride=stride)
    products = w.reshape(F, -1) @ x_cols + b.reshape(F, 1)  # (F, H' * W' * N)
    out = np.ascontiguousarray(products.reshape(F, H_out, W_out, N).transpose(3, 0, 1, 2))
    return out, (x, w, b, conv_param, x_cols)


def conv_backward_im2col(dout, cache):
    """Convolutional layer, backward pass of conv_forward_im2col.

    Inputs:
    - dout: upstream gradient, shape (N, F, H', W')
    - cache: from conv_forward_im2col

    Returns a tuple of:
    - dx: shape (N, C, H, W)
    - dw: shape (F, C, HH, WW)
    - db: shape (F,)
    """
    x, w, b, conv_param, x_cols = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    F, _, HH, WW = w.shape
    db = dout.sum(axis=(0, 2, 3))
    dout_rows = dout.transpose(1, 2, 3, 0).reshape(F, -1)  # columns in x_cols' order
    dw = (dout_rows @ x_cols.T).reshape(w.shape)
    dx_cols = w.reshape(F, -1).T @ dout_rows
    dx = col2im_indices(dx_cols, x.shape, HH, WW, padding=pad, stride=stride)
    return dx, dw, db


def conv_forward_strides(x, w, b, conv_param):
    """Convolutional layer, forward pass, from a strided window view of the padded input.

    Inputs and outputs as for conv_forward_im2col, except the cache:
    - cache: (x, w, b, conv_param, x_cols), x_cols of shape (C * HH * WW, N * H' * W'),
      rows ordered (channel, window row, window column), columns (example, output row,
      output column) with the output column changing fastest
    """
    stride, pad, H_out, W_out = _conv_sizes(x.shape, w.shape, conv_param)
    N, C, _, _ = x.shape
    F, _, HH, WW = w.shape
    x_padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    # A view, no copy: windows[n, c, r, s] is the HH x WW window under output (r, s).
    windows = sliding_window_view(x_padded, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]
    x_cols = windows.transpose(1, 4, 5, 0, 2, 3).reshape(C * HH * WW, N * H_out * W_out)
    products = w.reshape(F, -1) @ x_cols + b.reshape(F, 1)  # (F, N * H' * W')
    out = np.ascontiguousarray(products.reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3))
    return out, (x, w, b, conv_param, x_cols)


def conv_backward_strides(dout, cache):
    """Convolutional layer, backward pass of conv_forward_strides.

    Inputs:
    - dout: upstream gradient, shape (N, F, H', W')
    - cache: from conv_forward_strides

    Returns a tuple of:
    - dx: shape (N, C, H, W)
    - dw: shape (F, C, HH, WW)
    - db: shape (F,)
    """
    x, w, b, conv_param, x_cols = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    db = dout.sum(axis=(0, 2, 3))
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(F, -1)  # columns in x_cols' order
    dw = (dout_rows @ x_cols.T).reshape(w.shape)
    dx_cols = (w.reshape(F, -1).T @ dout_rows).reshape(C, HH, WW, N, H_out, W_out)
    # Scatter back one window offset at a time: offset (p, q) of every window lands on
    # the strided grid of padded pixels starting at (p, q), and within one offset no
    # two windows share a pixel, so plain slicing adds them without index arrays.
    dx_padded = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=dx_cols.dtype)
    for p in range(HH):
        for q in range(WW):
            rows = slice(p, p + stride * H_out, stride)
            cols = slice(q, q + stride * W_out, stride)
            dx_padded[:, :, rows, cols] += dx_cols[:, p, q].transpose(1, 0, 2, 3)
    dx = dx_padded[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db


conv_forward_fast = conv_forward_strides
conv_backward_fast = conv_backward_strides


# ---------------------------------------------------------------- max pooling


def max_pool_forward_fast(x, pool_param):
    """Max-pooling layer, forward pass: the reshape version when pools tile the input,
    otherwise the im2col version.

    Inputs:
    - x: data, shape (N, C, H, W)
    - pool_param: dict with 'pool_height', 'pool_width' and 'stride'

    Returns a tuple of:
    - out: shape (N, C, H', W'), H' = 1 + (H - pool_height) // stride, W' likewise
    - cache: the cache of the version used; max_pool_backward_fast picks the same one
    """
    if _pools_tile(x.shape, pool_param):
        return max_pool_forward_reshape(x, pool_param)
    return max_pool_forward_im2col(x, pool_param)


def max_pool_backward_fast(dout, cache):
    """Max-pooling layer, backward pass of max_pool_forward_fast.

    Inputs:
    - dout: upstream gradient, shape (N, C, H', W')
    - cache: from max_pool_forward_fast

    Returns:
    - dx: shape (N, C, H, W)
    """
    x, pool_param = cache[0], cache[1]
    if _pools_tile(x.shape, pool_param):
        return max_pool_backward_reshape(dout, cache)
    return max_pool_backward_im2col(dout, cache)


def _tiled_windows(x, ph, pw):
    """x (N, C, H, W) cut into its tiles: shape (N, C, H // ph, W // pw, ph * pw)."""
    N, C, H, W = x.shape
    tiles = x.reshape(N, C, H // ph, ph, W // pw, pw).transpose(0, 1, 2, 4, 3, 5)
    return tiles.reshape(N, C, H // ph, W // pw, ph * pw)


def max_pool_forward_reshape(x, pool_param):
    """Max-pooling layer, forward pass, for pools that tile the input.

    Needs pool_height == pool_width == stride, dividing both H and W; raises ValueError
    otherwise (max_pool_forward_fast checks this and falls back on im2col).

    Inputs and outputs as for max_pool_forward_fast, with:
    - cache: (x, pool_param)
    """
    if not _pools_tile(x.shape, pool_param):
        raise ValueError(f"pools {pool_param} do not tile an input of shape {x.shape}")
    N, C, H, W = x.shape
    ph, pw = pool_param["pool_height"], pool_param["pool_width"]
    out = x.reshape(N, C, H // ph, ph, W // pw, pw).max(axis=(3, 5))
    return out, (x, pool_param)


def max_pool_backward_reshape(dout, cache):
    """Max-pooling layer, backward pass of max_pool_forward_reshape.

    Inputs:
    - dout: upstream gradient, shape (N, C, H', W')
    - cache: (x, pool_param) from max_pool_forward_reshape

    Returns:
    - dx: shape (N, C, H, W), of x's dtype
    """
    x, pool_param = cache[0], cache[1]
    N, C, H, W = x.shape
    ph, pw = pool_param["pool_height"], pool_param["pool_width"]
    windows = _tiled_windows(x, ph, pw)
    first_max = windows.argmax(axis=-1)[..., None]  # (N, C, H', W', 1)
    dwindows = np.zeros(windows.shape, dtype=x.dtype)
    np.put_along_axis(dwindows, first_max, dout[..., None], axis=-1)
    dx = dwindows.reshape(N, C, H // ph, W // pw, ph, pw).transpose(0, 1, 2, 4, 3, 5)
    return dx.reshape(N, C, H, W)


def max_pool_forward_im2col(x, pool_param):
    """Max-pooling layer, forward pass, for any pool size and stride, through im2col.

    Each channel of each example is treated as a one-channel image, so every column
    of the im2col matrix is one pool.

    Inputs and outputs as for max_pool_forward_fast, with:
    - cache: (x, pool_param, first_max), first_max of shape (H' * W' * N * C,): the
      row of each column's (first) maximum
    """
    ph, pw, stride, H_out, W_out = _pool_sizes(x.shape, pool_param)
    N, C, H, W = x.shape
    cols = im2col_indices(x.reshape(N * C, 1, H, W), ph, pw, padding=0, stride=stride)
    first_max = cols.argmax(axis=0)
    maxima = cols[first_max, np.arange(cols.shape[1])]
    out = np.ascontiguousarray(maxima.reshape(H_out, W_out, N, C).transpose(2, 3, 0, 1))
    return out, (x, pool_param, first_max)


def max_pool_backward_im2col(dout, cache):
    """Max-pooling layer, backward pass of max_pool_forward_im2col.

    Inputs:
    - dout: upstream gradient, shape (N, C, H', W')
    - cache: from max_pool_forward_im2col

    Returns:
    - dx: shape (N, C, H, W), of x's dtype
    """
    x, pool_param, first_max = cache
    ph, pw, stride, _, _ = _pool_sizes(x.shape, pool_param)
    N, C, H, W = x.shape
    dcols = np.zeros((ph * pw, first_max.size), dtype=x.dtype)
    dcols[first_max, np.arange(first_max.size)] = dout.transpose(2, 3, 0, 1).ravel()
    dx = col2im_indices(dcols, (N * C, 1, H, W), ph, pw, padding=0, stride=stride)
    return dx.reshape(N, C, H, W)
