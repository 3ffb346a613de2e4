"""The checks on student-style code (tests/student_corpus): fair to correct code, precise
about bugs.

Every entry is graded through ``grade_submission`` with the real assignment, by worker
processes in parallel (pytest, which runs the checks, keeps one run per process). Correct
entries (a*, b*) must score full marks on every check of this assignment, over several
seeds; a13 hands in layers.py only, so the net's checks fail for the missing files. Each
bug entry (bug-*) must lose points in the checks its bug lives in, may lose points only
where :data:`BUGS` says why, keeps full marks everywhere else, and is named in the
messages. ``bench/bench_corpus.py`` runs the same over 20 seeds and prints the figures.
"""

from __future__ import annotations

import multiprocessing
import tomllib
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from tests.support.paths import A2

pytestmark = pytest.mark.confined

CORPUS = A2.corpus
ASSIGNMENT = A2.toml
SEEDS = (1, 2, 3)
WORKERS = 2

SPEED = "3.6"
"""The alt-speed check has tests of its own (it is judged by CPU time, and correct closed
forms close to a good staged backward are its business): it is left out here, except for
the alt bugs that only it can catch."""
FC_NET_CHECKS = "5.1 5.2 5.3 5.4 5.5 5.6 5.7"
LAYERS_ONLY = "a13-layers-only-no-markers"

# Public checks mirror the notebook's cells: a bug that makes a cell print wrong numbers
# fails that cell's check too, wherever the bug lives. Those are the "may lose" entries
# below (3.1, 4.3 and 5.1 are the notebook's gradient checks of the student's own code).
#
# bug id: (checks that must lose points, checks that may lose points, phrase the messages
#          of the must-lose checks contain). Every other check must keep full marks.
BUGS: dict[str, tuple[str, str, str]] = {
    "running_var_eps": ("2.3", "", "eps added into the stored running variance"),
    "unbiased_var": ("2.1 2.2", "2.4 3.1 5.1", "ddof=1"),
    "stats_not_stored": ("2.3", "2.4", "not written back into bn_param"),
    "stats_updated_in_test": ("2.5", "", "running stats updated in test mode"),
    "gamma_beta_missing": ("2.1 2.2", "3.1 5.1", "gamma and beta not applied"),
    # The student's backward is written for gamma * normalize(x) + beta, not for what
    # that forward computes: no backward check can tell it from a wrong one.
    "gamma_before_norm": ("2.1 2.2 2.5", "3.1 3.2 3.3 3.4 5.1", "applied before normalizing"),
    "x_mutated": ("2.7", "", "in place"),
    "ln_batch_axis": ("4.1 4.2 4.4", "4.3", "over the batch axis"),
    "norm_last_layer": ("5.2", "5.1", "last layer"),
    "l2_no_half": ("5.1 5.7", "", "without the 0.5 factor"),
    "reg_gamma_beta": ("5.7", "5.1", "gamma/beta regularized"),
    "alt_staged_copy": (SPEED, "", "staged"),
    "alt_calls_staged": (SPEED, "", "staged"),
    "alt_own_cache": ("3.3 3.4", SPEED, "cache layout of its own"),
    "dgamma_keepdims": ("3.5", "", "(1, D)"),
    "stats_keepdims": ("2.3", "", "keepdims"),
    "eps_outside_sqrt_test": ("2.5", "", "eps added outside the square root in test mode"),
    "eps_outside_sqrt_train": ("2.2 2.5", "3.1 5.1", "eps added outside the square root"),
    "ln_gamma_factored": ("4.4", "4.3", "gamma factored out of the row sums"),
    "ln_uncentred_x": ("4.4", "4.3", "uncentred x"),
    "ln_divide_by_n": ("4.4", "4.3", "divided by N"),
    "relu_on_scores": ("5.4", "5.1", "ReLU applied to the output scores"),
    "last_unregularised": ("5.7", "5.1", "last affine layer's W not"),
    "last_not_scaled": ("5.2 5.3", "5.1", "not scaled by weight_scale"),
    "test_fresh_params": ("5.4", "", "ignores the running statistics"),
    "api_2017": (FC_NET_CHECKS, "", "2017"),
}


def entries() -> dict[str, dict]:
    """entry folder name -> its entry.toml."""
    found = {}
    for path in sorted(CORPUS.glob("*/entry.toml")):
        found[path.parent.name] = tomllib.loads(path.read_text(encoding="utf-8"))
    return found


def correct_entries() -> list[str]:
    return [name for name, meta in entries().items() if meta.get("correct")]


