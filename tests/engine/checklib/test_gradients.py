"""Numeric gradients, entry by entry and along a direction."""

from __future__ import annotations

import numpy as np

from gradekit.checklib import directional_errors, numeric_gradient


def test_numeric_gradient_of_a_cube():
    x = np.array([[0.5, -1.0], [2.0, 0.1]])
    df = np.array([[1.0, 2.0], [-1.0, 0.5]])
    grad = numeric_gradient(lambda v: v ** 3, x, df)
    assert np.allclose(grad, 3 * x ** 2 * df, rtol=1e-6)
    assert x[0, 0] == 0.5  # the input is left alone


def test_directional_errors_small_for_the_right_gradient_large_for_a_wrong_one():
    rng = np.random.default_rng(0)
    params = {"W": rng.standard_normal((3, 2)), "b": np.zeros(2)}

    def loss_at(p):
        return float(np.sum(p["W"] ** 2) + np.sum(p["b"]))

    right = {"W": 2 * params["W"], "b": np.ones(2)}
    wrong = {"W": params["W"], "b": np.ones(2)}
    directions = {name: rng.standard_normal(value.shape) for name, value in params.items()}
    assert all(error < 1e-7 for *_, error in
               directional_errors(loss_at, params, right, directions).values())
    assert directional_errors(loss_at, params, wrong, directions)["W"][2] > 0.1
