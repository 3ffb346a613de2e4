"""The notebook's fixed inputs (np.random.seed(231)), rebuilt exactly as its cells draw them."""

from __future__ import annotations

import numpy as np


def activations(rs: np.random.RandomState, n: int, W1, W2):
    """relu(X W1) W2 for a fresh batch X of n rows, as in the notebook's forward cells."""
    X = rs.randn(n, W1.shape[0])
    return np.maximum(0, X.dot(W1)).dot(W2)


def forward_batch(rows: int = 200):
    """Under "Batch normalization: forward pass" (and layer norm's forward with rows=4):
    one batch of activations with 3 features."""
    rs = np.random.RandomState(231)
    X = rs.randn(rows, 50)
    W1, W2 = rs.randn(50, 60), rs.randn(60, 3)
    return np.maximum(0, X.dot(W1)).dot(W2)


def test_mode_batches():
    """The test-mode cell: 50 train batches then one test batch, all from the same two weights."""
    rs = np.random.RandomState(231)
    W1, W2 = rs.randn(50, 60), rs.randn(60, 3)
    train = [activations(rs, 200, W1, W2) for _ in range(50)]
    return train, activations(rs, 200, W1, W2)


def gradient_check_inputs(N: int = 4, D: int = 5):
    """The gradient checks of batch and layer norm, and the faster backward pass:
    x = 5 randn + 12, gamma, beta, dout."""
    rs = np.random.RandomState(231)
    x = 5 * rs.randn(N, D) + 12
    gamma, beta = rs.randn(D), rs.randn(D)
    return x, gamma, beta, rs.randn(N, D)


# The test-mode cell as printed by a correct solution.
TEST_MODE_MEANS = np.array([-0.03927354, -0.04349152, -0.10452688])
TEST_MODE_STDS = np.array([1.01531428, 1.01238373, 0.97819988])
