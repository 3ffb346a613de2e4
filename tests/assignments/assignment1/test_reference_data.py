"""Assignment 1 reference: data loading, the synthetic stand-in (only on purpose) and
the download script (COURSE_SPEC section 0 "data_utils.py", A1.4)."""

import os
import pickle
import subprocess
import tarfile

import numpy as np
import pytest

from .reference_helpers import PACKAGE_DIR, ref

data_utils = ref("data_utils")
KNearestNeighbor = ref("classifiers").KNearestNeighbor

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


@pytest.fixture
def small_synthetic(monkeypatch):
    """The stand-in with batches of 100 images instead of 10000."""
    monkeypatch.setenv("CS231N_DATASET", "synthetic")
    monkeypatch.setattr(data_utils, "BATCH_SIZE", 100)


# ---------------------------------------------------------------- real files

def test_load_cifar_batch_reads_channel_last_float64_images(cifar_dir):
    folder, train, _ = cifar_dir
    X, y = data_utils.load_CIFAR_batch(str(folder / "data_batch_2"))
    raw, labels = train[1]
    assert X.shape == (4, 32, 32, 3) and X.dtype == np.float64
    # raw rows are the red plane, then green, then blue, each row-major 32 x 32
    assert X[1, 5, 7, 2] == raw[1, 2 * 1024 + 5 * 32 + 7]
    assert X[3, 31, 0, 0] == raw[3, 31 * 32]
    assert y.shape == (4,) and np.issubdtype(y.dtype, np.integer)
    np.testing.assert_array_equal(y, labels)


def test_load_pickle_reads_python2_style_pickles(tmp_path):
    path = tmp_path / "p"
    path.write_bytes(pickle.dumps({"labels": [1, 2]}, protocol=2))
    with open(path, "rb") as f:
        assert data_utils.load_pickle(f) == {"labels": [1, 2]}


def test_load_cifar10_concatenates_the_batches(real_data):
    folder, train, test = real_data
    Xtr, Ytr, Xte, Yte = data_utils.load_CIFAR10(str(folder))
    assert Xtr.shape == (20, 32, 32, 3) and Xtr.dtype == np.float64
    assert Xte.shape == (3, 32, 32, 3)
    np.testing.assert_array_equal(Ytr, sum((labels for _, labels in train), []))
    np.testing.assert_array_equal(Yte, test[1])
    first, _ = data_utils.load_CIFAR_batch(str(folder / "data_batch_1"))
    last, _ = data_utils.load_CIFAR_batch(str(folder / "data_batch_5"))
    np.testing.assert_array_equal(Xtr[:4], first)
    np.testing.assert_array_equal(Xtr[16:], last)


def test_get_cifar10_data_splits_transposes_and_centres(real_data):
    folder, train, test = real_data
    Xtr, Ytr, Xte, Yte = data_utils.load_CIFAR10(str(folder))
    data = data_utils.get_CIFAR10_data(num_training=15, num_validation=3, num_test=2)
    assert sorted(data) == ["X_test", "X_train", "X_val", "y_test", "y_train", "y_val"]
    assert data["X_train"].shape == (15, 3, 32, 32)
    assert data["X_val"].shape == (3, 3, 32, 32) and data["X_test"].shape == (2, 3, 32, 32)
    np.testing.assert_array_equal(data["y_val"], Ytr[15:18])
    np.testing.assert_array_equal(data["y_test"], Yte[:2])
    mean = Xtr[:15].mean(axis=0).transpose(2, 0, 1)
    np.testing.assert_allclose(data["X_val"][1], Xtr[16].transpose(2, 0, 1) - mean)
    np.testing.assert_allclose(data["X_train"].mean(axis=0), 0, atol=1e-9)
    raw = data_utils.get_CIFAR10_data(15, 3, 2, subtract_mean=False)
    np.testing.assert_array_equal(raw["X_test"][0], Xte[0].transpose(2, 0, 1))


def test_missing_data_says_how_to_get_it_and_never_falls_back(monkeypatch, tmp_path):
    monkeypatch.delenv("CS231N_DATASET", raising=False)
    missing = tmp_path / "nowhere"
    monkeypatch.setattr(data_utils, "CIFAR10_DIR", str(missing))
    for call in (lambda: data_utils.load_CIFAR10(str(missing)),
                 lambda: data_utils.get_CIFAR10_data()):
        with pytest.raises(FileNotFoundError) as error:
            call()
        message = str(error.value)
        assert FETCH_COMMAND in message and "CS231N_DATASET=synthetic" in message


def test_unknown_dataset_name_is_an_error(monkeypatch, cifar_dir):
    monkeypatch.setenv("CS231N_DATASET", "imagenet")
    with pytest.raises(ValueError, match="CS231N_DATASET"):
        data_utils.load_CIFAR10(str(cifar_dir[0]))


# ---------------------------------------------------------------- stand-in

