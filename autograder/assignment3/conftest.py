"""Hidden checks of assignment 3: import paths and the fixtures they share.

The helpers of ``public/`` are shared; the hidden ones (bug models, the worker-side
substitutes of torch_fixed.py) live next to this file and are never shipped to students.
"""

import sys
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent
for _path in (str(_HERE / "public"), str(_HERE)):
    if _path not in sys.path:
        sys.path.insert(0, _path)


@pytest.fixture
def hidden_models(student, reference):
    """The bug models the public notebook checks ask in the grade (``elsewhere``)."""
    import bug_models

    return bug_models.Hidden(student, reference)


@pytest.fixture
def ref_rnn(reference):
    """The reference ``cs231n.rnn_layers`` (in the controller)."""
    return reference.module("cs231n.rnn_layers")
