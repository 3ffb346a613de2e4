"""Loading CIFAR-10, or on purpose a synthetic stand-in for offline use.

The real data is read from ``cs231n/datasets/cifar-10-batches-py`` (fetch it with
``cd cs231n/datasets && bash get_datasets.sh``). Setting the environment variable
``CS231N_DATASET=synthetic`` makes load_CIFAR10 and get_CIFAR10_data return
generated images of the same shapes and dtypes instead; nothing selects the
stand-in silently. write_synthetic_cifar10 writes the stand-in as CIFAR-10 batch
files, for code that reads the files itself.
"""

import os
import pickle

import numpy as np

CIFAR10_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "datasets", "cifar-10-batches-py")
IMAGENET_VAL_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                 "datasets", "imagenet_val_25.npz")
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer",
                   "dog", "frog", "horse", "ship", "truck"]
BATCH_SIZE = 10000
TRAIN_BATCHES = ["data_batch_%d" % b for b in range(1, 6)]
TEST_BATCH = "test_batch"
SYNTHETIC_SEED = 231


def load_pickle(f):
    """Unpickle one object from an open binary file (Python 2 pickles included)."""
    return pickle.load(f, encoding="latin1")


def _batch_arrays(batch):
    """Images and labels of one unpickled CIFAR-10 batch.

    Inputs:
    - batch: dict with 'data', uint8 of shape (n, 3072) (each row the red, green
      and blue 32 x 32 planes, row-major), and 'labels', n ints

    Returns a tuple of:
    - X: shape (n, 32, 32, 3), float64
    - y: shape (n,), int64
    """
    X = batch["data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).astype(np.float64)
    y = np.array(batch["labels"], dtype=np.int64)
    return X, y


def load_CIFAR_batch(filename):
    """Load one CIFAR-10 python batch file.

    Inputs:
    - filename: path of a pickled batch (e.g. data_batch_1)

    Returns a tuple of:
    - X: images, shape (n, 32, 32, 3), float64 values in [0, 255]
    - y: labels, shape (n,), int64 in [0, 10)
    """
    with open(filename, "rb") as f:
        batch = load_pickle(f)
    return _batch_arrays(batch)


def _dataset_source():
    """'cifar10' or 'synthetic', from the environment variable CS231N_DATASET."""
    source = os.environ.get("CS231N_DATASET", "cifar10").strip().lower()
    if source in ("", "cifar10"):
        return "cifar10"
    if source == "synthetic":
        return "synthetic"
    raise ValueError(f"CS231N_DATASET={source!r}: use 'cifar10' (the default) "
                     "or 'synthetic'")


def _missing_data_message(folder):
    """The error message for a missing CIFAR-10 folder (a str naming folder)."""
    return (
        f"CIFAR-10 was not found in {folder}. Download it (about 163 MB) with:\n"
        "    cd cs231n/datasets && bash get_datasets.sh\n"
        "To work offline on a synthetic stand-in instead (generated images, not "
        "CIFAR-10), set the environment variable CS231N_DATASET=synthetic."
    )


def _stack_batches(batches):
    """Concatenate (X, y) batches without holding two copies of the images.

    Inputs:
    - batches: list of functions, each returning one batch (X, y) as
      _batch_arrays does

    Returns a tuple of X, shape (total, 32, 32, 3) float64, and y, shape (total,).
    """
    X_all, y_all, start = None, [], 0
    for load in batches:
        X, y = load()
        if X_all is None:
            X_all = np.empty((len(batches) * X.shape[0],) + X.shape[1:])
        if start + X.shape[0] > X_all.shape[0]:  # batches of unequal sizes
            X_all = np.concatenate([X_all[:start], X])
        else:
            X_all[start:start + X.shape[0]] = X
        start += X.shape[0]
        y_all.append(y)
    return X_all[:start], np.concatenate(y_all)


def load_CIFAR10(ROOT):
    """Load all of CIFAR-10 from the folder of python batches.

    With CS231N_DATASET=synthetic, ROOT is ignored and the generated stand-in of
    synthetic_cifar10_batch is returned instead.

    Inputs:
    - ROOT: folder holding data_batch_1..data_batch_5 and test_batch

    Returns a tuple of:
    - Xtr: shape (50000, 32, 32, 3), float64
    - Ytr: shape (50000,), int64
    - Xte: shape (10000, 32, 32, 3), float64
    - Yte: shape (10000,), int64

    Raises FileNotFoundError, saying how to download the data, when ROOT is not
    a folder.
    """
    if _dataset_source() == "synthetic":
        print("NOTE: using a SYNTHETIC stand-in for CIFAR-10 (CS231N_DATASET=synthetic), "
              "not real images.")

        def batch(name):
            return lambda: _batch_arrays(synthetic_cifar10_batch(name))
    else:
        if not os.path.isdir(ROOT):
            raise FileNotFoundError(_missing_data_message(ROOT))

        def batch(name):
            return lambda: load_CIFAR_batch(os.path.join(ROOT, name))

    Xtr, Ytr = _stack_batches([batch(name) for name in TRAIN_BATCHES])
    Xte, Yte = batch(TEST_BATCH)()
    return Xtr, Ytr, Xte, Yte


def get_CIFAR10_data(num_training=49000, num_validation=1000, num_test=1000,
                     subtract_mean=True):
    """Load CIFAR-10 split into train, validation and test sets, ready for a net.

    The validation set is taken from the training batches, right after the
    first num_training images. Images come channel-first.

    Inputs:
    - num_training, num_validation, num_test: sizes of the three splits
    - subtract_mean: subtract the mean training image from every split

    Returns a dict with:
    - X_train, X_val, X_test: images, shape (n, 3, 32, 32), float64
    - y_train, y_val, y_test: labels, shape (n,), int64

    Raises FileNotFoundError, saying how to download the data, when the
    CIFAR-10 folder is missing. With CS231N_DATASET=synthetic the data is the
    generated stand-in instead.
    """
    X_all, y_all, X_test_all, y_test_all = load_CIFAR10(CIFAR10_DIR)
    val_end = num_training + num_validation

    def channels_first(X):
        return np.ascontiguousarray(X.transpose(0, 3, 1, 2))

    X_train, y_train = channels_first(X_all[:num_training]), y_all[:num_training]
    X_val, y_val = channels_first(X_all[num_training:val_end]), y_all[num_training:val_end]
    X_test, y_test = channels_first(X_test_all[:num_test]), y_test_all[:num_test]
    del X_all, X_test_all

    if subtract_mean:
        mean_image = X_train.mean(axis=0)
        X_train -= mean_image
        X_val -= mean_image
        X_test -= mean_image

    return {
        "X_train": X_train, "y_train": y_train,
        "X_val": X_val, "y_val": y_val,
        "X_test": X_test, "y_test": y_test,
    }


# ---------------------------------------------------------------- stand-in

def _class_styles(seed):
    """The look of each of the 10 synthetic classes.

    Returns a dict of arrays with one entry per class, shape (10,):
    - hue: hue of the class's object, in [0, 1); spread around the colour circle
    - angle: orientation of the object's stripes in radians; 18 degrees apart
    - freq: frequency of the stripes, in cycles per 32 pixels
    """
    rng = np.random.default_rng([seed, 0])
    num_classes = len(CIFAR10_CLASSES)
    hue = (np.arange(num_classes) + rng.uniform(-0.2, 0.2, num_classes)) / num_classes
    order = rng.permutation(num_classes)  # unrelate orientation and colour
    return {
        "hue": hue % 1.0,
        "angle": np.deg2rad(18.0 * order + rng.uniform(-3, 3, num_classes)),
        "freq": rng.uniform(1.5, 4.0, num_classes),
    }


def synthetic_cifar10_batch(name, num_images=None, seed=SYNTHETIC_SEED):
    """One batch of the synthetic CIFAR-10 stand-in, as the pickled files hold it.

    An image is a striped "object" (a soft disc at a random place) on a
    background that knows nothing of the class (a random colour gradient and a
    random blob). The object's hue and the orientation and frequency of its
    stripes depend on the class, each with random jitter; saturation, lightness,
    brightness, position, size and phase are random, and pixel noise is
    added. Neighbours, linear classifiers, nets, HOG (orientation) and hue
    histograms (colour) all find the classes, none perfectly. The labels are
    balanced. The same name and seed always give the same batch.

    Inputs:
    - name: 'data_batch_1' ... 'data_batch_5' or 'test_batch'
    - num_images: images in the batch; None means BATCH_SIZE (10000, as in the
      CIFAR-10 files)
    - seed: seed of the generator

    Returns a dict with:
    - data: uint8, shape (num_images, 3072); each row the red, green and blue
      32 x 32 planes, row-major
    - labels: list of num_images ints in [0, 10)
    - batch_label: a str naming the batch
    - filenames: list of num_images str
    """
    import matplotlib.colors

    names = TRAIN_BATCHES + [TEST_BATCH]
    if name not in names:
        raise ValueError(f"unknown CIFAR-10 batch {name!r}; use one of {names}")
    if num_images is None:
        num_images = BATCH_SIZE
    styles = _class_styles(seed)
    rng = np.random.default_rng([seed, 1 + names.index(name)])
    num_classes = len(CIFAR10_CLASSES)

    labels = np.resize(np.arange(num_classes), num_images)
    labels = labels[rng.permutation(num_images)]
    data = np.empty((num_images, 3072), dtype=np.uint8)
    u = (np.arange(32) - 15.5).astype(np.float32)  # pixel coordinates around the centre
    # Images are built channel-first, (m, 3, 32, 32) as in the files: patterns
    # have shape (m, 1, 32, 32) and colours (m, 3, 1, 1).
    row, col = u[None, None, :, None], u[None, None, None, :]
    chunk = 1000

    def per_image(values):
        return values.astype(np.float32)[:, None, None, None]

    def hsv_colours(hue, sat, val):
        rgb = matplotlib.colors.hsv_to_rgb(np.stack([hue % 1.0, sat, val], axis=1))
        return (255 * rgb).astype(np.float32)[:, :, None, None]  # (m, 3, 1, 1)

    def disc_distance(centre):
        return np.sqrt((row - per_image(centre[:, 0])) ** 2
                       + (col - per_image(centre[:, 1])) ** 2)

    for start in range(0, num_images, chunk):
        y = labels[start:start + chunk]
        m = len(y)
        # background: a linear blend of two random colours plus a random blob
        colours = rng.uniform(0, 255, (m, 3, 3)).astype(np.float32)  # (image, colour, RGB)
        first, second, blob_colour = (colours[:, k, :, None, None] for k in range(3))
        tilt = rng.uniform(0, 2 * np.pi, m)
        ramp = 0.5 + (per_image(np.cos(tilt)) * col + per_image(np.sin(tilt)) * row) / 32
        blob = np.exp(-disc_distance(rng.uniform(-16, 16, (m, 2))) ** 2
                      / per_image(2 * rng.uniform(3, 8, m) ** 2))
        image = first + ramp * (second - first)
        image += blob * (blob_colour - image)

        # the object: stripes of the class's orientation and frequency, in its hue
        angle = styles["angle"][y] + np.deg2rad(rng.normal(0, 6, m))
        freq = styles["freq"][y] * (1 + rng.normal(0, 0.1, m))
        hue = styles["hue"][y] + rng.normal(0, 0.05, m)
        dark = hsv_colours(hue, rng.uniform(0.3, 0.9, m), rng.uniform(0.2, 0.5, m))
        light = hsv_colours(hue, rng.uniform(0.2, 0.8, m), rng.uniform(0.6, 1.0, m))
        along = per_image(np.cos(angle)) * col + per_image(np.sin(angle)) * row
        wave = 0.5 + 0.5 * np.cos(per_image(2 * np.pi * freq / 32) * along
                                  + per_image(rng.uniform(0, 2 * np.pi, m)))
        stripes = dark + wave * (light - dark)
        radius = per_image(rng.uniform(9, 15, m))
        inside = np.clip(radius - disc_distance(rng.normal(0, 4, (m, 2))), 0, 1)
        image += inside * (stripes - image)                     # soft edge one pixel wide

        image *= per_image(rng.uniform(0.7, 1.3, m))
        image += 15 * rng.standard_normal(image.shape, dtype=np.float32)
        np.clip(np.rint(image, out=image), 0, 255, out=image)
        data[start:start + m] = image.reshape(m, 3072)

    label = "synthetic stand-in for CIFAR-10, " + name
    filenames = ["synthetic_%s_%05d.png" % (name, i) for i in range(num_images)]
    return {"batch_label": label, "labels": [int(c) for c in labels],
            "data": data, "filenames": filenames}


def write_synthetic_cifar10(folder, seed=SYNTHETIC_SEED):
    """Write the synthetic stand-in as a full-size cifar-10-batches-py folder.

    The files are those of CIFAR-10 (data_batch_1..5 and test_batch of 10000
    images each, and batches.meta), with the same keys and dtypes, about 184 MB.

    Inputs:
    - folder: where to write; created when missing
    - seed: seed of the generator
    """
    os.makedirs(folder, exist_ok=True)
    for name in TRAIN_BATCHES + [TEST_BATCH]:
        with open(os.path.join(folder, name), "wb") as f:
            pickle.dump(synthetic_cifar10_batch(name, seed=seed), f, protocol=2)
    meta = {"label_names": list(CIFAR10_CLASSES),
            "num_cases_per_batch": BATCH_SIZE, "num_vis": 3072}
    with open(os.path.join(folder, "batches.meta"), "wb") as f:
        pickle.dump(meta, f, protocol=2)


# ---------------------------------------------------------------- other data sets

def load_tiny_imagenet(path, dtype=np.float32, subtract_mean=True):
    """Load Tiny ImageNet (or a folder laid out like it).

    The folder holds wnids.txt (one WordNet id per line), words.txt (id, tab,
    comma-separated names), train/<wnid>/images/*.JPEG, val/images/ with
    val/val_annotations.txt (file name, tab, wnid, ...), and test/images/ with an
    optional test/test_annotations.txt.

    Inputs:
    - path: the folder
    - dtype: dtype of the returned images
    - subtract_mean: subtract the mean training image from every split

    Returns a dict with:
    - class_names: list; class_names[i] is the list of names of class i
    - X_train: shape (N_tr, 3, 64, 64); y_train: shape (N_tr,), int64
    - X_val: shape (N_val, 3, 64, 64); y_val: shape (N_val,)
    - X_test: shape (N_test, 3, 64, 64); y_test: shape (N_test,) or None when the
      test labels are not given
    - mean_image: the mean training image, shape (3, 64, 64)
    """
    from imageio.v2 import imread

    def read_image(filename):
        img = imread(filename)
        if img.ndim == 2:  # grayscale: repeat into three channels
            img = np.repeat(img[:, :, None], 3, axis=2)
        return img.transpose(2, 0, 1)

    def read_images(filenames):
        X = np.zeros((len(filenames), 3, 64, 64), dtype=dtype)
        for i, filename in enumerate(filenames):
            X[i] = read_image(filename)
        return X

    def read_annotations(filename):
        with open(filename) as f:
            return dict(line.split("\t")[:2] for line in f if line.strip())

    with open(os.path.join(path, "wnids.txt")) as f:
        wnids = [line.strip() for line in f if line.strip()]
    wnid_to_label = {wnid: i for i, wnid in enumerate(wnids)}

    names = {}
    with open(os.path.join(path, "words.txt")) as f:
        for line in f:
            wnid, _, words = line.rstrip("\n").partition("\t")
            names[wnid] = [w.strip() for w in words.split(",")]
    class_names = [names.get(wnid, [wnid]) for wnid in wnids]

    train_files, y_train = [], []
    for wnid in wnids:
        folder = os.path.join(path, "train", wnid, "images")
        files = sorted(os.listdir(folder))
        train_files += [os.path.join(folder, name) for name in files]
        y_train += [wnid_to_label[wnid]] * len(files)
    X_train, y_train = read_images(train_files), np.array(y_train, dtype=np.int64)

    val = read_annotations(os.path.join(path, "val", "val_annotations.txt"))
    val_names = sorted(val)
    X_val = read_images([os.path.join(path, "val", "images", n) for n in val_names])
    y_val = np.array([wnid_to_label[val[n]] for n in val_names], dtype=np.int64)

    test_names = sorted(os.listdir(os.path.join(path, "test", "images")))
    X_test = read_images([os.path.join(path, "test", "images", n) for n in test_names])
    y_test = None
    test_annotations = os.path.join(path, "test", "test_annotations.txt")
    if os.path.isfile(test_annotations):
        test = read_annotations(test_annotations)
        y_test = np.array([wnid_to_label[test[n]] for n in test_names], dtype=np.int64)

    mean_image = X_train.mean(axis=0)
    if subtract_mean:
        X_train -= mean_image[None]
        X_val -= mean_image[None]
        X_test -= mean_image[None]

    return {
        "class_names": class_names,
        "X_train": X_train, "y_train": y_train,
        "X_val": X_val, "y_val": y_val,
        "X_test": X_test, "y_test": y_test,
        "mean_image": mean_image,
    }


def load_models(models_dir):
    """Load the pickled models of a folder.

    Each file is a pickle of a dict whose 'model' entry is the model; files that
    are not such pickles are skipped.

    Inputs:
    - models_dir: the folder

    Returns:
    - models: dict from file name to model
    """
    models = {}
    for name in sorted(os.listdir(models_dir)):
        try:
            with open(os.path.join(models_dir, name), "rb") as f:
                models[name] = load_pickle(f)["model"]
        except (pickle.UnpicklingError, EOFError, KeyError, TypeError,
                IsADirectoryError, ValueError):
            continue
    return models


def load_imagenet_val(num=None):
    """Load the small ImageNet validation sample (cs231n/datasets/imagenet_val_25.npz).

    Inputs:
    - num: how many images to return (None: all 25)

    Returns a tuple of:
    - X: images, shape (num, 224, 224, 3)
    - y: labels, shape (num,), ints in [0, 1000)
    - class_names: dict from label to class name

    Raises FileNotFoundError, saying how to download it, when the file is missing.
    """
    if not os.path.isfile(IMAGENET_VAL_FILE):
        raise FileNotFoundError(
            f"{IMAGENET_VAL_FILE} was not found. Download it with:\n"
            "    cd cs231n/datasets && bash get_datasets.sh")
    with np.load(IMAGENET_VAL_FILE, allow_pickle=True) as f:
        X, y, class_names = f["X"], f["y"], f["label_map"].item()
    if num is not None:
        X, y = X[:num], y[:num]
    return X, y, class_names
