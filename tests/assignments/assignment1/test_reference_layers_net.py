"""Assignment 1 reference: layers, the two-layer net and its training
(COURSE_SPEC A1.1, A1.2, and the [det] cells of two_layer_net.ipynb in A1.3)."""

import numpy as np
import pytest

from .reference_helpers import numeric_grad, ref, rel_error

layers = ref("layers")
layer_utils = ref("layer_utils")
fc_net = ref("classifiers.fc_net")
gradient_check = ref("gradient_check")
optim = ref("optim")
Solver = ref("solver").Solver
TwoLayerNet = fc_net.TwoLayerNet


# ---------------------------------------------------------------- affine, relu

def test_affine_forward_notebook_cell():
    """Cell 4: linspace inputs, 2 x (4, 5, 6) -> 3; the spec prints the corners."""
    num_inputs, input_shape, output_dim = 2, (4, 5, 6), 3
    input_size = num_inputs * np.prod(input_shape)
    weight_size = output_dim * np.prod(input_shape)
    x = np.linspace(-0.1, 0.5, num=input_size).reshape(num_inputs, *input_shape)
    w = np.linspace(-0.2, 0.3, num=weight_size).reshape(np.prod(input_shape), output_dim)
    b = np.linspace(-0.3, 0.1, num=output_dim)
    x_before = x.copy()
    out, cache = layers.affine_forward(x, w, b)
    assert out.shape == (2, 3)
    assert abs(out[0, 0] - 1.49834967) < 5e-9
    assert abs(out[1, 2] - 3.77273342) < 5e-9
    np.testing.assert_allclose(out, x.reshape(2, -1) @ w + b, rtol=1e-12)
    np.testing.assert_array_equal(x, x_before)
    assert cache[0] is x and cache[1] is w and cache[2] is b


def test_affine_backward_notebook_cell():
    """Cell 5: seed 231, x (10, 2, 3), w (6, 5); errors about 1e-10 or less."""
    np.random.seed(231)
    x = np.random.randn(10, 2, 3)
    w = np.random.randn(6, 5)
    b = np.random.randn(5)
    dout = np.random.randn(10, 5)
    num = gradient_check.eval_numerical_gradient_array
    dx_num = num(lambda x: layers.affine_forward(x, w, b)[0], x, dout)
    dw_num = num(lambda w: layers.affine_forward(x, w, b)[0], w, dout)
    db_num = num(lambda b: layers.affine_forward(x, w, b)[0], b, dout)
    _, cache = layers.affine_forward(x, w, b)
    dx, dw, db = layers.affine_backward(dout, cache)
    assert dx.shape == x.shape and dw.shape == w.shape and db.shape == b.shape
    assert rel_error(dx_num, dx) < 1e-9
    assert rel_error(dw_num, dw) < 1e-9
    assert rel_error(db_num, db) < 1e-9


def test_relu_forward_and_backward():
    x = np.linspace(-0.5, 0.5, num=12).reshape(3, 4)
    x_before = x.copy()
    out, cache = layers.relu_forward(x)
    np.testing.assert_array_equal(out, np.maximum(x, 0))
    np.testing.assert_array_equal(x, x_before)

    np.random.seed(231)
    x = np.random.randn(10, 10)
    dout = np.random.randn(*x.shape)
    dout_before = dout.copy()
    dx_num = numeric_grad(lambda x: layers.relu_forward(x)[0], x, dout)
    _, cache = layers.relu_forward(x)
    dx = layers.relu_backward(dout, cache)
    assert rel_error(dx_num, dx) < 1e-10
    np.testing.assert_array_equal(dx, dout * (x > 0))
    np.testing.assert_array_equal(dout, dout_before)


def test_affine_relu_sandwich():
    """Cell 9: seed 231, x (2, 3, 4), w (12, 10)."""
    np.random.seed(231)
    x = np.random.randn(2, 3, 4)
    w = np.random.randn(12, 10)
    b = np.random.randn(10)
    dout = np.random.randn(2, 10)
    out, cache = layer_utils.affine_relu_forward(x, w, b)
    np.testing.assert_allclose(out, np.maximum(x.reshape(2, -1) @ w + b, 0))
    dx, dw, db = layer_utils.affine_relu_backward(dout, cache)
    f = layer_utils.affine_relu_forward
    assert rel_error(numeric_grad(lambda x: f(x, w, b)[0], x, dout), dx) < 1e-8
    assert rel_error(numeric_grad(lambda w: f(x, w, b)[0], w, dout), dw) < 1e-8
    assert rel_error(numeric_grad(lambda b: f(x, w, b)[0], b, dout), db) < 1e-8


# ---------------------------------------------------------------- loss layers

