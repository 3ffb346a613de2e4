"""A small synthetic stand-in for the COCO captioning data, in COCO's file formats.

It exists for working and testing offline: ``load_coco_data`` reads it unchanged
(set ``CS231N_DATASET=synthetic``, or pass its folder as ``base_dir``). The
files, dataset names, dtypes and JSON keys are those of the real data:

- ``coco2014_captions.h5``: ``train_captions`` / ``val_captions`` (n, 17) int32
  and ``train_image_idxs`` / ``val_image_idxs`` (n,) int32
- ``train2014_vgg16_fc7_pca.h5``, ``val2014_vgg16_fc7_pca.h5``: ``features``
  (images, 512) float32; and on request (``fc7_dim=4096``)
  ``train2014_vgg16_fc7.h5``, ``val2014_vgg16_fc7.h5``: ``features`` (images,
  4096) float32
- ``coco2014_vocab.json``: ``idx_to_word`` (a list) and ``word_to_idx``; indices
  0-3 are ``<NULL>``, ``<START>``, ``<END>``, ``<UNK>``
- ``train2014_urls.txt``, ``val2014_urls.txt``: one placeholder URL per image
  (scheme ``standin:``; nothing can be downloaded from them)

How it is made: every image belongs to one of a few topics. Its feature is the
topic's random centre plus a code of the image's main noun plus a larger random
part of its own; its five
captions are short templates filled with words of its topic (the main noun in
every one). Rare words are replaced by ``<UNK>`` now and then. The words are
made-up syllable strings. The same seed always gives the same files, and the
global numpy random state is not touched.

Command line (from the assignment folder)::

    python -m cs231n.coco_standin [OUT_DIR] [--seed 231]
"""

import json
import os

import numpy as np

SPECIAL_WORDS = ["<NULL>", "<START>", "<END>", "<UNK>"]
CAPTION_LENGTH = 17
FEATURE_DIM = 512
FC7_DIM = 4096
DEFAULT_SEED = 231

# Standard deviations of the three parts of a feature: the topic's centre, the code of
# the image's main noun, and the image's own part. The image's own part dominates, as in
# real features, where no two images look alike: with the topic dominating instead, the
# reference's 50-caption RNN overfit run ended near 0.2 instead of below 0.1.
TOPIC_SCALE, NOUN_SCALE, IMAGE_SCALE = 0.5, 0.5, 2.0

FUNCTION_WORDS = ["a", "the", "two", "three", "some", "and", "with", "of", "is", "are"]
PREPOSITIONS = ["on", "in", "near", "at", "under", "over", "by", "beside", "behind", "inside"]

REQUIRED_FILES = (
    "coco2014_captions.h5",
    "train2014_vgg16_fc7_pca.h5",
    "val2014_vgg16_fc7_pca.h5",
    "coco2014_vocab.json",
    "train2014_urls.txt",
    "val2014_urls.txt",
)
FC7_FILES = ("train2014_vgg16_fc7.h5", "val2014_vgg16_fc7.h5")


def is_complete(folder):
    """Whether folder holds every file load_coco_data needs with PCA features."""
    return all(os.path.isfile(os.path.join(folder, name)) for name in REQUIRED_FILES)


