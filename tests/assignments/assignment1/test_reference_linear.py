"""Assignment 1 reference: SVM and softmax losses and the linear classifiers
(COURSE_SPEC A1.1, A1.2)."""

import numpy as np
import pytest

from .reference_helpers import numeric_grad, ref

linear_svm = ref("classifiers.linear_svm")
softmax = ref("classifiers.softmax")
linear_classifier = ref("classifiers.linear_classifier")
classifiers = ref("classifiers")


def _problem(N=20, D=15, C=6, seed=0, scale=1e-1):
    rng = np.random.default_rng(seed)
    W = scale * rng.normal(size=(D, C))
    X = rng.normal(size=(N, D))
    y = rng.integers(0, C, size=N)
    return W, X, y


def _svm_by_definition(W, X, y, reg):
    """Hinge loss with delta 1, mean over N, plus reg * sum(W**2)."""
    total = 0.0
    for i in range(X.shape[0]):
        s = X[i] @ W
        total += sum(max(0.0, s[j] - s[y[i]] + 1) for j in range(W.shape[1]) if j != y[i])
    return total / X.shape[0] + reg * np.sum(W**2)


def _softmax_by_definition(W, X, y, reg):
    s = X @ W
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return -logp[np.arange(len(y)), y].mean() + reg * np.sum(W**2)


# ---------------------------------------------------------------- SVM