def _loss_cell_inputs():
    np.random.seed(231)
    num_classes, num_inputs = 10, 50
    x = 0.001 * np.random.randn(num_inputs, num_classes)
    y = np.random.randint(num_classes, size=num_inputs)
    return x, y


def test_svm_loss_notebook_cell():
    """Cell 10: loss exactly 8.999602749096233; dx error about 1e-9."""
    x, y = _loss_cell_inputs()
    dx_num = gradient_check.eval_numerical_gradient(
        lambda x: layers.svm_loss(x, y)[0], x, verbose=False)
    loss, dx = layers.svm_loss(x, y)
    assert abs(loss - 8.999602749096233) < 1e-14
    assert rel_error(dx_num, dx) < 1e-8


def test_softmax_loss_notebook_cell():
    """Cell 10: loss exactly 2.302545844500738; dx error about 1e-8."""
    x, y = _loss_cell_inputs()
    dx_num = gradient_check.eval_numerical_gradient(
        lambda x: layers.softmax_loss(x, y)[0], x, verbose=False)
    loss, dx = layers.softmax_loss(x, y)
    assert abs(loss - 2.302545844500738) < 1e-14
    assert rel_error(dx_num, dx) < 1e-7


def test_svm_loss_gradient_formula():
    """dx: 1/N at every positive margin, -count/N at the correct class."""
    x = np.array([[1.0, 0.5, -2.0, 0.2], [0.0, 3.0, 0.0, -1.0]])
    y = np.array([0, 1])
    loss, dx = layers.svm_loss(x, y)
    # row 0: margins (_, 0.5, 0, 0.2) -> 0.7; row 1: (0, _, 0, 0) -> 0
    assert loss == pytest.approx(0.35)
    np.testing.assert_allclose(dx, [[-1.0, 0.5, 0.0, 0.5], [0, 0, 0, 0]])