def _made_up_words(rng, count, taken):
    """count distinct pronounceable strings of 2-3 syllables, none in taken."""
    consonants = list("bdfgklmnprstvz")
    vowels = list("aeiou")
    words, seen = [], set(taken)
    while len(words) < count:
        syllables = rng.integers(2, 4)
        word = "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(syllables))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _vocabulary(rng, vocab_size, num_topics):
    """The word list and each topic's word groups.

    Returns a tuple of:
    - idx_to_word: list of vocab_size words, the special ones first
    - topics: list of num_topics dicts with lists of indices under 'nouns',
      'adjectives', 'verbs', 'places'
    - rare: array of indices of words that captions never use (kept so that the
      vocabulary has its full size)
    """
    fixed = SPECIAL_WORDS + FUNCTION_WORDS + PREPOSITIONS
    if vocab_size < len(fixed) + 4 * num_topics:
        raise ValueError(f"vocab_size={vocab_size} is too small for {num_topics} topics")
    made_up = _made_up_words(rng, vocab_size - len(fixed), fixed)
    idx_to_word = fixed + made_up

    first = len(fixed)
    group_sizes = {"nouns": 12, "adjectives": 6, "verbs": 6, "places": 6}
    per_topic = sum(group_sizes.values())
    per_topic = min(per_topic, (vocab_size - first) // num_topics)
    sizes = dict(group_sizes)
    while sum(sizes.values()) > per_topic:          # tiny vocabularies: shrink the groups
        biggest = max(sizes, key=sizes.get)
        sizes[biggest] -= 1
    topics = []
    for topic in range(num_topics):
        start = first + topic * sum(sizes.values())
        groups = {}
        for name, size in sizes.items():
            groups[name] = list(range(start, start + size))
            start += size
        topics.append(groups)
    rare = np.arange(first + num_topics * sum(sizes.values()), vocab_size)
    return idx_to_word, topics, rare


def _caption(rng, word_to_idx, topic, noun, adjective, place, rare, unk_rate):
    """One caption row: <START>, 5-14 words, <END>, <NULL> padding to 17 entries."""
    w = word_to_idx

    def pick(group):
        return int(rng.choice(topic[group]))

    def prep():
        return w[PREPOSITIONS[rng.integers(len(PREPOSITIONS))]]

    adj = adjective if rng.random() < 0.7 else pick("adjectives")
    where = place if rng.random() < 0.7 else pick("places")
    verb = pick("verbs")
    form = rng.integers(4)
    if form == 0:
        words = [w["a"], adj, noun, verb, prep(), w["the"], where]
    elif form == 1:
        words = [w["two"], noun, w["are"], verb, prep(), w["a"], pick("adjectives"), where]
    elif form == 2:
        words = [w["the"], noun, w["is"], prep(), w["the"], where, w["with"], w["some"],
                 pick("nouns")]
    else:
        words = [w["a"], adj, noun, w["and"], w["a"], pick("nouns"), verb, prep(), w["the"],
                 pick("adjectives"), where]
    if len(rare) and rng.random() < 0.1:            # a rare word, written as <UNK>
        words.insert(int(rng.integers(1, len(words))), int(rng.choice(rare)))
    words = [w["<UNK>"] if rng.random() < unk_rate else x for x in words]
    words = words[:CAPTION_LENGTH - 2]
    row = np.full(CAPTION_LENGTH, w["<NULL>"], dtype=np.int32)
    row[0] = w["<START>"]
    row[1:len(words) + 1] = words
    row[len(words) + 1] = w["<END>"]
    # Rare words are known to the vocabulary but appear in captions as <UNK>.
    row[np.isin(row, rare)] = w["<UNK>"]
    return row


def make_standin_coco(seed=DEFAULT_SEED, num_train_images=10000, num_val_images=1000,
                      captions_per_image=5, num_topics=20, vocab_size=1004,
                      feature_dim=FEATURE_DIM, fc7_dim=0, unk_rate=0.02):
    """Generate the stand-in data in memory.

    Inputs:
    - seed: seed of the generator (same seed, same data)
    - num_train_images, num_val_images: number of images of the two splits.
      The training split is large enough that 50 captions drawn at random
      rarely share an image (two different captions of one image cannot both
      be fitted, which would keep a 50-caption overfit run above its target)
    - captions_per_image: captions per image
    - num_topics: number of image topics
    - vocab_size: number of words, the four special ones included
    - feature_dim: size of the PCA-like features
    - fc7_dim: size of the fc7-like features, FC7_DIM (4096) as in COCO, or 0
      for none (the default: at the default sizes they would take 180 MB, and
      only load_coco_data(pca_features=False) reads them)
    - unk_rate: probability that a word of a caption becomes <UNK>

    Returns a dict with the keys of load_coco_data (train_captions,
    train_image_idxs, val_captions, val_image_idxs, train_features,
    val_features, idx_to_word, word_to_idx, train_urls, val_urls), the URLs as
    lists of str, plus train_fc7 and val_fc7 when fc7_dim > 0.
    """
    rng = np.random.default_rng(seed)
    idx_to_word, topics, rare = _vocabulary(rng, vocab_size, num_topics)
    word_to_idx = {word: i for i, word in enumerate(idx_to_word)}

    centres = TOPIC_SCALE * rng.standard_normal((num_topics, feature_dim))
    noun_codes = NOUN_SCALE * rng.standard_normal((vocab_size, feature_dim))
    fc7_map = (rng.standard_normal((feature_dim, fc7_dim)) / np.sqrt(feature_dim)
               if fc7_dim else None)

    data = {}
    splits = {"train": num_train_images, "val": num_val_images}
    for split, num_images in splits.items():
        image_topic = rng.integers(num_topics, size=num_images)
        rows, idxs, features = [], [], np.empty((num_images, feature_dim), np.float32)
        for image, t in enumerate(image_topic):
            topic = topics[t]
            noun = int(rng.choice(topic["nouns"]))
            adjective = int(rng.choice(topic["adjectives"]))
            place = int(rng.choice(topic["places"]))
            features[image] = (centres[t] + noun_codes[noun]
                               + IMAGE_SCALE * rng.standard_normal(feature_dim))
            for _ in range(captions_per_image):
                rows.append(_caption(rng, word_to_idx, topic, noun, adjective, place,
                                     rare, unk_rate))
                idxs.append(image)
        order = rng.permutation(len(rows))
        data[f"{split}_captions"] = np.stack(rows)[order].astype(np.int32)
        data[f"{split}_image_idxs"] = np.asarray(idxs, dtype=np.int32)[order]
        data[f"{split}_features"] = features
        if fc7_dim:
            data[f"{split}_fc7"] = np.maximum(features @ fc7_map, 0).astype(np.float32)
        data[f"{split}_urls"] = [f"standin://coco/{split}2014/{i:012d}.jpg"
                                 for i in range(num_images)]
    data["idx_to_word"] = idx_to_word
    data["word_to_idx"] = word_to_idx
    return data


def _replace(path, write):
    """Write a file through a temporary name, so that it appears complete or not at all."""
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_standin_coco(out_dir, seed=DEFAULT_SEED, **sizes):
    """Write the stand-in files into out_dir (created if needed).

    Inputs:
    - out_dir: the folder to write
    - seed: seed of the generator
    - sizes: keyword arguments of make_standin_coco (numbers of images,
      vocab_size, fc7_dim, ...)

    Returns:
    - out_dir
    """
    import h5py

    data = make_standin_coco(seed=seed, **sizes)
    os.makedirs(out_dir, exist_ok=True)

    def h5(path, datasets):
        def write(tmp):
            with h5py.File(tmp, "w") as f:
                for name, value in datasets.items():
                    f.create_dataset(name, data=value)
        _replace(os.path.join(out_dir, path), write)

    def text(path, content):
        def write(tmp):
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(content)
        _replace(os.path.join(out_dir, path), write)

    for split in ("train", "val"):
        h5(f"{split}2014_vgg16_fc7_pca.h5", {"features": data[f"{split}_features"]})
        if f"{split}_fc7" in data:
            h5(f"{split}2014_vgg16_fc7.h5", {"features": data[f"{split}_fc7"]})
        text(f"{split}2014_urls.txt", "".join(url + "\n" for url in data[f"{split}_urls"]))
    text("coco2014_vocab.json", json.dumps({"idx_to_word": data["idx_to_word"],
                                            "word_to_idx": data["word_to_idx"]}))
    # Written last: is_complete() looks for it among the others.
    h5("coco2014_captions.h5", {name: data[name] for name in (
        "train_captions", "train_image_idxs", "val_captions", "val_image_idxs")})
    return out_dir


def main(argv=None):
    """Command line: write the stand-in into a folder (default: the one
    load_coco_data uses with CS231N_DATASET=synthetic)."""
    import argparse

    from .coco_utils import STANDIN_DIR

    parser = argparse.ArgumentParser(description="Write a synthetic COCO captioning stand-in.")
    parser.add_argument("out_dir", nargs="?", default=STANDIN_DIR)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    print("wrote", write_standin_coco(args.out_dir, seed=args.seed))


if __name__ == "__main__":
    main()
