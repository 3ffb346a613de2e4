"""Assignment 3's data and support code against COURSE_SPEC A3.4 and A3.1: the synthetic
stand-in in COCO's file formats, read through the real loader (only on purpose), the
caption helpers, the numpy solver, image_from_url without the network, the download
scripts and the given gradient checker."""

import io
import json
import os
import subprocess
import urllib.error

import numpy as np
import pytest

from .reference_helpers import PACKAGE_DIR, ref

h5py = pytest.importorskip("h5py", reason="the COCO loader of assignment 3 needs h5py")

coco_utils = ref("coco_utils")
coco_standin = ref("coco_standin")
image_utils = ref("image_utils")
gradient_check = ref("gradient_check")
CaptioningSolver = ref("captioning_solver").CaptioningSolver
CaptioningRNN = ref("classifiers.rnn").CaptioningRNN

SMALL = dict(num_train_images=40, num_val_images=10, vocab_size=60, num_topics=4)
KEY_ORDER = ["train_captions", "train_image_idxs", "val_captions", "val_image_idxs",
             "train_features", "val_features", "idx_to_word", "word_to_idx",
             "train_urls", "val_urls"]


@pytest.fixture(scope="module")
def standin_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("coco_standin")
    coco_standin.write_standin_coco(str(folder), seed=7, fc7_dim=4096, **SMALL)
    return folder


def test_standin_files_have_the_real_names_datasets_and_dtypes(standin_dir):
    assert sorted(os.listdir(standin_dir)) == sorted([
        "coco2014_captions.h5", "coco2014_vocab.json", "train2014_urls.txt", "val2014_urls.txt",
        "train2014_vgg16_fc7_pca.h5", "val2014_vgg16_fc7_pca.h5",
        "train2014_vgg16_fc7.h5", "val2014_vgg16_fc7.h5"])
    with h5py.File(standin_dir / "coco2014_captions.h5", "r") as f:
        assert list(f.keys()) == ["train_captions", "train_image_idxs", "val_captions",
                                  "val_image_idxs"]
        assert f["train_captions"].shape == (200, 17) and f["train_captions"].dtype == np.int32
        assert f["val_image_idxs"].shape == (50,) and f["val_image_idxs"].dtype == np.int32
    for name, shape in [("train2014_vgg16_fc7_pca.h5", (40, 512)), ("val2014_vgg16_fc7.h5", (10, 4096))]:
        with h5py.File(standin_dir / name, "r") as f:
            assert list(f.keys()) == ["features"]
            assert f["features"].shape == shape and f["features"].dtype == np.float32
    vocab = json.loads((standin_dir / "coco2014_vocab.json").read_text())
    assert list(vocab) == ["idx_to_word", "word_to_idx"]
    assert vocab["idx_to_word"][:4] == ["<NULL>", "<START>", "<END>", "<UNK>"]
    assert len(vocab["idx_to_word"]) == 60
    assert all(vocab["word_to_idx"][w] == i for i, w in enumerate(vocab["idx_to_word"]))
    assert len((standin_dir / "train2014_urls.txt").read_text().splitlines()) == 40


def test_loader_reads_the_standin_unchanged(standin_dir, capsys):
    data = coco_utils.load_coco_data(base_dir=str(standin_dir))
    assert capsys.readouterr().out == f"base dir  {standin_dir}\n"
    assert list(data) == KEY_ORDER
    assert data["train_captions"].dtype == np.int32 and data["train_captions"].shape == (200, 17)
    assert data["train_features"].shape == (40, 512) and data["val_features"].dtype == np.float32
    assert isinstance(data["idx_to_word"], list) and isinstance(data["word_to_idx"], dict)
    assert data["train_urls"].shape == (40,) and data["train_urls"].dtype.kind == "U"
    with h5py.File(standin_dir / "train2014_vgg16_fc7_pca.h5", "r") as f:
        np.testing.assert_array_equal(data["train_features"], f["features"][()])
    full = coco_utils.load_coco_data(base_dir=str(standin_dir), pca_features=False)
    assert full["train_features"].shape == (40, 4096)


def test_captions_are_well_formed(standin_dir):
    data = coco_utils.load_coco_data(base_dir=str(standin_dir))
    caps = data["train_captions"]
    assert np.all(caps[:, 0] == 1)
    for row in caps:
        end = int(np.argmax(row == 2))
        assert end >= 6 and np.all(row[1:end] >= 3) and np.all(row[end + 1:] == 0)
    assert data["train_image_idxs"].min() >= 0 and data["train_image_idxs"].max() < 40
    assert np.bincount(data["train_image_idxs"]).tolist() == [5] * 40


