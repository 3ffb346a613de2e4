"""Reference update rules and Solver."""

import pickle

import numpy as np
import pytest

from .reference_helpers import ref

optim = ref("optim")
Solver = ref("solver").Solver
FullyConnectedNet = ref("classifiers.fc_net").FullyConnectedNet


def _w_dw(seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((4, 5)), rng.standard_normal((4, 5))


def test_sgd():
    w, dw = _w_dw()
    next_w, config = optim.sgd(w, dw)
    np.testing.assert_allclose(next_w, w - 1e-2 * dw, rtol=1e-14)
    assert config["learning_rate"] == 1e-2


def test_sgd_momentum_follows_its_recurrence():
    w, _ = _w_dw()
    config, v = {"learning_rate": 0.1}, np.zeros_like(w)
    for step in range(3):
        dw = np.random.default_rng(10 + step).standard_normal(w.shape)
        next_w, config = optim.sgd_momentum(w, dw, config)
        v = 0.9 * v - 0.1 * dw
        np.testing.assert_allclose(next_w, w + v, rtol=1e-13)
        np.testing.assert_allclose(config["velocity"], v, rtol=1e-13)
        w = next_w
    assert config["momentum"] == 0.9


def test_rmsprop_follows_its_recurrence():
    w, _ = _w_dw(1)
    config, cache = None, np.zeros_like(w)
    for step in range(3):
        dw = np.random.default_rng(20 + step).standard_normal(w.shape)
        next_w, config = optim.rmsprop(w, dw, config)
        cache = 0.99 * cache + 0.01 * dw**2
        np.testing.assert_allclose(next_w, w - 1e-2 * dw / (np.sqrt(cache) + 1e-8), rtol=1e-12)
        w = next_w
    assert (config["decay_rate"], config["epsilon"]) == (0.99, 1e-8)


def test_adam_follows_its_recurrence_with_bias_correction():
    w, _ = _w_dw(2)
    config, m, v = None, np.zeros_like(w), np.zeros_like(w)
    for t in range(1, 4):
        dw = np.random.default_rng(30 + t).standard_normal(w.shape)
        next_w, config = optim.adam(w, dw, config)
        m = 0.9 * m + 0.1 * dw
        v = 0.999 * v + 0.001 * dw**2
        m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.999**t)
        np.testing.assert_allclose(next_w, w - 1e-3 * m_hat / (np.sqrt(v_hat) + 1e-8), rtol=1e-12)
        assert config["t"] == t
        w = next_w
    np.testing.assert_allclose(config["m"], m, rtol=1e-13)
    np.testing.assert_allclose(config["v"], v, rtol=1e-13)


def _tiny_problem(seed=0, n=200, d=6, classes=3):
    """Linearly separable-ish blobs: a net should fit them quickly."""
    rng = np.random.default_rng(seed)
    centers = 3 * rng.standard_normal((classes, d))
    y = rng.integers(classes, size=n)
    X = centers[y] + rng.standard_normal((n, d))
    return {"X_train": X[:150], "y_train": y[:150], "X_val": X[150:], "y_val": y[150:]}


@pytest.mark.parametrize("rule,lr", [("sgd", 0.2), ("sgd_momentum", 0.05), ("rmsprop", 1e-2),
                                     ("adam", 1e-2)])
def test_solver_trains(rule, lr):
    np.random.seed(0)
    data = _tiny_problem()
    model = FullyConnectedNet([20], input_dim=6, num_classes=3, weight_scale=0.1)
    solver = Solver(model, data, update_rule=rule, optim_config={"learning_rate": lr},
                    num_epochs=5, batch_size=25, verbose=False)
    solver.train()
    iterations = 5 * (150 // 25)
    assert len(solver.loss_history) == iterations
    assert len(solver.train_acc_history) == len(solver.val_acc_history) == 6
    assert np.mean(solver.loss_history[-5:]) < 0.5 * solver.loss_history[0]
    assert solver.best_val_acc == max(solver.val_acc_history) > 0.8
    assert set(solver.best_params) == set(model.params)
    assert model.params is solver.best_params
    assert solver.check_accuracy(data["X_val"], data["y_val"]) == solver.best_val_acc


def test_solver_rejects_unknown_arguments():
    model = FullyConnectedNet([5], input_dim=6, num_classes=3)
    with pytest.raises(ValueError):
        Solver(model, _tiny_problem(), learning_rate=1e-3)
    with pytest.raises(ValueError):
        Solver(model, _tiny_problem(), update_rule="no_such_rule")


def test_solver_defaults_and_attributes():
    model = FullyConnectedNet([5], input_dim=6, num_classes=3)
    solver = Solver(model, _tiny_problem())
    assert solver.update_rule is optim.sgd
    assert (solver.lr_decay, solver.batch_size, solver.num_epochs) == (1.0, 100, 10)
    assert (solver.num_train_samples, solver.num_val_samples) == (1000, None)
    assert (solver.checkpoint_name, solver.print_every, solver.verbose) == (None, 10, True)
    assert solver.optim_config == {}
    assert solver.loss_history == [] and solver.best_val_acc == 0


def test_solver_lr_decay_and_checkpoints(tmp_path, capsys):
    np.random.seed(1)
    model = FullyConnectedNet([8], input_dim=6, num_classes=3)
    name = str(tmp_path / "ckpt")
    solver = Solver(model, _tiny_problem(), update_rule="sgd_momentum",
                    optim_config={"learning_rate": 0.1}, lr_decay=0.5, num_epochs=2,
                    batch_size=50, checkpoint_name=name, print_every=1)
    solver.train()
    assert all(c["learning_rate"] == pytest.approx(0.025) for c in solver.optim_configs.values())
    out = capsys.readouterr().out
    assert "(Iteration 1 / 6) loss:" in out and "(Epoch 2 / 2) train acc:" in out
    with open(f"{name}_epoch_2.pkl", "rb") as f:
        checkpoint = pickle.load(f)
    assert checkpoint["epoch"] == 2 and len(checkpoint["loss_history"]) == 6
