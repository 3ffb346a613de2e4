"""The given code's unfinished forward passes return ``torch.empty``: memory never
written. The public Transformer checks' probes run the student's modules with such memory
filled with NaN (torch's deterministic mode), so an unfinished forward fails the same way
on every grade. Before, what an earlier computation had left in that memory once let the
template earn check 7.1 (seen in a fresh checkout's release proof)."""

import importlib.util

import pytest

from gradekit.config import load_assignment
from gradekit.grading.grade import grade_submission
from tests.support.paths import course

pytestmark = [pytest.mark.confined, pytest.mark.slow,
              pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                                 reason="the Transformer checks need torch")]

CHECKS = {"5.1", "7.1"}  # the checks of properties any output would have, but for NaN


def test_outputs_never_written_fail_the_same_way_on_every_grade():
    config = load_assignment(course("assignment3").toml)
    for seed in (1, 2, 3):
        result = grade_submission(course("assignment3").template, config, seed=seed,
                                  select=lambda number: number in CHECKS)
        assert {check.number for check in result.checks} == CHECKS
        for check in result.checks:
            assert check.score == 0 and "never written" in check.output, (
                seed, check.number, check.output)
    reference = grade_submission(course("assignment3").solutions, config, seed=1,
                                 select=lambda number: number in CHECKS)
    assert all(check.passed for check in reference.checks), reference.checks
