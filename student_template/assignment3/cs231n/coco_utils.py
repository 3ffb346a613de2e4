"""Loading the COCO 2014 captioning data: integer captions, image features and
image URLs.

The files live in ``cs231n/datasets/coco_captioning`` (fetch them with
``cd cs231n/datasets && bash get_datasets.sh``):

- ``coco2014_captions.h5``: ``train_captions``, ``train_image_idxs``,
  ``val_captions``, ``val_image_idxs``
- ``train2014_vgg16_fc7_pca.h5`` and ``val2014_vgg16_fc7_pca.h5``: dataset
  ``features``, 512 PCA components of VGG-16 fc7 activations per image
- ``train2014_vgg16_fc7.h5`` and ``val2014_vgg16_fc7.h5``: the full 4096-d
  activations (read only with ``pca_features=False``)
- ``coco2014_vocab.json``: ``idx_to_word`` and ``word_to_idx``
- ``train2014_urls.txt`` and ``val2014_urls.txt``: one image URL per line

Setting the environment variable ``CS231N_DATASET=synthetic`` makes the
default folder a small synthetic stand-in written in the same formats (see
``cs231n.coco_standin``); nothing selects it silently.
"""

import json
import os

import numpy as np

DATASETS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "datasets")
BASE_DIR = os.path.join(DATASETS_DIR, "coco_captioning")
STANDIN_DIR = os.path.join(DATASETS_DIR, "coco_captioning_synthetic")


def _resolve_base_dir(base_dir):
    """The folder load_coco_data reads for the base_dir it was given (a str).

    Any folder other than BASE_DIR is read as given. BASE_DIR is COCO itself,
    or with CS231N_DATASET=synthetic the stand-in folder (the environment
    variable CS231N_COCO_STANDIN_DIR may move it), which is written first if
    it is missing.
    """
    if os.path.abspath(base_dir) != BASE_DIR:
        return base_dir
    source = os.environ.get("CS231N_DATASET", "coco").strip().lower()
    if source in ("", "coco"):
        return base_dir
    if source != "synthetic":
        raise ValueError(f"CS231N_DATASET={source!r}: use 'coco' (the default) "
                         "or 'synthetic'")
    from . import coco_standin

    folder = os.environ.get("CS231N_COCO_STANDIN_DIR") or STANDIN_DIR
    print("NOTE: using a SYNTHETIC stand-in for the COCO captions "
          "(CS231N_DATASET=synthetic), not real data.")
    if not coco_standin.is_complete(folder):
        coco_standin.write_standin_coco(folder)
    return folder


def _missing_data_message(folder):
    """The error message for a missing COCO folder (a str naming folder)."""
    return (
        f"The COCO captioning data was not found in {folder}. Download it "
        "(about 1 GB) with:\n"
        "    cd cs231n/datasets && bash get_datasets.sh\n"
        "To work offline on a synthetic stand-in instead (generated captions and "
        "features, not COCO), set the environment variable CS231N_DATASET=synthetic."
    )


def load_coco_data(base_dir=BASE_DIR, max_train=None, pca_features=True):
    """Load the COCO captioning data into a dict.

    Inputs:
    - base_dir: the data folder; by default cs231n/datasets/coco_captioning,
      or the synthetic stand-in when CS231N_DATASET=synthetic
    - max_train: when given, keep only this many training captions, drawn
      with replacement with np.random.randint (features and URLs are kept
      whole)
    - pca_features: read the 512-d PCA features (True) or the 4096-d fc7 ones

    Returns a dict with, in this order:
    - train_captions (N_train, 17) int32, train_image_idxs (N_train,) int32,
      val_captions (N_val, 17) int32, val_image_idxs (N_val,) int32: every
      dataset of coco2014_captions.h5; row i of *_captions describes the image
      *_image_idxs[i]
    - train_features (I_train, 512) float32, val_features (I_val, 512) float32
    - idx_to_word: list of the V words; word_to_idx: dict word -> index
    - train_urls (I_train,), val_urls (I_val,): numpy arrays of str

    Raises FileNotFoundError, saying how to download the data, when the
    folder is missing.
    """
    import h5py

    base_dir = _resolve_base_dir(base_dir)
    print("base dir ", base_dir)
    if not os.path.isdir(base_dir):
        raise FileNotFoundError(_missing_data_message(base_dir))

    data = {}
    with h5py.File(os.path.join(base_dir, "coco2014_captions.h5"), "r") as f:
        for name, dataset in f.items():
            data[name] = np.asarray(dataset)

    suffix = "_pca" if pca_features else ""
    for split in ("train", "val"):
        path = os.path.join(base_dir, f"{split}2014_vgg16_fc7{suffix}.h5")
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{path} is missing" + (
                "" if pca_features else " (a synthetic stand-in has the 4096-d features "
                "only when written with fc7_dim=4096)"))
        with h5py.File(path, "r") as f:
            data[f"{split}_features"] = np.asarray(f["features"])

    with open(os.path.join(base_dir, "coco2014_vocab.json"), "r") as f:
        for key, value in json.load(f).items():
            data[key] = value

    for split in ("train", "val"):
        with open(os.path.join(base_dir, f"{split}2014_urls.txt"), "r") as f:
            urls = [line.strip() for line in f]
        data[f"{split}_urls"] = np.asarray(urls)

    if max_train is not None:
        num_train = data["train_captions"].shape[0]
        keep = np.random.randint(num_train, size=max_train)
        data["train_captions"] = data["train_captions"][keep]
        data["train_image_idxs"] = data["train_image_idxs"][keep]
    return data


def decode_captions(captions, idx_to_word):
    """Turn word indices back into text.

    <NULL> words are left out, <START> is kept, and a caption ends with its
    first <END> (which is kept).

    Inputs:
    - captions: integer word indices, shape (T,) for one caption or (N, T)
    - idx_to_word: list (or dict) from index to word

    Returns:
    - one str for a single caption, else a list of N str
    """
    captions = np.asarray(captions)
    single = captions.ndim == 1
    if single:
        captions = captions[None, :]
    decoded = []
    for row in captions:
        words = []
        for index in row:
            word = idx_to_word[int(index)]
            if word != "<NULL>":
                words.append(word)
            if word == "<END>":
                break
        decoded.append(" ".join(words))
    return decoded[0] if single else decoded


def sample_coco_minibatch(data, batch_size=100, split="train"):
    """Draw a minibatch of captions with their images, with replacement.

    Inputs:
    - data: the dict of load_coco_data
    - batch_size: number of captions
    - split: 'train' or 'val'

    Returns a tuple of:
    - captions: shape (batch_size, 17), int32
    - image_features: the features of each caption's image, shape
      (batch_size, D)
    - urls: the URL of each caption's image, shape (batch_size,)
    """
    split_size = data[f"{split}_captions"].shape[0]
    chosen = np.random.choice(split_size, batch_size)
    captions = data[f"{split}_captions"][chosen]
    image_idxs = data[f"{split}_image_idxs"][chosen]
    image_features = data[f"{split}_features"][image_idxs]
    urls = data[f"{split}_urls"][image_idxs]
    return captions, image_features, urls