@pytest.mark.parametrize("reg", [0.0, 0.1, 5e1])
def test_svm_naive_loss_and_gradient(reg):
    W, X, y = _problem()
    loss, dW = linear_svm.svm_loss_naive(W, X, y, reg)
    assert loss == pytest.approx(_svm_by_definition(W, X, y, reg), rel=1e-12)
    assert dW.shape == W.shape
    num = numeric_grad(lambda w: linear_svm.svm_loss_naive(w, X, y, reg)[0], W.copy())
    np.testing.assert_allclose(dW, num, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("reg", [0.0, 5e-6, 0.1, 5e1])
def test_svm_vectorized_equals_naive(reg):
    W, X, y = _problem(N=40, D=30, C=10, seed=1, scale=1e-3)
    loss_n, dW_n = linear_svm.svm_loss_naive(W, X, y, reg)
    loss_v, dW_v = linear_svm.svm_loss_vectorized(W, X, y, reg)
    assert loss_v == pytest.approx(loss_n, rel=1e-12)
    assert np.linalg.norm(dW_n - dW_v, ord="fro") < 1e-12


def test_svm_regularization_is_reg_sum_w2_with_gradient_2_reg_w():
    W, X, y = _problem()
    loss0, dW0 = linear_svm.svm_loss_vectorized(W, X, y, 0.0)
    loss1, dW1 = linear_svm.svm_loss_vectorized(W, X, y, 0.7)
    assert loss1 - loss0 == pytest.approx(0.7 * np.sum(W * W), rel=1e-12)
    np.testing.assert_allclose(dW1 - dW0, 2 * 0.7 * W, rtol=1e-12, atol=1e-15)


def test_svm_at_zero_weights_loses_c_minus_one_per_example():
    # all margins are exactly 1 (positive): loss C - 1, each example pulls its
    # wrong columns up and its own column down C - 1 times
    _, X, y = _problem(C=10)
    W = np.zeros((X.shape[1], 10))
    loss, dW = linear_svm.svm_loss_vectorized(W, X, y, 0.0)
    assert loss == pytest.approx(9.0)
    onehot = np.eye(10)[y]
    np.testing.assert_allclose(dW, X.T @ (1 - 10 * onehot) / len(y), atol=1e-12)


def test_svm_zero_margin_is_inactive():
    # scores (0, -1): the margin of class 1 is exactly 0, so nothing is added
    W = np.array([[0.0, -1.0]])
    X = np.array([[1.0]])
    y = np.array([0])
    for fn in (linear_svm.svm_loss_naive, linear_svm.svm_loss_vectorized):
        loss, dW = fn(W, X, y, 0.0)
        assert loss == 0.0
        np.testing.assert_array_equal(dW, 0.0)


# ---------------------------------------------------------------- softmax

@pytest.mark.parametrize("reg", [0.0, 0.1, 5e1])
def test_softmax_naive_loss_and_gradient(reg):
    W, X, y = _problem()
    loss, dW = softmax.softmax_loss_naive(W, X, y, reg)
    assert loss == pytest.approx(_softmax_by_definition(W, X, y, reg), rel=1e-12)
    assert dW.shape == W.shape
    num = numeric_grad(lambda w: softmax.softmax_loss_naive(w, X, y, reg)[0], W.copy())
    np.testing.assert_allclose(dW, num, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("reg", [0.0, 5e-6, 0.1, 5e1])
def test_softmax_vectorized_equals_naive(reg):
    W, X, y = _problem(N=40, D=30, C=10, seed=2, scale=1e-3)
    loss_n, dW_n = softmax.softmax_loss_naive(W, X, y, reg)
    loss_v, dW_v = softmax.softmax_loss_vectorized(W, X, y, reg)
    assert loss_v == pytest.approx(loss_n, rel=1e-12)
    assert np.linalg.norm(dW_n - dW_v, ord="fro") < 1e-12


def test_softmax_regularization_is_reg_sum_w2_with_gradient_2_reg_w():
    # the spec allows either convention; the reference uses reg * sum(W**2)
    W, X, y = _problem()
    for fn in (softmax.softmax_loss_naive, softmax.softmax_loss_vectorized):
        loss0, dW0 = fn(W, X, y, 0.0)
        loss1, dW1 = fn(W, X, y, 0.7)
        assert loss1 - loss0 == pytest.approx(0.7 * np.sum(W * W), rel=1e-12)
        np.testing.assert_allclose(dW1 - dW0, 2 * 0.7 * W, rtol=1e-10, atol=1e-15)


def test_softmax_near_zero_weights_gives_log_10():
    W, X, y = _problem(N=200, D=50, C=10, scale=1e-6)
    loss, _ = softmax.softmax_loss_vectorized(W, X, y, 0.0)
    assert loss == pytest.approx(np.log(10), abs=1e-4)  # 2.302585


def test_softmax_is_stable_for_large_scores():
    W, X, y = _problem(scale=1e3)
    for fn in (softmax.softmax_loss_naive, softmax.softmax_loss_vectorized):
        loss, dW = fn(W, X, y, 0.0)
        assert np.isfinite(loss) and np.isfinite(dW).all()
    assert softmax.softmax_loss_naive(W, X, y, 0.0)[0] == pytest.approx(
        softmax.softmax_loss_vectorized(W, X, y, 0.0)[0], rel=1e-10)


# ---------------------------------------------------------------- classifiers

def test_classifiers_are_exported_with_the_right_losses():
    assert classifiers.LinearSVM is linear_classifier.LinearSVM
    assert classifiers.Softmax is linear_classifier.Softmax
    W, X, y = _problem()
    for cls, fn in [(classifiers.LinearSVM, linear_svm.svm_loss_vectorized),
                    (classifiers.Softmax, softmax.softmax_loss_vectorized)]:
        model = cls()
        assert model.W is None
        model.W = W
        loss, grad = model.loss(X, y, 0.3)
        expected_loss, expected_grad = fn(W, X, y, 0.3)
        assert loss == expected_loss
        np.testing.assert_array_equal(grad, expected_grad)


def test_train_initializes_w_and_records_one_loss_per_iteration(capsys):
    _, X, y = _problem(N=50, D=8, C=4)
    np.random.seed(0)
    model = classifiers.LinearSVM()
    history = model.train(X, y, learning_rate=1e-3, reg=1e-5, num_iters=250,
                          batch_size=10, verbose=True)
    assert model.W.shape == (8, 4)
    assert len(history) == 250 and all(np.isscalar(v) for v in history)
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["iteration %d / 250: loss %f" % (it, history[it]) for it in (0, 100, 200)]


def test_train_draws_minibatches_and_steps_against_the_gradient():
    """One iteration with batch_size = N: X_batch is a resampling of X; W moves by
    -learning_rate * gradient of that batch."""
    calls = []

    class Recording(classifiers.LinearSVM):
        def loss(self, X_batch, y_batch, reg):
            calls.append((X_batch.copy(), y_batch.copy(), reg))
            return 1.5, np.full(self.W.shape, 2.0)

    _, X, y = _problem(N=30, D=5, C=3)
    model = Recording()
    model.W = np.zeros((5, 3))
    model.train(X, y, learning_rate=0.25, reg=0.125, num_iters=3, batch_size=7)
    assert len(calls) == 3
    for X_batch, y_batch, reg in calls:
        assert X_batch.shape == (7, 5) and y_batch.shape == (7,) and reg == 0.125
        # every drawn row is a training row with its own label
        for row, label in zip(X_batch, y_batch):
            match = np.flatnonzero((X == row).all(axis=1))
            assert match.size == 1 and y[match[0]] == label
    # distinct batches across iterations
    assert not np.array_equal(calls[0][0], calls[1][0])
    np.testing.assert_allclose(model.W, -3 * 0.25 * 2.0)


def test_predict_is_the_argmax_of_scores():
    model = classifiers.Softmax()
    model.W = np.array([[1.0, 0.0, -1.0], [0.0, 2.0, 0.5]])
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.1], [2.0, 3.0]])
    pred = model.predict(X)
    assert pred.shape == (4,) and np.issubdtype(pred.dtype, np.integer)
    np.testing.assert_array_equal(pred, [0, 1, 2, 1])


@pytest.mark.parametrize("cls", ["LinearSVM", "Softmax"])
def test_training_learns_a_separable_toy_problem(cls):
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(3, 6)) * 4
    y = rng.integers(0, 3, size=300)
    X = np.hstack([centres[y] + rng.normal(size=(300, 6)), np.ones((300, 1))])
    np.random.seed(1)
    model = getattr(classifiers, cls)()
    history = model.train(X, y, learning_rate=1e-2, reg=1e-4, num_iters=300, batch_size=50)
    assert np.mean(history[-20:]) < 0.5 * history[0]
    assert np.mean(model.predict(X) == y) > 0.95
