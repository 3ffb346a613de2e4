"""Reference ThreeLayerConvNet: parameters, loss at initialization, gradients, regularization,
and the student copy that release strips from it."""

import ast
import inspect
import math

import numpy as np
import pytest

from tests.support.paths import A2

from .reference_helpers import numeric_grad, ref, rel_error

ThreeLayerConvNet = ref("classifiers.cnn").ThreeLayerConvNet
CNN = A2.solutions / "cs231n" / "classifiers" / "cnn.py"


def _tiny_model(reg=0.0, seed=231):
    """2 images of (3, 8, 8) in float64, 3 filters of 3x3, hidden 7, 4 classes."""
    np.random.seed(seed)
    model = ThreeLayerConvNet(input_dim=(3, 8, 8), num_filters=3, filter_size=3, hidden_dim=7,
                              num_classes=4, weight_scale=1e-1, reg=reg, dtype=np.float64)
    X = np.random.randn(2, 3, 8, 8)
    y = np.array([1, 3])
    return model, X, y


def test_signature_is_the_kits():
    params = inspect.signature(ThreeLayerConvNet.__init__).parameters
    assert {name: p.default for name, p in params.items() if name != "self"} == {
        "input_dim": (3, 32, 32), "num_filters": 32, "filter_size": 7, "hidden_dim": 100,
        "num_classes": 10, "weight_scale": 1e-3, "reg": 0.0, "dtype": np.float32}
    assert list(inspect.signature(ThreeLayerConvNet.loss).parameters) == ["self", "X", "y"]


def test_parameter_names_shapes_scales_and_dtype():
    np.random.seed(0)
    model = ThreeLayerConvNet(input_dim=(2, 12, 10), num_filters=6, filter_size=5,
                              hidden_dim=40, num_classes=5, weight_scale=0.2)
    assert {k: v.shape for k, v in model.params.items()} == {
        "W1": (6, 2, 5, 5), "b1": (6,), "W2": (6 * 6 * 5, 40), "b2": (40,),
        "W3": (40, 5), "b3": (5,)}
    assert all(v.dtype == np.float32 for v in model.params.values())
    for name in ("b1", "b2", "b3"):
        assert not model.params[name].any()
    assert abs(model.params["W2"].std() - 0.2) < 0.02
    assert model.reg == 0.0 and model.dtype == np.float32


def test_default_model_initial_loss_is_about_log10_and_reg_adds_half_the_squares():
    np.random.seed(231)
    X = np.random.randn(50, 3, 32, 32)
    y = np.random.randint(10, size=50)
    model = ThreeLayerConvNet()
    loss, _ = model.loss(X, y)
    assert abs(loss - math.log(10)) < 0.01
    model.reg = 0.5
    loss_reg, _ = model.loss(X, y)
    penalty = 0.25 * sum(float(np.sum(model.params[k].astype(np.float64) ** 2))
                         for k in ("W1", "W2", "W3"))
    assert loss_reg - loss == pytest.approx(penalty, rel=1e-3)
    assert 2.45 < loss_reg < 2.56  # the notebook's ~2.508


def test_test_mode_returns_scores_of_the_dtype():
    model, X, _ = _tiny_model()
    scores = model.loss(X)
    assert scores.shape == (2, 4) and scores.dtype == np.float64
    np.random.seed(3)
    model32 = ThreeLayerConvNet(input_dim=(3, 8, 8), num_filters=3, filter_size=3,
                                hidden_dim=7, num_classes=4)
    assert model32.loss(X).dtype == np.float32


@pytest.mark.parametrize("reg", [0.0, 0.7])
def test_gradients_match_numeric_ones(reg):
    model, X, y = _tiny_model(reg=reg)
    loss, grads = model.loss(X, y)
    assert set(grads) == set(model.params)
    for name, value in model.params.items():
        num = numeric_grad(lambda _: model.loss(X, y)[0], value, h=1e-6)
        assert grads[name].shape == value.shape
        # Kinks of ReLU and max pooling make a few coordinates noisy; the bulk agrees.
        assert np.abs(num - grads[name]).max() < 1e-6, (name, rel_error(num, grads[name]))


def test_regularization_covers_the_three_weights_and_no_bias():
    model, X, y = _tiny_model(reg=0.0)
    loss0, grads0 = model.loss(X, y)
    model.reg = 2.0
    loss2, grads2 = model.loss(X, y)
    squares = sum(np.sum(model.params[k] ** 2) for k in ("W1", "W2", "W3"))
    assert loss2 - loss0 == pytest.approx(squares, rel=1e-10)
    for k in ("W1", "W2", "W3"):
        np.testing.assert_allclose(grads2[k] - grads0[k], 2.0 * model.params[k], atol=1e-12)
    for k in ("b1", "b2", "b3"):
        np.testing.assert_array_equal(grads2[k], grads0[k])


def test_skeleton_strips_to_a_class_with_empty_regions():
    from gradekit.release.markers import strip_python

    source = CNN.read_text(encoding="utf-8")
    student = strip_python(source, CNN)
    assert source.count("START OF YOUR CODE") == student.count("START OF YOUR CODE") == 3
    for given in ('conv_param = {"stride": 1, "pad": (filter_size - 1) // 2}',
                  'pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}',
                  "value.astype(dtype)", "if y is None:\n            return scores",
                  "X = X.astype(self.dtype)"):
        assert given in student
    for solved in ("np.random.randn", "softmax_loss(", "conv_relu_pool_forward("):
        assert solved not in student
    (cls,) = [n for n in ast.parse(student).body if isinstance(n, ast.ClassDef)]
    assert [f.name for f in cls.body if isinstance(f, ast.FunctionDef)] == ["__init__", "loss"]
