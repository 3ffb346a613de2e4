"""Public checks of assignment 3 (shipped to students as public_checks/).

Makes the helper modules next to this file importable whatever pytest's import mode.
"""

import sys
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)


@pytest.fixture
def elsewhere(request):
    """In the grade, the hidden checks' bug models (``bug_models``), so that a notebook
    check does not charge a bug another check charges; None where the public checks run
    on their own (a student's machine), which then show the cell's own numbers."""
    try:
        return request.getfixturevalue("hidden_models")
    except (RuntimeError, pytest.FixtureLookupError):
        return None
