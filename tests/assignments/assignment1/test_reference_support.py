"""Assignment 1 reference: given support code, gradient_check and vis_utils
(COURSE_SPEC section 0)."""

import random
import re

import numpy as np
import pytest

from .reference_helpers import ref

gradient_check = ref("gradient_check")
vis_utils = ref("vis_utils")


def test_eval_numerical_gradient_of_a_scalar_function(capsys):
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = gradient_check.eval_numerical_gradient(lambda v: np.sum(v**3), x, verbose=False)
    np.testing.assert_allclose(grad, 3 * x**2, rtol=1e-8)
    np.testing.assert_array_equal(x, [[1.0, -2.0], [0.5, 3.0]])  # restored
    assert capsys.readouterr().out == ""
    gradient_check.eval_numerical_gradient(lambda v: np.sum(v**3), x)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and lines[0].startswith("(0, 0) 3.0")


def test_eval_numerical_gradient_array_contracts_with_df():
    x = np.array([1.0, 2.0, 3.0])
    df = np.array([1.0, -1.0, 2.0])
    grad = gradient_check.eval_numerical_gradient_array(lambda v: v**2, x, df)
    np.testing.assert_allclose(grad, 2 * x * df, rtol=1e-8)


class Blob:
    def __init__(self, vals):
        self.vals = np.asarray(vals, dtype=np.float64)
        self.diffs = np.zeros_like(self.vals)


def test_eval_numerical_gradient_blobs_and_net():
    x, w = Blob([[1.0, 2.0], [3.0, 4.0]]), Blob([0.5, -1.0])
    out = Blob(np.zeros(2))
    out.diffs = np.array([1.0, 3.0])

    def forward(x, w, out):
        out.vals = x.vals @ w.vals

    dx, dw = gradient_check.eval_numerical_gradient_blobs(forward, (x, w), out)
    np.testing.assert_allclose(dx, np.outer(out.diffs, w.vals), rtol=1e-8)
    np.testing.assert_allclose(dw, x.vals.T @ out.diffs, rtol=1e-8)
    np.testing.assert_array_equal(x.vals, [[1.0, 2.0], [3.0, 4.0]])

    class Net:
        def forward(self):
            forward(x, w, out)

    dx2, dw2 = gradient_check.eval_numerical_gradient_net(Net(), (x, w), out)
    np.testing.assert_allclose(dx2, dx)
    np.testing.assert_allclose(dw2, dw)


def test_grad_check_sparse_prints_num_checks_rows(capsys):
    x = np.random.default_rng(0).normal(size=(4, 3))
    random.seed(0)
    gradient_check.grad_check_sparse(lambda v: np.sum(v**2), x, 2 * x, num_checks=5)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    pattern = re.compile(r"numerical: -?\d+\.\d{6} analytic: -?\d+\.\d{6}, relative error: "
                         r"\d\.\d{6}e[-+]\d\d")
    for line in lines:
        assert pattern.fullmatch(line), line
        assert float(line.rsplit(" ", 1)[1]) < 1e-7


def test_visualize_grid_tiles_and_rescales():
    Xs = np.arange(5 * 2 * 3 * 1, dtype=np.float64).reshape(5, 2, 3, 1)
    grid = vis_utils.visualize_grid(Xs, ubound=255.0, padding=1)
    # ceil(sqrt(5)) = 3 tiles a side
    assert grid.shape == (3 * 2 + 2, 3 * 3 + 2, 1)
    first = grid[0:2, 0:3, 0]
    assert first.min() == 0 and first.max() == 255
    np.testing.assert_allclose(grid[0:2, 4:7, 0], first)  # each tile on its own scale
    assert (grid[2, :, 0] == 0).all() and (grid[:, 3, 0] == 0).all()  # padding
    assert (grid[3:5, 8:11] == 0).all()                   # unused sixth tile


def test_visualize_grid_of_first_layer_weights_as_the_notebook_does():
    W1 = np.random.default_rng(0).normal(size=(3072, 50))
    grid = vis_utils.visualize_grid(W1.reshape(32, 32, 3, -1).transpose(3, 0, 1, 2), padding=3)
    assert grid.shape == (8 * 32 + 7 * 3, 8 * 32 + 7 * 3, 3)
    assert grid.min() >= 0 and grid.max() == pytest.approx(255)


def test_vis_grid_and_vis_nn_share_one_scale():
    Xs = np.stack([np.full((2, 2, 3), v) for v in (1.0, 3.0, 5.0)])
    grid = vis_utils.vis_grid(Xs)
    assert grid.shape == (2 * 3 + 1, 2 * 3 + 1, 3)
    assert grid.min() == 0 and grid.max() == 1
    np.testing.assert_allclose(grid[1:3, 4:6], 0.5)
    rows = [[Xs[0], Xs[1]], [Xs[2], Xs[0]]]
    nn = vis_utils.vis_nn(rows)
    assert nn.shape == (2 * 3 + 1, 2 * 3 + 1, 3)
    np.testing.assert_allclose(nn[4:6, 1:3], 1.0)
