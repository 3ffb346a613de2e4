"""``CIFAR10``: generated images in torchvision's CIFAR-10 form, nothing downloaded.

Every item is made on demand from its index, so the 50000 training images cost nothing
until read and the same index always gives the same image. Each class has a smooth
colour pattern of its own; an image is its class's pattern, plus a smooth pattern of its
own as strong, plus pixel noise. A small ConvNet learns the classes within a few hundred
steps, which is all an offline run of the notebook needs.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

SEED = 2310
CLASSES = ["airplane", "automobile", "bird", "cat", "deer",
           "dog", "frog", "horse", "ship", "truck"]
_SIZES = {True: 50000, False: 10000}


def _smooth(rng: np.random.Generator, count: int) -> np.ndarray:
    """``count`` smooth patterns of shape (32, 32, 3), unit scale: random 4x4 colour grids
    blown up bilinearly."""
    grid = rng.standard_normal((count, 4, 4, 3))
    steps = np.linspace(0, 3, 32)
    low = np.floor(steps).astype(int).clip(0, 2)
    frac = (steps - low)[:, None]
    rows = grid[:, low] * (1 - frac)[None, :, :, None] + grid[:, low + 1] * frac[None, :, :, None]
    cols = (rows[:, :, low] * (1 - frac.T)[None, :, :, None]
            + rows[:, :, low + 1] * frac.T[None, :, :, None])
    return cols  # (count, 32, 32, 3)


_PROTOTYPES = _smooth(np.random.default_rng(SEED), len(CLASSES))


class CIFAR10:
    """torchvision's ``CIFAR10(root, train=True, transform=None, target_transform=None,
    download=False)``: items are ``(PIL.Image 32x32 RGB, int label)`` before the
    transforms; ``.train``, ``.classes``, ``.targets`` as torchvision has them."""

    def __init__(self, root, train=True, transform=None, target_transform=None,
                 download=False):
        self.root = root
        self.train = bool(train)
        self.transform = transform
        self.target_transform = target_transform
        self.classes = list(CLASSES)
        count = _SIZES[self.train]
        labels = np.random.default_rng([SEED, int(self.train)]).integers(len(CLASSES),
                                                                         size=count)
        self.targets = labels.tolist()
        print(f"NOTE: torchvision stand-in: {count} generated CIFAR-10-shaped "
              f"{'training' if self.train else 'test'} images, not real ones.")

    def __len__(self):
        return len(self.targets)

    def image(self, index):
        """The item's picture, (32, 32, 3) uint8."""
        label = self.targets[index]
        rng = np.random.default_rng([SEED, int(self.train), index])
        pixels = (128 + 45 * _PROTOTYPES[label] + 45 * _smooth(rng, 1)[0]
                  + 12 * rng.standard_normal((32, 32, 3)))
        return np.clip(pixels, 0, 255).astype(np.uint8)

    def __getitem__(self, index):
        index = int(index)
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} out of range for {len(self)} items")
        index %= len(self)
        image, target = Image.fromarray(self.image(index), mode="RGB"), self.targets[index]
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def __repr__(self):
        split = "Train" if self.train else "Test"
        return (f"Dataset CIFAR10 (stand-in)\n    Number of datapoints: {len(self)}\n"
                f"    Split: {split}")
