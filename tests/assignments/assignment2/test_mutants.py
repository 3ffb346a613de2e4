"""Mutation tests of the autograder: seeded bugs must lose points in the right checks.

Every submission (the reference, the student skeleton, each mutant of tests/mutants.py)
is graded once, in hidden mode, by two worker processes in parallel; the tests then read
the summaries.
"""

from __future__ import annotations

import multiprocessing
import shutil
import statistics
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from tests.support.paths import A2
from .mutants import MUTANTS, VARIANTS, apply, grade

pytestmark = pytest.mark.confined

SOLUTIONS = A2.solutions
TEMPLATE = A2.template
REFERENCE_SEEDS = (11, 12, 13)
CODE_POINTS = 90


def skeleton(destination: Path) -> Path:
    """The student skeleton: the committed template, or the reference with regions emptied."""
    if (TEMPLATE / "cs231n" / "layers.py").is_file():
        return TEMPLATE
    from gradekit.release.markers import strip_python

    shutil.copytree(SOLUTIONS, destination, ignore=shutil.ignore_patterns("__pycache__"))
    for path in destination.rglob("*.py"):
        path.write_text(strip_python(path.read_text(encoding="utf-8"), path), encoding="utf-8")
    return destination


@pytest.fixture(scope="session")
def graded():
    """name -> grade summary (or the exception that stopped the mutant being built)."""
    work = Path(tempfile.mkdtemp(prefix="gradekit-mutants-"))
    jobs, summaries = {}, {}
    for seed in REFERENCE_SEEDS:
        jobs[f"reference {seed}"] = (str(SOLUTIONS), seed)
    jobs["skeleton"] = (str(skeleton(work / "skeleton")), 5)
    for index, item in enumerate(MUTANTS + VARIANTS):
        try:
            jobs[item.name] = (str(apply(item, SOLUTIONS, work / f"mutant{index}")), item.seed)
        except AssertionError as error:
            summaries[item.name] = error
    try:
        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {name: pool.submit(grade, *job) for name, job in jobs.items()}
            summaries.update({name: future.result() for name, future in futures.items()})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summaries


def score(summary) -> float:
    return sum(check[0] for check in summary["checks"].values())


def losers(summary) -> set[str]:
    """The checks a submission fails: it loses points, or (a check kept for another
    assignment, worth 0 here) it does not pass."""
    return {number for number, (got, most, passed, _) in summary["checks"].items()
            if got < most or (most == 0 and not passed)}


@pytest.mark.parametrize("seed", REFERENCE_SEEDS)
def test_reference_scores_full_marks(graded, seed):
    summary = graded[f"reference {seed}"]
    assert summary["error"] is None
    failed = {n: c[3] for n, c in summary["checks"].items() if not c[2]}
    assert not failed, f"the reference fails {failed}"
    # The code checks are worth 90 of the assignment's 100 points (README: the split).
    assert score(summary) == pytest.approx(CODE_POINTS)
    assert sum(check[1] for check in summary["checks"].values()) == pytest.approx(CODE_POINTS)


@pytest.mark.parametrize("item", VARIANTS, ids=[m.name for m in VARIANTS])
def test_correct_variant_scores_full_marks(graded, item):
    summary = graded[item.name]
    if isinstance(summary, Exception):
        raise summary
    lost = {n: c[3] for n, c in summary["checks"].items() if c[0] < c[1]}
    assert not lost, f"a correct variant loses points: {lost}"
    for number in item.fails:  # where it gets advice that costs nothing
        assert item.hint in summary["checks"][number][3]


def test_reference_grades_fast(graded):
    seconds = statistics.median(graded[f"reference {s}"]["seconds"] for s in REFERENCE_SEEDS)
    assert seconds < 3.0, f"grading the reference took {seconds:.2f} s (median)"


def test_skeleton_scores_zero_without_crashing(graded):
    summary = graded["skeleton"]
    assert summary["error"] is None
    assert len(summary["checks"]) == len(graded["reference 11"]["checks"])
    assert score(summary) == 0
    for number, (_, _, _, output) in summary["checks"].items():
        assert "internal error" not in output, f"check {number}: {output}"
        assert output.strip(), f"check {number} fails without a message"


@pytest.mark.parametrize("item", MUTANTS, ids=[m.name for m in MUTANTS])
def test_mutant_is_caught(graded, item):
    summary = graded[item.name]
    if isinstance(summary, Exception):
        raise summary
    assert summary["error"] is None
    lost = losers(summary)
    assert score(summary) < 100, "the mutant scores full marks"
    assert item.fails <= lost, f"expected {sorted(item.fails)} to fail; lost {sorted(lost)}"
    if item.only:
        assert lost == item.fails, f"only {sorted(item.fails)} should fail; lost {sorted(lost)}"
    outputs = "\n".join(summary["checks"][n][3] for n in sorted(item.fails))
    for number in item.fails:
        assert "internal error" not in summary["checks"][number][3]
    assert item.hint in outputs, f"feedback does not say {item.hint!r}:\n{outputs}"


def test_patching_numpy_in_the_worker_changes_no_verdict(graded):
    """np.allclose patched to always True in layers.py: the same checks fail as without."""
    patched = graded["hostile: allclose always true, with ddof=1"]
    plain = graded["ddof=1 variance"]
    assert losers(patched) == losers(plain)
