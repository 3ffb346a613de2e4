"""Rearranging image windows into matrix columns, and back (given code).

A convolution or pooling layer looks at many small windows of its input. ``im2col``
lays every window out as one column of a matrix, so that a whole convolution becomes
one matrix product; ``col2im`` is its adjoint, which adds each column back onto the
pixels it came from (where windows overlap, contributions add up).

Layout, for x of shape (N, C, H, W), windows of field_height x field_width, and
H' = 1 + (H + 2 * padding - field_height) // stride (W' likewise):

- rows are ordered (channel, row in window, column in window), so there are
  C * field_height * field_width of them, in the order of ``w.reshape(F, -1)``;
- columns are ordered (output row, output column, example), the example changing
  fastest, so there are H' * W' * N of them.

Windows that would run past the bottom or right edge are dropped, as the naive layers
drop them.
"""

import numpy as np


def _output_size(size, field, padding, stride):
    """Number of window positions along one axis of length ``size``."""
    if stride < 1:
        raise ValueError(f"stride must be at least 1, got {stride}")
    if size + 2 * padding < field:
        raise ValueError(f"a window of {field} does not fit in {size} pixels padded by {padding}")
    return 1 + (size + 2 * padding - field) // stride


def get_im2col_indices(x_shape, field_height, field_width, padding=1, stride=1):
    """Index arrays that pick every window out of the padded input.

    Inputs:
    - x_shape: (N, C, H, W)
    - field_height, field_width: window size
    - padding: zeros added on every side of the height and width axes
    - stride: step between neighbouring windows, both directions

    Returns a tuple (k, i, j) of integer arrays such that
    ``x_padded[:, k, i, j]`` has shape (N, C * field_height * field_width, H' * W'):
    - k: channel of each row, shape (C * field_height * field_width, 1)
    - i: padded-input row, shape (C * field_height * field_width, H' * W')
    - j: padded-input column, shape (C * field_height * field_width, H' * W')
    """
    _, C, H, W = x_shape
    H_out = _output_size(H, field_height, padding, stride)
    W_out = _output_size(W, field_width, padding, stride)
    # Offsets inside one window, one per row: the window column changes fastest,
    # then the window row, then the channel.
    row_in_window = np.tile(np.repeat(np.arange(field_height), field_width), C)
    col_in_window = np.tile(np.arange(field_width), field_height * C)
    # Top-left corner of each window, one per column: output column changes fastest.
    top = stride * np.repeat(np.arange(H_out), W_out)
    left = stride * np.tile(np.arange(W_out), H_out)
    k = np.repeat(np.arange(C), field_height * field_width)[:, None]
    i = row_in_window[:, None] + top[None, :]
    j = col_in_window[:, None] + left[None, :]
    return k, i, j


def im2col_indices(x, field_height, field_width, padding=1, stride=1):
    """Every window of x as one column.

    Inputs:
    - x: data, shape (N, C, H, W)
    - field_height, field_width, padding, stride: as for get_im2col_indices

    Returns:
    - cols: shape (C * field_height * field_width, H' * W' * N), column
      (r * W' + s) * N + n holding the window of example n at output position (r, s)
    """
    p = padding
    x_padded = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    k, i, j = get_im2col_indices(x.shape, field_height, field_width, padding, stride)
    windows = x_padded[:, k, i, j]  # (N, rows, H' * W')
    return windows.transpose(1, 2, 0).reshape(windows.shape[1], -1)


def col2im_indices(cols, x_shape, field_height=3, field_width=3, padding=1, stride=1):
    """Add every column back onto the input pixels it was taken from (adjoint of im2col).

    Inputs:
    - cols: shape (C * field_height * field_width, H' * W' * N), laid out as
      im2col_indices returns it
    - x_shape: (N, C, H, W) of the input the columns describe
    - field_height, field_width, padding, stride: as for get_im2col_indices

    Returns:
    - x: shape (N, C, H, W), of cols' dtype; the padding's share is dropped
    """
    N, C, H, W = x_shape
    p = padding
    k, i, j = get_im2col_indices(x_shape, field_height, field_width, padding, stride)
    rows = C * field_height * field_width
    if cols.shape != (rows, i.shape[1] * N):
        raise ValueError(f"cols has shape {cols.shape}, expected {(rows, i.shape[1] * N)}")
    x_padded = np.zeros((N, C, H + 2 * p, W + 2 * p), dtype=cols.dtype)
    per_example = cols.reshape(rows, -1, N).transpose(2, 0, 1)  # (N, rows, H' * W')
    np.add.at(x_padded, (slice(None), k, i, j), per_example)
    return x_padded[:, :, p:p + H, p:p + W]
