"""Reference data loading: the CIFAR-10 batch loader, the missing-data error, the
synthetic stand-in (only on purpose) and the download script."""

import os
import pickle
import subprocess
import tarfile

import numpy as np
import pytest

from .reference_helpers import PACKAGE_DIR, ref

data_utils = ref("data_utils")
FullyConnectedNet = ref("classifiers.fc_net").FullyConnectedNet
Solver = ref("solver").Solver

FETCH_COMMAND = "cd cs231n/datasets && bash get_datasets.sh"


def _write_batch(path, rng, n):
    data = rng.integers(0, 256, size=(n, 3072), dtype=np.uint8)
    labels = [int(v) for v in rng.integers(0, 10, size=n)]
    with open(path, "wb") as f:
        pickle.dump({"batch_label": "test", "data": data, "labels": labels}, f, protocol=2)
    return data, labels


@pytest.fixture
def cifar_dir(tmp_path):
    """A CIFAR-10 folder with 5 training batches of 4 images and a test batch of 3."""
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    rng = np.random.default_rng(0)
    train = [_write_batch(folder / f"data_batch_{b}", rng, 4) for b in range(1, 6)]
    test = _write_batch(folder / "test_batch", rng, 3)
    return folder, train, test


@pytest.fixture
def real_data(monkeypatch, cifar_dir):
    monkeypatch.delenv("CS231N_DATASET", raising=False)
    monkeypatch.setattr(data_utils, "CIFAR10_DIR", str(cifar_dir[0]))
    return cifar_dir


def test_load_cifar_batch_reads_channel_last_images(cifar_dir):
    folder, train, _ = cifar_dir
    X, y = data_utils.load_CIFAR_batch(str(folder / "data_batch_2"))
    raw, labels = train[1]
    assert X.shape == (4, 32, 32, 3) and X.dtype == np.float64
    # raw rows are the red plane, then green, then blue, each row-major 32 x 32
    assert X[1, 5, 7, 2] == raw[1, 2 * 1024 + 5 * 32 + 7]
    assert X[3, 31, 0, 0] == raw[3, 31 * 32]
    np.testing.assert_array_equal(y, labels)


def test_load_cifar10_concatenates_the_batches(cifar_dir):
    folder, train, test = cifar_dir
    X_train, y_train, X_test, y_test = data_utils.load_CIFAR10(str(folder))
    assert X_train.shape == (20, 32, 32, 3) and X_test.shape == (3, 32, 32, 3)
    np.testing.assert_array_equal(y_train, sum((labels for _, labels in train), []))
    np.testing.assert_array_equal(y_test, test[1])
    assert X_train[12, 0, 0, 0] == train[3][0][0, 0]


def test_get_cifar10_data_splits_transposes_and_subtracts_the_mean(real_data, capsys):
    folder, train, test = real_data
    data = data_utils.get_CIFAR10_data(num_training=15, num_validation=5, num_test=2)
    assert capsys.readouterr().out == ""  # no stand-in banner
    shapes = {k: v.shape for k, v in data.items()}
    assert shapes == {"X_train": (15, 3, 32, 32), "y_train": (15,), "X_val": (5, 3, 32, 32),
                      "y_val": (5,), "X_test": (2, 3, 32, 32), "y_test": (2,)}
    raw_train = np.concatenate([d for d, _ in train]).reshape(20, 3, 32, 32).astype(float)
    mean = raw_train[:15].mean(0)
    np.testing.assert_allclose(data["X_train"], raw_train[:15] - mean, atol=1e-9)
    np.testing.assert_allclose(data["X_val"], raw_train[15:] - mean, atol=1e-9)
    np.testing.assert_allclose(data["X_test"], test[0][:2].reshape(2, 3, 32, 32) - mean, atol=1e-9)
    np.testing.assert_array_equal(data["y_val"], sum((lab for _, lab in train), [])[15:])
    raw = data_utils.get_CIFAR10_data(15, 5, 2, subtract_mean=False)
    np.testing.assert_array_equal(raw["X_train"], raw_train[:15])
    assert raw["X_train"].flags["C_CONTIGUOUS"]