def test_synthetic_batch_has_the_cifar_file_format_at_full_size():
    batch = data_utils.synthetic_cifar10_batch("data_batch_3")
    assert set(batch) == {"batch_label", "labels", "data", "filenames"}
    assert batch["data"].dtype == np.uint8 and batch["data"].shape == (10000, 3072)
    assert isinstance(batch["labels"], list) and len(batch["labels"]) == 10000
    assert all(type(v) is int for v in batch["labels"][:100])
    np.testing.assert_array_equal(np.bincount(batch["labels"]), [1000] * 10)
    assert len(batch["filenames"]) == 10000 and isinstance(batch["batch_label"], str)
    assert 0 < batch["data"].mean() < 255 and batch["data"].std() > 30


def test_synthetic_batches_are_reproducible_and_distinct():
    a = data_utils.synthetic_cifar10_batch("data_batch_1", num_images=50)
    b = data_utils.synthetic_cifar10_batch("data_batch_1", num_images=50)
    c = data_utils.synthetic_cifar10_batch("test_batch", num_images=50)
    np.testing.assert_array_equal(a["data"], b["data"])
    assert a["labels"] == b["labels"]
    assert not np.array_equal(a["data"], c["data"])
    with pytest.raises(ValueError):
        data_utils.synthetic_cifar10_batch("data_batch_6")


def test_synthetic_is_selected_only_by_the_environment(small_synthetic, capsys, tmp_path):
    Xtr, Ytr, Xte, Yte = data_utils.load_CIFAR10(str(tmp_path / "missing"))
    assert "SYNTHETIC" in capsys.readouterr().out
    assert Xtr.shape == (500, 32, 32, 3) and Xtr.dtype == np.float64
    assert Ytr.shape == (500,) and Xte.shape == (100, 32, 32, 3) and Yte.shape == (100,)
    assert Xtr.min() >= 0 and Xtr.max() <= 255
    expected, _ = data_utils._batch_arrays(data_utils.synthetic_cifar10_batch("data_batch_2"))
    np.testing.assert_array_equal(Xtr[100:200], expected)

    data = data_utils.get_CIFAR10_data(num_training=400, num_validation=50, num_test=60)
    assert data["X_train"].shape == (400, 3, 32, 32) and data["X_val"].shape == (50, 3, 32, 32)
    assert data["X_test"].shape == (60, 3, 32, 32) and data["y_test"].shape == (60,)


def test_written_stand_in_files_load_like_cifar10(small_synthetic, monkeypatch, tmp_path):
    folder = tmp_path / "cifar-10-batches-py"
    data_utils.write_synthetic_cifar10(str(folder))
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["batches.meta"] + [f"data_batch_{b}" for b in range(1, 6)] + ["test_batch"]
    with open(folder / "batches.meta", "rb") as f:
        meta = pickle.load(f, encoding="latin1")
    assert meta["label_names"][0] == "airplane" and meta["label_names"][9] == "truck"
    assert meta["num_vis"] == 3072
    generated = data_utils.load_CIFAR10("ignored")
    monkeypatch.delenv("CS231N_DATASET")
    from_files = data_utils.load_CIFAR10(str(folder))
    for a, b in zip(generated, from_files):
        np.testing.assert_array_equal(a, b)


def test_stand_in_is_learnable_from_pixels_and_from_features():
    pytest.importorskip("scipy")
    features = ref("features")
    X, y = data_utils._batch_arrays(data_utils.synthetic_cifar10_batch("data_batch_1", 1500))
    Xte, yte = data_utils._batch_arrays(data_utils.synthetic_cifar10_batch("test_batch", 300))
    knn = KNearestNeighbor()
    knn.train(X.reshape(len(X), -1), y)
    knn_acc = np.mean(knn.predict(Xte.reshape(len(Xte), -1), k=5) == yte)
    assert knn_acc > 0.25, knn_acc

    fns = [features.hog_feature, lambda img: features.color_histogram_hsv(img, nbin=10)]
    F, Fte = features.extract_features(X, fns), features.extract_features(Xte, fns)
    mean, std = F.mean(axis=0), F.std(axis=0) + 1e-12
    F, Fte = (F - mean) / std, (Fte - mean) / std
    # nearest class mean on the features: a learner-free check that they carry the class
    centroids = np.stack([F[y == c].mean(axis=0) for c in range(10)])
    dists = ((Fte[:, None, :] - centroids[None]) ** 2).sum(axis=2)
    feat_acc = np.mean(dists.argmin(axis=1) == yte)
    assert feat_acc > 0.4, feat_acc


# ---------------------------------------------------------------- other data sets

def test_load_imagenet_val(monkeypatch, tmp_path):
    path = tmp_path / "imagenet_val_25.npz"
    monkeypatch.setattr(data_utils, "IMAGENET_VAL_FILE", str(path))
    with pytest.raises(FileNotFoundError, match="get_datasets.sh"):
        data_utils.load_imagenet_val()
    X = np.arange(5 * 4 * 4 * 3, dtype=np.uint8).reshape(5, 4, 4, 3)
    np.savez(path, X=X, y=np.arange(5), label_map=np.array({0: "tench", 1: "goldfish"}))
    X2, y2, names = data_utils.load_imagenet_val(num=2)
    np.testing.assert_array_equal(X2, X[:2])
    np.testing.assert_array_equal(y2, [0, 1])
    assert names[1] == "goldfish"
    assert data_utils.load_imagenet_val()[0].shape == (5, 4, 4, 3)


