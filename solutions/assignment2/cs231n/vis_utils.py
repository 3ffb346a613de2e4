"""Arranging many small images (e.g. first-layer weights) into one picture."""

from math import ceil, sqrt

import numpy as np


def visualize_grid(Xs, ubound=255.0, padding=1):
    """Tile images into a square grid, each rescaled to [0, ubound].

    Inputs:
    - Xs: images, shape (N, H, W, C)
    - ubound: each image is rescaled so that its minimum becomes 0 and its
      maximum ubound (a constant image becomes 0)
    - padding: pixels of zeros between neighbouring tiles

    Returns:
    - grid: shape (G * H + (G - 1) * padding, G * W + (G - 1) * padding, C) with
      G = ceil(sqrt(N)); tiles fill it row by row, unused tiles stay zero
    """
    N, H, W, C = Xs.shape
    G = int(ceil(sqrt(N)))
    grid = np.zeros((G * H + (G - 1) * padding, G * W + (G - 1) * padding, C))
    for n in range(N):
        r, c = divmod(n, G)
        img = Xs[n]
        low, high = np.min(img), np.max(img)
        y0, x0 = r * (H + padding), c * (W + padding)
        if high > low:  # a constant image stays zero
            grid[y0:y0 + H, x0:x0 + W] = ubound * (img - low) / (high - low)
    return grid


def vis_grid(Xs):
    """Tile images into a square grid on a common scale.

    Inputs:
    - Xs: images, shape (N, H, W, C)

    Returns:
    - grid: shape (G * (H + 1) + 1, G * (W + 1) + 1, C) with G = ceil(sqrt(N)),
      values in [0, 1]; one-pixel borders and unused tiles take the smallest
      image value before the rescaling
    """
    N, H, W, C = Xs.shape
    G = int(ceil(sqrt(N)))
    grid = np.full((G * (H + 1) + 1, G * (W + 1) + 1, C), np.min(Xs), dtype=np.float64)
    for n in range(N):
        r, c = divmod(n, G)
        y0, x0 = 1 + r * (H + 1), 1 + c * (W + 1)
        grid[y0:y0 + H, x0:x0 + W] = Xs[n]
    low, high = grid.min(), grid.max()
    return (grid - low) / (high - low) if high > low else grid - low


def vis_nn(rows):
    """Tile rows of images (e.g. a query and its nearest neighbours) into a grid.

    Inputs:
    - rows: list of equally long lists of images, each of shape (H, W, C)

    Returns:
    - grid: shape (R * (H + 1) + 1, K * (W + 1) + 1, C) for R rows of K images,
      values in [0, 1]; borders take the smallest value before the rescaling
    """
    R, K = len(rows), len(rows[0])
    H, W, C = rows[0][0].shape
    low = min(np.min(img) for row in rows for img in row)
    grid = np.full((R * (H + 1) + 1, K * (W + 1) + 1, C), low, dtype=np.float64)
    for r, row in enumerate(rows):
        for c, img in enumerate(row):
            y0, x0 = 1 + r * (H + 1), 1 + c * (W + 1)
            grid[y0:y0 + H, x0:x0 + W] = img
    low, high = grid.min(), grid.max()
    return (grid - low) / (high - low) if high > low else grid - low