def test_softmax_loss_is_stable_and_its_gradient_is_p_minus_y_over_n():
    x = np.array([[1000.0, 0.0, -1000.0], [3.0, 1.0, 2.0]])
    y = np.array([1, 0])
    loss, dx = layers.softmax_loss(x, y)
    p = np.exp(x - x.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    assert np.isfinite(loss)
    assert loss == pytest.approx((1000.0 - np.log(p[1, 0])) / 2, rel=1e-12)
    np.testing.assert_allclose(dx, (p - np.eye(3)[y]) / 2, atol=1e-15)


# ---------------------------------------------------------------- TwoLayerNet

N, D, H, C = 3, 5, 50, 7


def _net_cell_model():
    """Cell 11's model: seed 231, then the linspace parameters and inputs."""
    np.random.seed(231)
    np.random.randn(N, D)                  # the cell's X, overwritten below
    np.random.randint(C, size=N)
    model = TwoLayerNet(input_dim=D, hidden_dim=H, num_classes=C, weight_scale=1e-3)
    model.params["W1"] = np.linspace(-0.7, 0.3, num=D * H).reshape(D, H)
    model.params["b1"] = np.linspace(-0.1, 0.9, num=H)
    model.params["W2"] = np.linspace(-0.3, 0.4, num=H * C).reshape(H, C)
    model.params["b2"] = np.linspace(-0.9, 0.1, num=C)
    X = np.linspace(-5.5, 4.5, num=N * D).reshape(D, N).T
    y = np.asarray([0, 5, 1])
    return model, X, y


def test_two_layer_net_initialization():
    std = 1e-3
    np.random.seed(231)
    model = TwoLayerNet(input_dim=D, hidden_dim=H, num_classes=C, weight_scale=std)
    assert sorted(model.params) == ["W1", "W2", "b1", "b2"]
    assert model.params["W1"].shape == (D, H) and model.params["b1"].shape == (H,)
    assert model.params["W2"].shape == (H, C) and model.params["b2"].shape == (C,)
    assert abs(model.params["W1"].std() - std) < std / 10
    assert abs(model.params["W2"].std() - std) < std / 10
    assert np.all(model.params["b1"] == 0) and np.all(model.params["b2"] == 0)
    assert model.reg == 0.0
    assert TwoLayerNet(input_dim=D, hidden_dim=H, num_classes=C, reg=0.3).reg == 0.3
    # defaults: 3*32*32 inputs, 100 hidden units, 10 classes
    default = TwoLayerNet()
    assert default.params["W1"].shape == (3072, 100) and default.params["W2"].shape == (100, 10)


def test_two_layer_net_scores_notebook_cell():
    model, X, _ = _net_cell_model()
    scores = model.loss(X)
    assert scores.shape == (N, C)
    # the corners of the notebook's matrix, as the spec prints them
    assert abs(scores[0, 0] - 11.53165108) < 5e-9
    assert abs(scores[0, -1] - 16.09215096) < 5e-9
    # the whole matrix against an independent forward pass
    p = model.params
    expected = np.maximum(X @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]
    assert np.abs(scores - expected).sum() < 1e-9


def test_two_layer_net_losses_notebook_cell():
    model, X, y = _net_cell_model()
    loss, grads = model.loss(X, y)
    assert abs(loss - 3.4702243556) < 1e-10
    assert sorted(grads) == ["W1", "W2", "b1", "b2"]
    model.reg = 1.0
    loss, _ = model.loss(X, y)
    assert abs(loss - 26.5948426952) < 1e-10  # only with the 1/2 factor


@pytest.mark.parametrize("reg, bound", [(0.0, 1e-7), (0.7, 1e-6)])
def test_two_layer_net_gradient_check_notebook_cell(reg, bound, capsys):
    """The cell prints about 1.5e-08, 3.4e-10, 8.0e-09, 4.3e-10 (reg 0) and
    2.5e-07, 2.9e-08, 1.4e-08, 2.0e-09 (reg 0.7) for W1, W2, b1, b2; the exact
    digits depend on rounding, so only the bound the notebook states is held."""
    model, X, y = _net_cell_model()
    model.reg = reg
    _, grads = model.loss(X, y)
    errors = {}
    for name in sorted(grads):
        f = lambda _: model.loss(X, y)[0]
        grad_num = gradient_check.eval_numerical_gradient(f, model.params[name], verbose=False)
        errors[name] = rel_error(grad_num, grads[name])
        assert grads[name].shape == model.params[name].shape
    assert capsys.readouterr().out == ""  # verbose=False prints nothing
    assert max(errors.values()) < bound, errors


def test_two_layer_net_regularizes_weights_not_biases():
    model, X, y = _net_cell_model()
    _, g0 = model.loss(X, y)
    model.reg = 0.25
    _, g1 = model.loss(X, y)
    np.testing.assert_allclose(g1["W1"] - g0["W1"], 0.25 * model.params["W1"], atol=1e-12)
    np.testing.assert_allclose(g1["W2"] - g0["W2"], 0.25 * model.params["W2"], atol=1e-12)
    np.testing.assert_array_equal(g1["b1"], g0["b1"])
    np.testing.assert_array_equal(g1["b2"], g0["b2"])


def test_two_layer_net_has_no_relu_on_the_scores():
    model, X, _ = _net_cell_model()
    model.params["b2"] = np.full(C, -100.0)
    assert (model.loss(X) < 0).all()


def test_two_layer_net_gradients_on_image_shaped_input():
    np.random.seed(0)
    model = TwoLayerNet(input_dim=2 * 3 * 2, hidden_dim=6, num_classes=4,
                        weight_scale=0.5, reg=0.1)
    X = np.random.randn(5, 2, 3, 2)
    y = np.random.randint(4, size=5)
    _, grads = model.loss(X, y)
    for name, param in model.params.items():
        num = numeric_grad(lambda _: model.loss(X, y)[0], param)
        assert rel_error(num, grads[name]) < 1e-6, name


def test_solver_trains_the_two_layer_net_on_a_toy_problem():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 8)) * 3
    y = rng.integers(0, 3, size=400)
    X = centres[y] + rng.normal(size=(400, 8))
    data = {"X_train": X[:300], "y_train": y[:300], "X_val": X[300:], "y_val": y[300:]}
    np.random.seed(0)
    model = TwoLayerNet(input_dim=8, hidden_dim=20, num_classes=3, weight_scale=1e-1)
    solver = Solver(model, data, update_rule="sgd", optim_config={"learning_rate": 1e-1},
                    num_epochs=5, batch_size=30, verbose=False)
    solver.train()
    assert len(solver.loss_history) == 50
    assert solver.loss_history[-1] < 0.5 * solver.loss_history[0]
    assert solver.best_val_acc > 0.9
    with pytest.raises(ValueError, match="Unrecognized arguments"):
        Solver(model, data, learning_rate=1e-3)


def test_sgd_steps_against_the_gradient_without_changing_w():
    w = np.array([1.0, -2.0])
    dw = np.array([0.5, 0.5])
    next_w, config = optim.sgd(w, dw)
    np.testing.assert_allclose(next_w, [0.995, -2.005])
    assert config["learning_rate"] == 1e-2
    np.testing.assert_array_equal(w, [1.0, -2.0])
    next_w, _ = optim.sgd(w, dw, {"learning_rate": 2.0})
    np.testing.assert_allclose(next_w, [0.0, -3.0])