def test_max_train_subsamples_with_np_random_randint(standin_dir):
    np.random.seed(231)
    data = coco_utils.load_coco_data(base_dir=str(standin_dir), max_train=7)
    full = coco_utils.load_coco_data(base_dir=str(standin_dir))
    np.random.seed(231)
    keep = np.random.randint(200, size=7)
    np.testing.assert_array_equal(data["train_captions"], full["train_captions"][keep])
    np.testing.assert_array_equal(data["train_image_idxs"], full["train_image_idxs"][keep])
    assert data["train_features"].shape == (40, 512)        # features are kept whole


def test_standin_is_deterministic_and_leaves_the_global_random_state_alone():
    np.random.seed(5)
    before = np.random.get_state()[1].copy()
    a = coco_standin.make_standin_coco(seed=3, **SMALL)
    assert np.array_equal(np.random.get_state()[1], before)
    b = coco_standin.make_standin_coco(seed=3, **SMALL)
    c = coco_standin.make_standin_coco(seed=4, **SMALL)
    for key in ["train_captions", "val_image_idxs", "train_features"]:
        np.testing.assert_array_equal(a[key], b[key])
    assert a["idx_to_word"] == b["idx_to_word"]
    assert not np.array_equal(a["train_features"], c["train_features"])


def test_default_standin_sizes():
    # 10 000 training images with 5 captions each (so that 50 random captions rarely share
    # an image), a vocabulary of 1004 words, 512-d features; the 4096-d ones on request.
    import inspect

    defaults = {name: p.default for name, p in
                inspect.signature(coco_standin.make_standin_coco).parameters.items()}
    assert defaults == {"seed": 231, "num_train_images": 10000, "num_val_images": 1000,
                        "captions_per_image": 5, "num_topics": 20, "vocab_size": 1004,
                        "feature_dim": 512, "fc7_dim": 0, "unk_rate": 0.02}


