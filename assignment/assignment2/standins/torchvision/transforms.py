"""The few torchvision transforms PyTorch.ipynb (and a typical challenge) uses.

Each takes what torchvision's takes for these uses: PIL images before ``ToTensor``,
(C, H, W) float tensors after it.
"""

from __future__ import annotations

import random

import numpy as np
import torch
from PIL import ImageOps


class Compose:
    """Apply ``transforms`` in order."""

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, image):
        for transform in self.transforms:
            image = transform(image)
        return image


class ToTensor:
    """PIL image (H, W, C) uint8 -> float tensor (C, H, W) in [0, 1]."""

    def __call__(self, image):
        array = np.asarray(image, dtype=np.float32) / 255.0
        if array.ndim == 2:
            array = array[:, :, None]
        return torch.from_numpy(array.transpose(2, 0, 1).copy())


class Normalize:
    """(x - mean) / std per channel of a (C, H, W) tensor."""

    def __init__(self, mean, std):
        self.mean = torch.tensor(mean, dtype=torch.float32).view(-1, 1, 1)
        self.std = torch.tensor(std, dtype=torch.float32).view(-1, 1, 1)

    def __call__(self, tensor):
        return (tensor - self.mean.to(tensor.dtype)) / self.std.to(tensor.dtype)


class RandomHorizontalFlip:
    """Mirror a PIL image left-right with probability ``p``."""

    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, image):
        return ImageOps.mirror(image) if random.random() < self.p else image


class RandomCrop:
    """A random ``size`` x ``size`` crop of a PIL image zero-padded by ``padding``."""

    def __init__(self, size, padding=0):
        self.size = size if isinstance(size, (tuple, list)) else (size, size)
        self.padding = padding

    def __call__(self, image):
        if self.padding:
            image = ImageOps.expand(image, border=self.padding, fill=0)
        height, width = self.size
        top = random.randint(0, image.height - height)
        left = random.randint(0, image.width - width)
        return image.crop((left, top, left + width, top + height))


__all__ = ["Compose", "ToTensor", "Normalize", "RandomHorizontalFlip", "RandomCrop"]
