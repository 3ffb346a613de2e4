"""Hidden checks of the Batch Normalization assignment: fixtures and import paths.

The helpers of ``public/`` are shared; the hidden ones (bug models, the speed check)
live next to this file and are never shipped to students.
"""

import sys
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent
for _path in (str(_HERE / "public"), str(_HERE)):
    if _path not in sys.path:
        sys.path.insert(0, _path)


@pytest.fixture
def ref_layers(reference):
    """The reference ``cs231n.layers`` module (in the controller)."""
    return reference.module("cs231n.layers")
