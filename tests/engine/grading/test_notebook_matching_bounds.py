"""Cell matching stays within bounded work on a crafted notebook (thousands of cells that
are all nearly like the released ones, none identical): counted, never timed."""

from __future__ import annotations

import difflib
import random

import pytest

from gradekit.grading.notebook import matching as matching_module
from gradekit.grading.notebook.matching import match_cells
from gradekit.grading.notebook.reading import Cell

WORK_BOUND = 50_000_000  # character pairs through full difflib ratios, for a whole notebook
CALL_BOUND = 20_000


class _Counting(difflib.SequenceMatcher):
    """Counts comparisons and full-ratio work; stops a run that exceeds the bounds."""

    calls = 0
    work = 0

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        type(self).calls += 1
        if type(self).calls > CALL_BOUND:
            raise AssertionError("too many comparisons")

    def ratio(self) -> float:
        type(self).work += len(self.a) * len(self.b)
        if type(self).work > WORK_BOUND:
            raise AssertionError("too much difflib work")
        return super().ratio()


def _words(rng: random.Random, count: int) -> list[str]:
    return [rng.choice(["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta"])
            + str(rng.randrange(10)) for _ in range(count)]


def _crafted(released_cells: int, submitted_cells: int, words: int):
    rng = random.Random(5)
    released = [Cell(i, "markdown", None, " ".join(_words(rng, words)))
                for i in range(released_cells)]
    submitted = []
    for i in range(submitted_cells):
        text = released[i * released_cells // submitted_cells].source.split()
        rng.shuffle(text)  # the same letters (quick ratios pass), never the same text
        submitted.append(Cell(i, "markdown", None, " ".join(text) + f" x{i}"))
    return released, submitted


@pytest.mark.parametrize("released_cells, submitted_cells, words", [
    (30, 700, 200),     # ~1 MB of long cells: each full ratio is costly
    (200, 5000, 25),    # thousands of short cells
])
def test_a_crafted_notebook_is_matched_in_bounded_work(monkeypatch, released_cells,
                                                       submitted_cells, words):
    released, submitted = _crafted(released_cells, submitted_cells, words)
    assert sum(len(c.source) for c in submitted) > 300_000
    _Counting.calls = _Counting.work = 0
    monkeypatch.setattr(difflib, "SequenceMatcher", _Counting)
    found = match_cells(released, submitted)
    assert _Counting.calls <= CALL_BOUND and _Counting.work <= WORK_BOUND
    # a valid matching: each submitted cell used once, in the released order
    partners = [found.pairs[r] for r in sorted(found.pairs)]
    assert len(set(partners)) == len(partners) >= released_cells // 2
    assert partners == sorted(partners)


def test_a_released_cell_moved_a_little_is_still_found_by_similarity():
    rng = random.Random(3)
    released = [Cell(i, "code", None, f"value_{i} = compute({i}, {' + '.join(_words(rng, 8))})")
                for i in range(6)]
    edited = [Cell(c.index, c.kind, None, c.source) for c in released]
    edited[3] = Cell(3, "code", None, released[3].source.replace("compute", "compute_fast"))
    found = match_cells(released, edited)
    assert found.pairs == {i: i for i in range(6)}
    assert found.how[3] == "similar"


def test_the_windows_agree_with_their_definition():
    rng = random.Random(11)
    for _ in range(200):
        size, count = rng.randrange(1, 30), rng.randrange(1, 30)
        windows = matching_module._Windows(size, count)
        pairs: dict[int, int] = {}
        for r in rng.sample(range(size), rng.randrange(size + 1)):
            pairs[r] = rng.randrange(count)
            windows.add(r, pairs[r])
        for r in range(size):
            before = [pairs[i] for i in pairs if i < r]
            after = [pairs[i] for i in pairs if i > r]
            low = max(before) if before else -1
            high = min(after) if after else count
            assert windows(r) == (low, max(high, low + 1))


# ---------------------------------------------------------------- the grade's deadline
def _notebook_config():
    from gradekit.config import load_assignment
    from tests.support.paths import A2

    assignment = load_assignment(A2.toml)
    return A2, assignment, assignment.grading.notebooks[0]


class _NoSandbox:
    def __getattr__(self, name):
        raise AssertionError(f"the sandbox was used after the deadline ({name})")


@pytest.mark.parametrize("when", ["before", "after matching"])
def test_a_notebook_reached_after_the_deadline_scores_zero_with_the_budget_message(
        tmp_path, monkeypatch, when):
    import shutil
    import time

    from gradekit.grading.notebook import scoring

    paths, assignment, config = _notebook_config()
    shutil.copy(paths.template / config.file, tmp_path / config.file)
    if when == "before":
        deadline = time.monotonic() - 1
    else:
        deadline = time.monotonic() + 3600
        real = scoring.match_cells

        def slow_match(released, submitted):
            nonlocal deadline
            found = real(released, submitted)
            deadline = time.monotonic() - 1  # the budget ran out while matching
            return found

        monkeypatch.setattr(scoring, "match_cells", slow_match)
        monkeypatch.setattr(scoring, "_late", lambda _d: time.monotonic() >= deadline)
    report = scoring.score_notebook(config, paths.toml, tmp_path, _NoSandbox(),
                                    {config.file}, assignment.grading.submit,
                                    deadline=deadline, budget=12)
    assert [c.number for c in report.checks] == [p.number for p in config.parts]
    for check in report.checks:
        assert check.score == 0 and "time budget of 12 s ran out" in check.output