def test_synthetic_is_used_only_when_asked(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("CS231N_DATASET", raising=False)
    assert coco_utils._resolve_base_dir(coco_utils.BASE_DIR) == coco_utils.BASE_DIR
    with pytest.raises(FileNotFoundError, match="get_datasets.sh"):
        coco_utils.load_coco_data(base_dir=str(tmp_path / "missing"))
    monkeypatch.setenv("CS231N_DATASET", "imagenet")
    with pytest.raises(ValueError, match="synthetic"):
        coco_utils.load_coco_data()
    # With CS231N_DATASET=synthetic the default folder becomes the stand-in, written first
    # when it is missing (here, small, into a folder named by CS231N_COCO_STANDIN_DIR).
    folder = tmp_path / "standin"
    coco_standin.write_standin_coco(str(folder), seed=1, **SMALL)
    monkeypatch.setenv("CS231N_DATASET", "synthetic")
    monkeypatch.setenv("CS231N_COCO_STANDIN_DIR", str(folder))
    capsys.readouterr()
    data = coco_utils.load_coco_data()
    out = capsys.readouterr().out
    assert "SYNTHETIC" in out and str(folder) in out
    assert data["train_captions"].shape == (200, 17)


def test_standin_is_written_when_missing(monkeypatch, tmp_path):
    calls = []
    real = coco_standin.write_standin_coco

    def small_writer(folder):
        calls.append(folder)
        return real(folder, **SMALL)

    monkeypatch.setattr(coco_standin, "write_standin_coco", small_writer)
    monkeypatch.setenv("CS231N_DATASET", "synthetic")
    monkeypatch.setenv("CS231N_COCO_STANDIN_DIR", str(tmp_path / "new"))
    data = coco_utils.load_coco_data()
    assert calls == [str(tmp_path / "new")] and len(data["idx_to_word"]) == 60
    coco_utils.load_coco_data()
    assert len(calls) == 1                                  # complete: not written again


def test_decode_captions():
    words = ["<NULL>", "<START>", "<END>", "<UNK>", "a", "cat"]
    assert coco_utils.decode_captions(np.array([1, 4, 5, 2, 4, 0]), words) == "<START> a cat <END>"
    rows = np.array([[4, 0, 5, 2, 5], [1, 3, 0, 0, 0]])
    assert coco_utils.decode_captions(rows, words) == ["a cat <END>", "<START> <UNK>"]


def test_sample_coco_minibatch_matches_images(standin_dir):
    data = coco_utils.load_coco_data(base_dir=str(standin_dir))
    np.random.seed(3)
    captions, features, urls = coco_utils.sample_coco_minibatch(data, batch_size=6, split="val")
    np.random.seed(3)
    chosen = np.random.choice(50, 6)
    np.testing.assert_array_equal(captions, data["val_captions"][chosen])
    idxs = data["val_image_idxs"][chosen]
    np.testing.assert_array_equal(features, data["val_features"][idxs])
    np.testing.assert_array_equal(urls, data["val_urls"][idxs])


def test_captioning_solver_trains_and_prints(standin_dir, capsys):
    np.random.seed(231)
    data = coco_utils.load_coco_data(base_dir=str(standin_dir), max_train=20)
    model = CaptioningRNN(data["word_to_idx"], input_dim=512, wordvec_dim=16, hidden_dim=32)
    solver = CaptioningSolver(model, data, update_rule="adam", num_epochs=10, batch_size=10,
                              optim_config={"learning_rate": 5e-3}, lr_decay=0.9, print_every=5)
    solver.train()
    out = capsys.readouterr().out.splitlines()
    assert len(solver.loss_history) == 20 and solver.epoch == 10
    assert out[1].startswith("(Iteration 1 / 20) loss: ") and len(out) == 1 + 4
    assert abs(solver.optim_configs["Wx"]["learning_rate"] - 5e-3 * 0.9**10) < 1e-15
    assert np.mean(solver.loss_history[-4:]) < 0.8 * solver.loss_history[0]
    with pytest.raises(ValueError):
        CaptioningSolver(model, data, learning_rate=1.0)


def test_image_from_url_fails_cleanly_offline(capsys):
    assert image_utils.image_from_url("standin://coco/train2014/000000000001.jpg") is None
    assert "Error" in capsys.readouterr().out


def test_image_from_url_decodes_and_reports_http_errors(monkeypatch, capsys):
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.full((4, 5, 3), 200, dtype=np.uint8)).save(buffer, format="PNG")

    class Response(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(image_utils.urllib.request, "urlopen",
                        lambda url, timeout=None: Response(buffer.getvalue()))
    img = image_utils.image_from_url("http://example.invalid/x.png")
    assert img.shape == (4, 5, 3) and img.dtype == np.uint8 and img[0, 0, 0] == 200

    def gone(url, timeout=None):
        raise urllib.error.HTTPError(url, 410, "Gone", None, None)

    monkeypatch.setattr(image_utils.urllib.request, "urlopen", gone)
    assert image_utils.image_from_url("http://example.invalid/y.jpg") is None
    assert "410" in capsys.readouterr().out


def test_image_normalisation_round_trip():
    img = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3) * 10
    back = image_utils.deprocess_image(image_utils.preprocess_image(img))
    assert np.max(np.abs(back.astype(int) - img.astype(int))) <= 1
    X = np.random.default_rng(0).standard_normal((2, 3, 5, 5))
    assert image_utils.blur_image(X).shape == X.shape


def test_download_scripts_are_complete_and_skip_present_data(tmp_path):
    datasets = PACKAGE_DIR / "datasets"
    for script in ["get_datasets.sh", "get_coco_captioning.sh", "get_imagenet_val.sh"]:
        subprocess.run(["bash", "-n", str(datasets / script)], check=True)
    text = (datasets / "get_coco_captioning.sh").read_text()
    assert "coco_captioning.zip" in text
    assert "imagenet_val_25.npz" in (datasets / "get_imagenet_val.sh").read_text()
    # With the data already in place the scripts finish without touching the network.
    copy = tmp_path / "datasets"
    copy.mkdir()
    for script in datasets.glob("*.sh"):
        (copy / script.name).write_text(script.read_text())
    (copy / "coco_captioning").mkdir()
    for name in coco_standin.REQUIRED_FILES:
        (copy / "coco_captioning" / name).write_text("")
    (copy / "imagenet_val_25.npz").write_text("")
    env = {"PATH": "/usr/bin:/bin"}
    result = subprocess.run(["bash", str(copy / "get_datasets.sh")], capture_output=True,
                            text=True, env=env, check=True)
    assert "already" in result.stdout and "Downloading" not in result.stdout


def test_gradient_check_helpers(capsys):
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = gradient_check.eval_numerical_gradient(lambda v: np.sum(v**3), x, verbose=False)
    np.testing.assert_allclose(grad, 3 * x**2, rtol=1e-8)
    df = np.ones_like(x)
    np.testing.assert_allclose(gradient_check.eval_numerical_gradient_array(np.sin, x, df),
                               np.cos(x), rtol=1e-8)
    gradient_check.grad_check_sparse(lambda v: np.sum(v**3), x, 3 * x**2, num_checks=3)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all(line.startswith("numerical: ") for line in lines)
    assert ", relative error: " in lines[0]