def test_load_models_skips_what_is_not_a_model(tmp_path):
    (tmp_path / "a.pkl").write_bytes(pickle.dumps({"model": {"W": 1}}))
    (tmp_path / "notes.txt").write_text("not a pickle")
    (tmp_path / "other.pkl").write_bytes(pickle.dumps([1, 2]))
    assert data_utils.load_models(str(tmp_path)) == {"a.pkl": {"W": 1}}


def test_load_tiny_imagenet_on_a_small_copy(tmp_path):
    imageio = pytest.importorskip("imageio.v2")
    rng = np.random.default_rng(0)
    wnids = ["n01", "n02"]
    (tmp_path / "wnids.txt").write_text("\n".join(wnids) + "\n")
    (tmp_path / "words.txt").write_text("n01\tgoldfish, Carassius auratus\nn02\tsalamander\n")

    def save(path, gray=False):
        path.parent.mkdir(parents=True, exist_ok=True)
        shape = (64, 64) if gray else (64, 64, 3)
        img = rng.integers(0, 256, size=shape, dtype=np.uint8)
        imageio.imwrite(path, img)
        return img

    train = {w: [save(tmp_path / "train" / w / "images" / f"{w}_{i}.png", gray=(i == 1))
                 for i in range(2)] for w in wnids}
    val_b = save(tmp_path / "val" / "images" / "val_b.png")
    save(tmp_path / "val" / "images" / "val_a.png")
    (tmp_path / "val" / "val_annotations.txt").write_text(
        "val_b.png\tn01\t0\t0\t1\t1\nval_a.png\tn02\t0\t0\t1\t1\n")
    save(tmp_path / "test" / "images" / "test_0.png")

    data = data_utils.load_tiny_imagenet(str(tmp_path), subtract_mean=False)
    assert data["class_names"] == [["goldfish", "Carassius auratus"], ["salamander"]]
    assert data["X_train"].shape == (4, 3, 64, 64) and data["X_train"].dtype == np.float32
    np.testing.assert_array_equal(data["y_train"], [0, 0, 1, 1])
    np.testing.assert_array_equal(data["X_train"][0], train["n01"][0].transpose(2, 0, 1))
    gray = train["n01"][1]
    np.testing.assert_array_equal(data["X_train"][1], np.stack([gray] * 3))
    np.testing.assert_array_equal(data["y_val"], [1, 0])  # val_a.png, val_b.png
    np.testing.assert_array_equal(data["X_val"][1], val_b.transpose(2, 0, 1))
    assert data["X_test"].shape == (1, 3, 64, 64) and data["y_test"] is None
    centred = data_utils.load_tiny_imagenet(str(tmp_path))
    np.testing.assert_allclose(centred["X_train"].mean(axis=0), 0, atol=1e-3)
    np.testing.assert_allclose(centred["mean_image"], data["X_train"].mean(axis=0))


# ---------------------------------------------------------------- download script

def _fake_tools(tmp_path, fail_imagenet=False):
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
    fail = 'case "$3" in *imagenet*) exit 4;; esac\n' if fail_imagenet else ""
    (bin_dir / "wget").write_text(
        f'#!/bin/sh\necho "$@" >> {log}\n{fail}'
        f'while [ "$1" != "-O" ]; do shift; done\ncp {archive} "$2"\n')
    (bin_dir / "md5sum").write_text("#!/bin/sh\ncat > /dev/null\n")
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    return dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}"), log


def _script(tmp_path):
    datasets = tmp_path / "datasets"
    datasets.mkdir()
    script = datasets / "get_datasets.sh"
    script.write_text((PACKAGE_DIR / "datasets" / "get_datasets.sh").read_text())
    return datasets, script


def test_get_datasets_script_downloads_extracts_and_cleans_up(tmp_path):
    datasets, script = _script(tmp_path)
    env, log = _fake_tools(tmp_path)
    subprocess.run(["bash", str(script)], cwd=tmp_path, env=env, check=True, capture_output=True)
    assert "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz" in log.read_text()
    assert (datasets / "cifar-10-batches-py" / "data_batch_1").is_file()
    assert (datasets / "imagenet_val_25.npz").is_file()
    assert not list(datasets.glob("*.tar.gz")) and not list(datasets.glob("*.part"))
    # a second run finds the data and downloads nothing
    log.unlink()
    subprocess.run(["bash", str(script)], cwd=tmp_path, env=env, check=True, capture_output=True)
    assert not log.exists()


def test_get_datasets_script_survives_a_failed_imagenet_download(tmp_path):
    datasets, script = _script(tmp_path)
    env, _ = _fake_tools(tmp_path, fail_imagenet=True)
    run = subprocess.run(["bash", str(script)], cwd=tmp_path, env=env, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr
    assert (datasets / "cifar-10-batches-py" / "test_batch").is_file()
    assert not list(datasets.glob("imagenet*")) and "imagenet_val_25.npz" in run.stderr
