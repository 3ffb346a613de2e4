"""Inputs and bug models of the linear losses (SVM and softmax), for the hidden checks.

Each bug model returns what a known wrong implementation gives on the check's inputs;
the checks name the first that matches.
"""

from __future__ import annotations

import numpy as np


def svm_inputs(rng, N=9, D=7, C=5):
    """W (D, C), X (N, D), y (N,) with scores of order 1 and no margin within 1e-3 of
    the hinge's kink (a numeric gradient straddling it would be meaningless)."""
    while True:
        X = rng.standard_normal((N, D))
        W = 0.4 * rng.standard_normal((D, C))
        y = rng.integers(0, C, N)
        scores = X @ W
        margins = scores - scores[np.arange(N), y][:, None] + 1
        margins[np.arange(N), y] = 5.0
        active = (margins > 0).sum()
        if np.min(np.abs(margins)) > 1e-3 and 0.3 * N * (C - 1) < active < 0.9 * N * (C - 1):
            return W, X, y


def svm_coefficients(W, X, y, count_true=False):
    """(N, C): how often X[i] is added to column j of the summed gradient."""
    N = len(y)
    scores = X @ W
    margins = scores - scores[np.arange(N), y][:, None] + 1
    if not count_true:
        margins[np.arange(N), y] = 0
    mask = (margins > 0).astype(float)
    total = mask.sum(axis=1)
    mask[np.arange(N), y] = -total
    return mask


def svm_grad_bugs(W, X, y, reference_grad):
    """Bug models of the SVM data gradient (reg = 0)."""
    N = len(y)
    scores = X @ W
    margins = scores - scores[np.arange(N), y][:, None] + 1
    margins[np.arange(N), y] = 0
    positive = (margins > 0).astype(float)
    return [
        ("the gradient misses the -(count of positive margins) * x_i term of the correct "
         "class", X.T @ positive / N),
        ("the gradient is not divided by N (a sum over the batch, not the mean)",
         reference_grad * N),
        ("the gradient is divided by N twice", reference_grad / N),
        ("the positive-margin mask counts the correct class (its margin is 1, never "
         "zeroed)", X.T @ svm_coefficients(W, X, y, count_true=True) / N),
    ]


def reg_loss_bugs(W, reg):
    """Bug models of the regularisation term of a loss with reg * sum(W^2)."""
    full = reg * np.sum(W * W)
    return [("the regularisation has a factor 1/2 (the SVM loss adds reg * sum(W * W))",
             0.5 * full), ("the regularisation is missing from the loss", 0.0)]


def reg_grad_bugs(W, reg):
    """Bug models of the regularisation gradient of reg * sum(W^2)."""
    return [("the regularisation gradient is reg * W; the loss adds reg * sum(W * W), "
             "whose gradient is 2 * reg * W", reg * W),
            ("the regularisation gradient is missing", np.zeros_like(W))]


def softmax_inputs(rng, N=8, D=6, C=5, scale=1.0):
    """W (D, C), X (N, D), y (N,) with scores of order ``scale``."""
    X = rng.standard_normal((N, D))
    W = scale * 0.5 * rng.standard_normal((D, C))
    return W, X, rng.integers(0, C, N)


def softmax_large(rng, N=6, D=5, C=4):
    """Inputs whose scores are near 1000 and whose rows lie hundreds apart (an unshifted
    exponential overflows; a shift by the global maximum underflows the low rows)."""
    X = rng.standard_normal((N, D - 1))
    offsets = rng.uniform(300, 1000, N) * rng.choice([-1, 1], N)
    X = np.hstack([X, offsets[:, None]])                 # the last column carries offsets
    W = rng.standard_normal((D, C))
    W[-1] = 1.0 + 0.01 * rng.standard_normal(C)            # every class gets the offset
    return W, X, rng.integers(0, C, N)


def softmax_grad_bugs(W, X, y, reference_grad):
    """Bug models of the softmax data gradient (reg = 0)."""
    N = len(y)
    scores = X @ W
    scores = scores - scores.max(axis=1, keepdims=True)
    P = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    return [("the -1 of the correct class is missing from the gradient (X^T P, not "
             "X^T (P - Y))", X.T @ P / N),
            ("the gradient is not divided by N", reference_grad * N),
            ("the gradient is divided by N twice", reference_grad / N)]
