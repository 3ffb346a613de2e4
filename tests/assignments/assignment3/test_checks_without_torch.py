"""A worker without PyTorch: the Transformer checks say it is an environment limit (not a
verdict on the student's code), and the numpy checks are unaffected."""

import dataclasses
from pathlib import Path

import pytest

from gradekit.checklib import ENVIRONMENT_LIMIT
from gradekit.config import load_assignment
from gradekit.grading.grade import grade_submission
from tests.support.paths import course

pytestmark = [pytest.mark.confined, pytest.mark.slow]

CHECKS = {"1.2", "5.1", "5.2", "6.2", "7.2"}


def test_a_worker_without_torch_reports_an_environment_limit():
    config = load_assignment(course("assignment3").toml)
    sandbox = dataclasses.replace(config.grading.sandbox, packages=())
    config = dataclasses.replace(
        config, grading=dataclasses.replace(config.grading, sandbox=sandbox))
    result = grade_submission(Path(course("assignment3").solutions), config, seed=1,
                              select=lambda number: number in CHECKS)
    checks = {check.number: check for check in result.checks}
    assert set(checks) == CHECKS
    assert checks["1.2"].passed
    for number in CHECKS - {"1.2"}:
        assert checks[number].score == 0
        assert ENVIRONMENT_LIMIT in checks[number].output, checks[number].output


_CONTROLLER = """
import sys
from pathlib import Path
from gradekit.config import load_assignment
from gradekit.grading.grade import grade_submission
from tests.support.paths import course

config = load_assignment(course("assignment3").toml)
result = grade_submission(Path(course("assignment3").solutions), config, seed=3,
                          select=lambda number: number == "7.2")
check, = result.checks
print(check.score, check.max_score, "torch" in sys.modules)
"""


def test_the_controller_grades_the_transformer_without_importing_torch():
    """Check 7.2's reference is numpy: only the student's worker imports torch."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[3]
    done = subprocess.run([sys.executable, "-c", _CONTROLLER], cwd=root, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    score, most, imported = done.stdout.split()[-3:]
    assert float(score) == float(most) > 0
    assert imported == "False"