def bug_entries() -> dict[str, str]:
    """bug id -> entry folder name."""
    return {meta["bug"]: name for name, meta in entries().items()
            if not meta.get("correct") and meta.get("bug")}


def bug_seed(bug: str, index: int = 0) -> int:
    return zlib.crc32(f"{bug}:{index}".encode())


def grade(folder: str, seed: int) -> dict:
    """A plain-data summary of one grade (runs in a worker process)."""
    from tests.assignments.assignment2.mutants import grade as grade_folder

    return grade_folder(folder, seed)


def grade_all(jobs: dict[tuple[str, int], str], workers: int = WORKERS) -> dict:
    """(entry, seed) -> summary, graded by ``workers`` processes."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = {key: pool.submit(grade, folder, key[1]) for key, folder in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


def jobs_for(seeds_correct, seeds_per_bug: int) -> dict[tuple[str, int], str]:
    jobs = {(name, seed): str(CORPUS / name) for name in correct_entries()
            for seed in seeds_correct}
    for bug, name in bug_entries().items():
        for index in range(seeds_per_bug):
            jobs[(name, bug_seed(bug, index))] = str(CORPUS / name)
    return jobs


# ------------------------------------------------------------------ verdicts
def scored(summary) -> dict:
    """The checks of this assignment (other assignments' checks are worth 0 here)."""
    return {n: c for n, c in summary["checks"].items() if c[1] > 0}


def losers(summary) -> set[str]:
    return {n for n, (got, most, _, _) in scored(summary).items() if got < most - 1e-9}


def correct_problems(name: str, summary) -> list[str]:
    """What is wrong with the grade of a correct entry (empty: it is right)."""
    if summary["error"]:
        return [f"grade error: {summary['error']}"]
    expected = set(FC_NET_CHECKS.split()) if name == LAYERS_ONLY else set()
    lost = losers(summary) - {SPEED}
    problems = [f"{n} lost points: {summary['checks'][n][3][:600]}"
                for n in sorted(lost - expected)]
    for number in sorted(expected):
        got, most, _, output = summary["checks"][number]
        if got != 0 or "not in your submission" not in output:
            problems.append(f"{number} should fail for the missing files: {output[:200]}")
    return problems


def bug_problems(bug: str, summary) -> list[str]:
    """What is wrong with the grade of the entry of ``bug`` (empty: it is right)."""
    if summary["error"]:
        return [f"grade error: {summary['error']}"]
    must, may, phrase = BUGS[bug]
    must, may = set(must.split()), set(may.split())
    lost = losers(summary)
    if SPEED not in must | may:
        lost.discard(SPEED)
    problems = [f"{n} should lose points" for n in sorted(must - lost)]
    problems += [f"{n} should keep full marks: {summary['checks'][n][3][:600]}"
                 for n in sorted(lost - must - may)]
    messages = "\n".join(summary["checks"][n][3] for n in sorted(must))
    if phrase not in messages:
        problems.append(f"the messages of {sorted(must)} do not say {phrase!r}:\n"
                        f"{messages[:1500]}")
    return problems


# ------------------------------------------------------------------ tests
@pytest.fixture(scope="module")
def graded():
    return grade_all(jobs_for(SEEDS, 1))


@pytest.mark.parametrize("name", correct_entries())
def test_correct_entry_scores_full_marks(graded, name):
    for seed in SEEDS:
        problems = correct_problems(name, graded[(name, seed)])
        assert not problems, f"{name}, seed {seed}:\n" + "\n".join(problems)


def test_layers_only_entry_fails_the_net_checks_for_the_missing_files(graded):
    summary = graded[(LAYERS_ONLY, SEEDS[0])]
    for number in FC_NET_CHECKS.split():
        output = summary["checks"][number][3]
        assert summary["checks"][number][0] == 0
        assert "cs231n/classifiers/fc_net.py" in output and "not in your submission" in output


@pytest.mark.parametrize("bug", sorted(BUGS))
def test_bug_entry_loses_points_where_it_should(graded, bug):
    name = bug_entries().get(bug)
    if name is None:
        pytest.skip(f"no corpus entry with bug = {bug!r} yet")
    problems = bug_problems(bug, graded[(name, bug_seed(bug))])
    assert not problems, f"{name}:\n" + "\n".join(problems)


def test_every_bug_entry_is_in_the_table():
    assert set(bug_entries()) <= set(BUGS), set(bug_entries()) - set(BUGS)
