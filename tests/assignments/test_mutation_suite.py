"""Mutation tests of every assignment's checks: seeded bugs must lose points in the right
checks, the reference must score full marks and the skeleton zero.

An assignment takes part by having ``tests/assignments/<name>/mutants.py`` (declarations:
``MUTANTS``, ``VARIANTS``, ``CODE_POINTS``; see :mod:`tests.support.mutation`). Each
submission is graded once, in hidden mode, by two processes in parallel; the tests read
the summaries.
"""

from __future__ import annotations

import multiprocessing
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from tests.support.mutation import (apply, assignments_with, catalogue, grade_summary,
                                    reference_folder)
from tests.support.paths import course

pytestmark = [pytest.mark.confined, pytest.mark.slow]

ASSIGNMENTS = assignments_with("mutants.py")
REFERENCE_SEEDS = (11, 12, 13)


def cases(kind: str) -> list:
    """(assignment, declaration) of every assignment's ``kind`` (MUTANTS or VARIANTS)."""
    return [pytest.param(name, item, id=f"{name}: {item.name}")
            for name in ASSIGNMENTS for item in getattr(catalogue(name), kind)]


def skeleton(assignment: str, destination: Path) -> Path:
    """The committed template, or the reference with its regions emptied."""
    paths = course(assignment)
    if paths.template.is_dir():
        return paths.template
    from gradekit.release.markers import strip_python

    shutil.copytree(paths.solutions, destination, ignore=shutil.ignore_patterns("__pycache__"))
    for path in destination.rglob("*.py"):
        path.write_text(strip_python(path.read_text(encoding="utf-8"), path), encoding="utf-8")
    return destination


def grade_everything(assignment: str) -> dict:
    """name -> grade summary (or the exception that stopped the mutant being built)."""
    mutants = catalogue(assignment)
    work = Path(tempfile.mkdtemp(prefix="gradekit-mutants-"))
    solutions = reference_folder(assignment, work / "reference")
    jobs, summaries = {}, {}
    for seed in REFERENCE_SEEDS:
        jobs[f"reference {seed}"] = (str(solutions), seed)
    jobs["skeleton"] = (str(skeleton(assignment, work / "skeleton")), 5)
    for index, item in enumerate(mutants.MUTANTS + mutants.VARIANTS):
        try:
            jobs[item.name] = (str(apply(item, solutions, work / f"mutant{index}")), item.seed)
        except AssertionError as error:
            summaries[item.name] = error
    try:
        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {name: pool.submit(grade_summary, assignment, *job)
                       for name, job in jobs.items()}
            summaries.update({name: future.result() for name, future in futures.items()})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summaries


@pytest.fixture(scope="module")
def graded():
    """assignment -> its summaries, graded the first time a test asks."""
    cache: dict[str, dict] = {}

    def of(assignment: str) -> dict:
        if assignment not in cache:
            cache[assignment] = grade_everything(assignment)
        return cache[assignment]

    return of


def score(summary) -> float:
    return sum(check[0] for check in summary["checks"].values())


def losers(summary) -> set[str]:
    """The checks a submission fails: it loses points, or (a check of a notebook not
    released, worth 0) it does not pass."""
    return {number for number, (got, most, passed, _) in summary["checks"].items()
            if got < most or (most == 0 and not passed)}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
@pytest.mark.parametrize("seed", REFERENCE_SEEDS)
def test_reference_scores_full_marks(graded, assignment, seed):
    summary = graded(assignment)[f"reference {seed}"]
    assert summary["error"] is None
    failed = {n: c[3] for n, c in summary["checks"].items() if not c[2]}
    assert not failed, f"the reference fails {failed}"
    points = catalogue(assignment).CODE_POINTS
    assert score(summary) == pytest.approx(points)
    assert sum(check[1] for check in summary["checks"].values()) == pytest.approx(points)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_skeleton_scores_zero_without_crashing(graded, assignment):
    summaries = graded(assignment)
    summary = summaries["skeleton"]
    assert summary["error"] is None
    assert len(summary["checks"]) == len(summaries[f"reference {REFERENCE_SEEDS[0]}"]["checks"])
    assert score(summary) == 0
    for number, (_, _, _, output) in summary["checks"].items():
        assert "internal error" not in output, f"check {number}: {output}"
        assert output.strip(), f"check {number} fails without a message"


@pytest.mark.parametrize("assignment, item", cases("VARIANTS"))
def test_correct_variant_scores_full_marks(graded, assignment, item):
    summary = graded(assignment)[item.name]
    if isinstance(summary, Exception):
        raise summary
    lost = {n: c[3] for n, c in summary["checks"].items() if c[0] < c[1]}
    assert not lost, f"a correct variant loses points: {lost}"
    for number in item.fails:  # where it gets advice that costs nothing
        assert item.hint in summary["checks"][number][3]


@pytest.mark.parametrize("assignment, item", cases("MUTANTS"))
def test_mutant_is_caught(graded, assignment, item):
    summaries = graded(assignment)
    summary = summaries[item.name]
    if isinstance(summary, Exception):
        raise summary
    assert summary["error"] is None
    lost = losers(summary)
    assert item.fails, "a mutant names the checks it must fail"
    assert item.fails <= lost, f"expected {sorted(item.fails)} to fail; lost {sorted(lost)}"
    if item.only:
        assert lost == item.fails, f"only {sorted(item.fails)} should fail; lost {sorted(lost)}"
    if item.same_as:
        assert lost == losers(summaries[item.same_as]), \
            f"should change no verdict of {item.same_as!r}"
    outputs = "\n".join(summary["checks"][n][3] for n in sorted(item.fails))
    for number in item.fails:
        assert "internal error" not in summary["checks"][number][3]
    assert item.hint in outputs, f"feedback does not say {item.hint!r}:\n{outputs}"
