"""Loading CIFAR-10, or on purpose a synthetic stand-in for offline use.

The real data is read from ``cs231n/datasets/cifar-10-batches-py`` (fetch it with
``cd cs231n/datasets && bash get_datasets.sh``). Setting the environment variable
``CS231N_DATASET=synthetic`` replaces it with generated images of the same shapes
and dtypes; nothing selects the stand-in silently.
"""

import os
import pickle

import numpy as np

CIFAR10_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "datasets", "cifar-10-batches-py")
SYNTHETIC_SEED = 231


def load_CIFAR_batch(filename):
    """Load one CIFAR-10 python batch file.

    Inputs:
    - filename: path of a pickled batch (e.g. data_batch_1)

    Returns a tuple of:
    - X: images, shape (n, 32, 32, 3), float64 values in [0, 255]
    - y: labels, shape (n,), int64 in [0, 10)
    """
    with open(filename, "rb") as f:
        batch = pickle.load(f, encoding="latin1")
    X = batch["data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).astype(np.float64)
    y = np.array(batch["labels"], dtype=np.int64)
    return X, y


def load_CIFAR10(ROOT):
    """Load all of CIFAR-10 from the folder of python batches.

    Inputs:
    - ROOT: folder holding data_batch_1..data_batch_5 and test_batch

    Returns a tuple of:
    - X_train: shape (50000, 32, 32, 3), float64
    - y_train: shape (50000,), int64
    - X_test: shape (10000, 32, 32, 3), float64
    - y_test: shape (10000,), int64
    """
    parts = [load_CIFAR_batch(os.path.join(ROOT, f"data_batch_{b}")) for b in range(1, 6)]
    X_train = np.concatenate([X for X, _ in parts])
    y_train = np.concatenate([y for _, y in parts])
    X_test, y_test = load_CIFAR_batch(os.path.join(ROOT, "test_batch"))
    return X_train, y_train, X_test, y_test


def _missing_data_message(folder):
    """The error message for a missing CIFAR-10 folder (a str naming folder)."""
    return (
        f"CIFAR-10 was not found in {folder}. Download it (about 163 MB) with:\n"
        "    cd cs231n/datasets && bash get_datasets.sh\n"
        "To work offline on a synthetic stand-in instead (generated images, not "
        "CIFAR-10), set the environment variable CS231N_DATASET=synthetic."
    )


def _cosine_waves(size=32, num_freqs=8):
    """The first num_freqs orthonormal cosine waves (DCT-II) on size points.

    Inputs:
    - size: number of points
    - num_freqs: number of waves

    Returns:
    - waves: shape (num_freqs, size); row u oscillates u half-periods
    """
    t = (np.arange(size) + 0.5) / size
    waves = np.cos(np.pi * np.outer(np.arange(num_freqs), t))
    return waves / np.linalg.norm(waves, axis=1, keepdims=True)


def load_synthetic_cifar10(num_training=49000, num_validation=1000, num_test=1000,
                           seed=SYNTHETIC_SEED):
    """Generate a synthetic stand-in for CIFAR-10 (for offline work and tests).

    Each colour channel of an image is a smooth pattern: a sum of 2-D cosine
    waves of low frequency (u, v < 8) whose amplitudes fall off like
    1 / (1 + u + v)**3, as in natural images. Each class has three prototype
    patterns; an image is one of its class's prototypes plus an equally strong
    random pattern, plus a little pixel noise. The class information thus
    lies partly in faint, fine details, which makes training slow for poorly
    conditioned (e.g. deep, unnormalized) nets. The same seed always gives the
    same data.

    Inputs:
    - num_training, num_validation, num_test: sizes of the three splits
    - seed: seed of the generator

    Returns a tuple of:
    - X_train, y_train, X_val, y_val, X_test, y_test: images of shape
      (n, 3, 32, 32), float64 centred on 128 with a pixel standard deviation
      of about 60, and labels of shape (n,), int64 in [0, 10)
    """
    print("NOTE: using a SYNTHETIC stand-in for CIFAR-10 (CS231N_DATASET=synthetic), "
          "not real images.")
    num_classes, prototypes_per_class, num_freqs, falloff = 10, 3, 8, 3.0
    pixel_std, noise_std, chunk = 60.0, 2.0, 1024
    rng = np.random.default_rng(seed)

    waves = _cosine_waves(32, num_freqs)
    freq = np.add.outer(np.arange(num_freqs), np.arange(num_freqs))
    spectrum = 1.0 / (1.0 + freq) ** falloff
    # Prototype and random part have unit variance each; scale the sum so that
    # pixels get a standard deviation of about pixel_std.
    spectrum *= pixel_std * 32 / np.sqrt(2 * np.sum(spectrum**2))
    prototypes = rng.standard_normal((num_classes, prototypes_per_class, 3,
                                      num_freqs, num_freqs))
    noise_bank = noise_std * rng.standard_normal((3 * chunk, 3, 32, 32))

    def make_split(n):
        y = rng.integers(num_classes, size=n)
        which = rng.integers(prototypes_per_class, size=n)
        X = np.empty((n, 3, 32, 32))
        # Build the images a block at a time, so that no temporary as large as
        # the split is ever allocated. For each channel,
        # image = waves.T @ coefficients @ waves.
        for start in range(0, n, chunk):
            rows = slice(start, min(start + chunk, n))
            m = rows.stop - start
            coeffs = prototypes[y[rows], which[rows]]
            coeffs += rng.standard_normal(coeffs.shape)
            coeffs *= spectrum
            half = np.matmul(coeffs, waves)            # (m, 3, num_freqs, 32)
            np.matmul(waves.T, half, out=X[rows])      # (m, 3, 32, 32)
            offset = rng.integers(len(noise_bank) - m + 1)
            X[rows] += noise_bank[offset:offset + m]
        X += 128.0
        return X, y.astype(np.int64)

    X_train, y_train = make_split(num_training)
    X_val, y_val = make_split(num_validation)
    X_test, y_test = make_split(num_test)
    return X_train, y_train, X_val, y_val, X_test, y_test


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
    generated stand-in of load_synthetic_cifar10 instead.
    """
    source = os.environ.get("CS231N_DATASET", "cifar10").strip().lower()
    if source == "synthetic":
        X_train, y_train, X_val, y_val, X_test, y_test = load_synthetic_cifar10(
            num_training, num_validation, num_test)
    elif source in ("", "cifar10"):
        if not os.path.isdir(CIFAR10_DIR):
            raise FileNotFoundError(_missing_data_message(CIFAR10_DIR))
        X_all, y_all, X_test_all, y_test_all = load_CIFAR10(CIFAR10_DIR)
        val_end = num_training + num_validation

        def channels_first(X):
            return np.ascontiguousarray(X.transpose(0, 3, 1, 2))

        X_train, y_train = channels_first(X_all[:num_training]), y_all[:num_training]
        X_val, y_val = channels_first(X_all[num_training:val_end]), y_all[num_training:val_end]
        X_test, y_test = channels_first(X_test_all[:num_test]), y_test_all[:num_test]
    else:
        raise ValueError(f"CS231N_DATASET={source!r}: use 'cifar10' (the default) "
                         "or 'synthetic'")

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
