"""Loading image data sets from disk (given support code shared by the kits):
CIFAR-10, Tiny ImageNet, pickled models, and the 25 ImageNet validation images
that ``get_datasets.sh`` downloads. The captioning notebooks use
``coco_utils`` instead.
"""

import os
import pickle

import numpy as np

DATASETS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "datasets")


def load_pickle(f):
    """Unpickle from the open binary file f (Python 2 pickles included)."""
    return pickle.load(f, encoding="latin1")


def load_CIFAR_batch(filename):
    """Load one CIFAR-10 python batch file.

    Returns a tuple of:
    - X: shape (n, 32, 32, 3), float64 values in [0, 255]
    - y: shape (n,), int64
    """
    with open(filename, "rb") as f:
        batch = load_pickle(f)
    X = batch["data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).astype(np.float64)
    return X, np.array(batch["labels"], dtype=np.int64)


def load_CIFAR10(ROOT):
    """Load all of CIFAR-10 from the folder of python batches.

    Returns a tuple of:
    - Xtr (50000, 32, 32, 3) float64, Ytr (50000,), Xte (10000, 32, 32, 3),
      Yte (10000,)
    """
    parts = [load_CIFAR_batch(os.path.join(ROOT, f"data_batch_{b}")) for b in range(1, 6)]
    Xtr = np.concatenate([X for X, _ in parts])
    Ytr = np.concatenate([y for _, y in parts])
    Xte, Yte = load_CIFAR_batch(os.path.join(ROOT, "test_batch"))
    return Xtr, Ytr, Xte, Yte


def get_CIFAR10_data(num_training=49000, num_validation=1000, num_test=1000,
                     subtract_mean=True):
    """CIFAR-10 split into train, validation and test sets, channel first.

    Reads cs231n/datasets/cifar-10-batches-py. The validation images are the
    training images right after the first num_training.

    Returns a dict with X_train, X_val, X_test of shape (n, 3, 32, 32) and
    y_train, y_val, y_test of shape (n,).
    """
    X_all, y_all, X_test, y_test = load_CIFAR10(os.path.join(DATASETS_DIR,
                                                             "cifar-10-batches-py"))
    end = num_training + num_validation
    X_train, y_train = X_all[:num_training], y_all[:num_training]
    X_val, y_val = X_all[num_training:end], y_all[num_training:end]
    X_test, y_test = X_test[:num_test], y_test[:num_test]
    if subtract_mean:
        mean_image = X_train.mean(axis=0)
        X_train, X_val, X_test = X_train - mean_image, X_val - mean_image, X_test - mean_image

    def channels_first(X):
        return np.ascontiguousarray(X.transpose(0, 3, 1, 2))

    return {
        "X_train": channels_first(X_train), "y_train": y_train,
        "X_val": channels_first(X_val), "y_val": y_val,
        "X_test": channels_first(X_test), "y_test": y_test,
    }


def _read_image(path):
    """An image file as a (3, H, W) array (gray images repeated on 3 channels)."""
    from PIL import Image

    with Image.open(path) as picture:
        img = np.asarray(picture.convert("RGB"))
    return img.transpose(2, 0, 1)


def load_tiny_imagenet(path, dtype=np.float32, subtract_mean=True):
    """Load Tiny ImageNet (or a subset laid out the same way).

    Inputs:
    - path: folder holding wnids.txt, words.txt, train/, val/ and test/
    - dtype: dtype of the images
    - subtract_mean: subtract the mean training image from every split

    Returns a dict with:
    - class_names: list; class_names[i] is the list of names of class i
    - X_train (N_tr, 3, 64, 64), y_train (N_tr,); X_val, y_val; X_test and
      y_test (None when the test labels are not given)
    - mean_image: shape (3, 64, 64)
    """
    def lines(name):
        with open(os.path.join(path, name), "r") as f:
            return [line.strip() for line in f if line.strip()]

    wnids = lines("wnids.txt")
    wnid_to_label = {wnid: i for i, wnid in enumerate(wnids)}
    names = {}
    for line in lines("words.txt"):
        wnid, words = line.split("\t")
        names[wnid] = [w.strip() for w in words.split(",")]
    class_names = [names[wnid] for wnid in wnids]

    X_train, y_train = [], []
    for wnid in wnids:
        folder = os.path.join(path, "train", wnid)
        files = [line.split("\t")[0] for line in lines(os.path.join("train", wnid,
                                                                    f"{wnid}_boxes.txt"))]
        X_train += [_read_image(os.path.join(folder, "images", f)) for f in files]
        y_train += [wnid_to_label[wnid]] * len(files)
    X_train = np.stack(X_train).astype(dtype)
    y_train = np.array(y_train, dtype=np.int64)

    val = [line.split("\t")[:2] for line in lines(os.path.join("val", "val_annotations.txt"))]
    X_val = np.stack([_read_image(os.path.join(path, "val", "images", f))
                      for f, _ in val]).astype(dtype)
    y_val = np.array([wnid_to_label[w] for _, w in val], dtype=np.int64)

    test_files = sorted(os.listdir(os.path.join(path, "test", "images")))
    X_test = np.stack([_read_image(os.path.join(path, "test", "images", f))
                       for f in test_files]).astype(dtype)
    y_test = None
    annotations = os.path.join(path, "test", "test_annotations.txt")
    if os.path.isfile(annotations):
        label_of = dict(line.split("\t")[:2] for line in lines(annotations))
        y_test = np.array([wnid_to_label[label_of[f]] for f in test_files], dtype=np.int64)

    mean_image = X_train.mean(axis=0)
    if subtract_mean:
        X_train, X_val, X_test = X_train - mean_image, X_val - mean_image, X_test - mean_image
    return {
        "class_names": class_names,
        "X_train": X_train, "y_train": y_train,
        "X_val": X_val, "y_val": y_val,
        "X_test": X_test, "y_test": y_test,
        "mean_image": mean_image,
    }


def load_models(models_dir):
    """Unpickle every file of models_dir.

    Returns a dict from file name to the unpickled object (files that fail to
    unpickle are skipped).
    """
    models = {}
    for name in sorted(os.listdir(models_dir)):
        with open(os.path.join(models_dir, name), "rb") as f:
            try:
                models[name] = load_pickle(f)["model"]
            except (pickle.UnpicklingError, KeyError, TypeError, EOFError):
                continue
    return models


def load_imagenet_val(num=None):
    """Load the 25 ImageNet validation images of cs231n/datasets/imagenet_val_25.npz.

    Inputs:
    - num: how many images to return (None: all)

    Returns a tuple of:
    - X: uint8 images, shape (num, 224, 224, 3)
    - y: integer labels, shape (num,)
    - class_names: dict from label to class name

    Raises FileNotFoundError, saying how to download it, when the file is missing.
    """
    path = os.path.join(DATASETS_DIR, "imagenet_val_25.npz")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path} was not found. Download it with:\n"
                                "    cd cs231n/datasets && bash get_datasets.sh")
    f = np.load(path, allow_pickle=True)
    X, y = f["X"], f["y"]
    class_names = f["label_map"].item()
    if num is not None:
        X, y = X[:num], y[:num]
    return X, y, class_names
