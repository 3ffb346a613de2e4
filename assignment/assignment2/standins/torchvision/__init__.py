"""A stand-in for the parts of torchvision that PyTorch.ipynb uses, for offline checks.

Not torchvision. ``gradekit release --check-notebooks`` puts the folder above this one
first on the kernel's path ([release.notebook_check] python_path in assignment.toml),
because the real ``torchvision.datasets.CIFAR10`` verifies MD5 sums and downloads the
archive on any mismatch, so no offline file set can satisfy it, and because PyPI's
torchvision needs a newer (CUDA) torch than the one this course pins. Students use the
real torchvision; this package is never shipped to them.

- :mod:`.datasets`: ``CIFAR10`` with torchvision's arguments and item format, holding
  generated images (50000 training items, 10000 test items);
- :mod:`.transforms`: ``Compose``, ``ToTensor``, ``Normalize`` and two augmentations
  (``RandomHorizontalFlip``, ``RandomCrop``).
"""

from torchvision import datasets, transforms

__version__ = "0.0+stand-in"
__all__ = ["datasets", "transforms"]