def test_data_folder_is_found_relative_to_the_package(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert os.path.samefile(os.path.dirname(data_utils.CIFAR10_DIR), PACKAGE_DIR / "datasets")
    assert os.path.basename(data_utils.CIFAR10_DIR) == "cifar-10-batches-py"


def test_missing_data_error_says_how_to_fetch_it(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("CS231N_DATASET", raising=False)
    monkeypatch.setattr(data_utils, "CIFAR10_DIR", str(tmp_path / "absent"))
    with pytest.raises(FileNotFoundError) as info:
        data_utils.get_CIFAR10_data()
    message = str(info.value)
    assert FETCH_COMMAND in message and "CS231N_DATASET=synthetic" in message
    assert "synthetic" not in capsys.readouterr().out.lower()  # never a silent stand-in


def test_unknown_dataset_choice_is_an_error(monkeypatch):
    monkeypatch.setenv("CS231N_DATASET", "imagenet")
    with pytest.raises(ValueError):
        data_utils.get_CIFAR10_data(10, 10, 10)


def test_synthetic_stand_in_only_with_the_environment_variable(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(data_utils, "CIFAR10_DIR", str(tmp_path / "absent"))
    monkeypatch.setenv("CS231N_DATASET", "synthetic")
    data = data_utils.get_CIFAR10_data(num_training=1000, num_validation=50, num_test=20)
    banner = capsys.readouterr().out.strip().splitlines()
    assert len(banner) == 1 and "synthetic" in banner[0].lower() and "stand-in" in banner[0]
    assert data["X_train"].shape == (1000, 3, 32, 32) and data["X_train"].dtype == np.float64
    assert data["X_val"].shape == (50, 3, 32, 32) and data["X_test"].shape == (20, 3, 32, 32)
    assert data["y_train"].dtype == np.int64 and set(data["y_train"]) == set(range(10))
    np.testing.assert_allclose(data["X_train"].mean(0), 0, atol=1e-9)
    again = data_utils.get_CIFAR10_data(num_training=1000, num_validation=50, num_test=20)
    for key in data:
        np.testing.assert_array_equal(data[key], again[key])


def test_synthetic_images_look_like_images():
    X, y, *_ = data_utils.load_synthetic_cifar10(500, 0, 0)
    assert 20 < X.std() < 100 and 100 < X.mean() < 160
    # smooth: neighbouring pixels are strongly correlated
    corr = np.corrcoef(X[:, :, :, :-1].ravel(), X[:, :, :, 1:].ravel())[0, 1]
    assert corr > 0.9
    other, *_ = data_utils.load_synthetic_cifar10(500, 0, 0, seed=1)
    assert not np.allclose(X, other)


def test_synthetic_data_rewards_batch_normalization():
    """Notebook section 9 settings: the batchnorm net must clearly beat the plain one."""
    X_train, y_train, X_val, y_val, _, _ = data_utils.load_synthetic_cifar10(1000, 1000, 0)
    mean = X_train.mean(0)
    data = {"X_train": X_train - mean, "y_train": y_train, "X_val": X_val - mean, "y_val": y_val}
    best = {}
    for normalization in ("batchnorm", None):
        np.random.seed(231)
        model = FullyConnectedNet([100] * 5, weight_scale=2e-2, normalization=normalization)
        solver = Solver(model, data, update_rule="adam", optim_config={"learning_rate": 1e-3},
                        num_epochs=10, batch_size=50, verbose=False)
        solver.train()
        best[normalization] = solver.best_val_acc
    assert best["batchnorm"] > 0.4
    assert best["batchnorm"] > best[None] + 0.06, best


def test_get_datasets_script_downloads_extracts_and_cleans_up(tmp_path):
    """Run the real script with stand-ins for wget and md5sum on PATH."""
    datasets = tmp_path / "datasets"
    datasets.mkdir()
    script = datasets / "get_datasets.sh"
    script.write_text((PACKAGE_DIR / "datasets" / "get_datasets.sh").read_text())

    payload = tmp_path / "payload" / "cifar-10-batches-py"
    payload.mkdir(parents=True)
    for name in ["data_batch_1", "test_batch"]:
        (payload / name).write_bytes(b"x")
    archive = tmp_path / "fake.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(payload, arcname="cifar-10-batches-py")

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "wget.log"
    (bin_dir / "wget").write_text(
        f'#!/bin/sh\necho "$@" >> {log}\nwhile [ "$1" != "-O" ]; do shift; done\ncp {archive} "$2"\n')
    (bin_dir / "md5sum").write_text("#!/bin/sh\ncat > /dev/null\n")
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)

    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")
    subprocess.run(["bash", str(script)], cwd=tmp_path, env=env, check=True,
                   capture_output=True)
    assert "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz" in log.read_text()
    assert (datasets / "cifar-10-batches-py" / "data_batch_1").is_file()
    assert not list(datasets.glob("*.tar.gz"))
    # a second run finds the data and downloads nothing
    log.unlink()
    subprocess.run(["bash", str(script)], cwd=tmp_path, env=env, check=True,
                   capture_output=True)
    assert not log.exists()
