"""Public checks of assignment 1 (shipped to students as public_checks/).

Makes the helper module next to this file importable whatever pytest's import mode.
"""

import sys
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)


@pytest.fixture
def cell_reference(request):
    """The reference package in the grade, None where the public checks run without it
    (a student's own run).

    A bug is charged once, in the checks of the function it lives in: in the grade, a
    notebook-cell check compares the function its cell is about with the reference's
    version of what the cell compares it with, so only that function can fail it.
    Without the reference the check compares the student's own functions, as the cell
    does.
    """
    try:
        return request.getfixturevalue("reference")
    except (RuntimeError, pytest.FixtureLookupError):
        return None
