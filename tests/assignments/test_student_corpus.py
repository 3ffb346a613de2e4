"""The checks on student-style code: fair to correct code, precise about bugs.

Every assignment with ``tests/assignments/<name>/corpus/rules.toml`` takes part: its
entries (``corpus/<entry>/`` with an ``entry.toml``) were written by people who never saw
the reference or the checks. Correct entries must score full marks on every check with
points, over several seeds; each bug entry must lose points in the checks its bug lives
in (``[bugs]`` of rules.toml), may lose points only where its row says why, keeps full
marks everywhere else, and is named in the messages. ``bench/bench_corpus.py`` runs the
same over 20 seeds and prints the figures.
"""

from __future__ import annotations

import multiprocessing
import tomllib
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache

import pytest

from tests.support.mutation import assignments_with, grade_summary
from tests.support.paths import course

pytestmark = [pytest.mark.confined, pytest.mark.slow]

ASSIGNMENTS = assignments_with("corpus/rules.toml")
SEEDS = (1, 2, 3)
CONTROLLERS = 2


@dataclass(frozen=True)
class Bug:
    lose: frozenset[str]
    may_lose: frozenset[str]
    says: str
    open: str = ""
    """A known unfair verdict of the checks on this entry, in words: its test is an
    expected failure, shown as such, until the checks are fixed (then it fails, so the
    row loses its ``open``)."""


@dataclass(frozen=True)
class Rules:
    """An assignment's ``corpus/rules.toml``.

    ``scope`` (optional): the checks an entry is judged on, ``[scope] default`` for every
    entry plus its row in ``[scope.entries]``; an item ending in "." is a prefix ("2."
    takes 2.1, 2.2, ...), any other a check number. Checks outside an entry's scope grade
    functions it never wrote (stubs as released, files it did not hand in): they count
    neither for nor against it. Without ``[scope]`` every check is in scope.
    """

    set_aside: frozenset[str]
    partial: dict[str, tuple[frozenset[str], str]]
    bugs: dict[str, Bug]
    scope: tuple[str, ...] | None = None
    scope_entries: dict[str, tuple[str, ...]] | None = None

    def in_scope(self, entry: str, number: str) -> bool:
        if self.scope is None:
            return True
        items = self.scope + (self.scope_entries or {}).get(entry, ())
        return any(number.startswith(item) if item.endswith(".") else number == item
                   for item in items)


@cache
def rules(assignment: str) -> Rules:
    data = tomllib.loads((course(assignment).corpus / "rules.toml").read_text(encoding="utf-8"))
    scope = data.get("scope")
    return Rules(
        scope=None if scope is None else tuple(scope["default"]),
        scope_entries=None if scope is None else {
            name: tuple(items) for name, items in scope.get("entries", {}).items()},
        set_aside=frozenset(data.get("set_aside", [])),
        partial={name: (frozenset(row["fail"]), row["says"])
                 for name, row in data.get("partial", {}).items()},
        bugs={bug: Bug(frozenset(row["lose"]), frozenset(row.get("may_lose", [])), row["says"],
                       row.get("open", ""))
              for bug, row in data.get("bugs", {}).items()})


@cache
def entries(assignment: str) -> dict[str, dict]:
    """entry folder name -> its entry.toml."""
    return {path.parent.name: tomllib.loads(path.read_text(encoding="utf-8"))
            for path in sorted(course(assignment).corpus.glob("*/entry.toml"))}


def correct_entries(assignment: str) -> list[str]:
    return [name for name, meta in entries(assignment).items() if meta.get("correct")]


def bug_entries(assignment: str) -> dict[str, str]:
    """bug id -> entry folder name."""
    return {meta["bug"]: name for name, meta in entries(assignment).items()
            if not meta.get("correct") and meta.get("bug")}


def bug_seed(bug: str, index: int = 0) -> int:
    return zlib.crc32(f"{bug}:{index}".encode())


def default_jobs(assignment: str) -> dict[tuple[str, int], str]:
    """Correct entries over :data:`SEEDS`, each bug entry once."""
    corpus = course(assignment).corpus
    jobs = {(name, seed): str(corpus / name) for name in correct_entries(assignment)
            for seed in SEEDS}
    for bug, name in bug_entries(assignment).items():
        jobs[(name, bug_seed(bug))] = str(corpus / name)
    return jobs


def grade_all(assignment: str, jobs: dict[tuple[str, int], str] | None = None,
              controllers: int = CONTROLLERS) -> dict:
    """(entry, seed) -> summary, graded by ``controllers`` processes (each grade starts
    its own sandbox worker)."""
    jobs = default_jobs(assignment) if jobs is None else jobs
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(controllers, mp_context=context) as pool:
        futures = {key: pool.submit(grade_summary, assignment, folder, key[1])
                   for key, folder in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


@pytest.fixture(scope="module")
def graded():
    """assignment -> its summaries, graded the first time a test asks."""
    found: dict[str, dict] = {}

    def of(assignment: str) -> dict:
        if assignment not in found:
            found[assignment] = grade_all(assignment)
        return found[assignment]

    return of


# ------------------------------------------------------------------ verdicts
def losers(summary, assignment: str | None = None, entry: str = "") -> set[str]:
    """The checks with points that lost some (with ``assignment``: those in the entry's
    scope only)."""
    lost = {n for n, (got, most, _, _) in summary["checks"].items()
            if most > 0 and got < most - 1e-9}
    if assignment is None:
        return lost
    return {n for n in lost if rules(assignment).in_scope(entry, n)}


def correct_problems(assignment: str, name: str, summary) -> list[str]:
    """What is wrong with the grade of a correct entry (empty: it is right)."""
    if summary["error"]:
        return [f"grade error: {summary['error']}"]
    expected, says = rules(assignment).partial.get(name, (frozenset(), ""))
    lost = losers(summary, assignment, name) - rules(assignment).set_aside
    problems = [f"{n} lost points: {summary['checks'][n][3][:600]}"
                for n in sorted(lost - expected)]
    for number in sorted(expected):
        got, _, _, output = summary["checks"][number]
        if got != 0 or says not in output or "not in your submission" not in output:
            problems.append(f"{number} should fail for the missing files: {output[:200]}")
    return problems


def bug_problems(assignment: str, bug: str, summary) -> list[str]:
    """What is wrong with the grade of the entry of ``bug`` (empty: it is right)."""
    if summary["error"]:
        return [f"grade error: {summary['error']}"]
    row = rules(assignment).bugs[bug]
    entry = bug_entries(assignment)[bug]
    lost = losers(summary, assignment, entry) - (
        rules(assignment).set_aside - row.lose - row.may_lose)
    # A check of a notebook the release leaves out is worth nothing: it cannot lose.
    scored = {n for n, (_, most, _, _) in summary["checks"].items() if most > 0}
    problems = [f"{n} should lose points" for n in sorted((row.lose & scored) - lost)]
    problems += [f"{n} should keep full marks: {summary['checks'][n][3][:600]}"
                 for n in sorted(lost - row.lose - row.may_lose)]
    messages = "\n".join(summary["checks"][n][3] for n in sorted(row.lose))
    if row.says not in messages:
        problems.append(f"the messages of {sorted(row.lose)} do not say {row.says!r}:\n"
                        f"{messages[:1500]}")
    return problems


# ------------------------------------------------------------------ tests
@pytest.mark.parametrize("assignment, name", [
    pytest.param(a, name, id=f"{a}: {name}") for a in ASSIGNMENTS for name in correct_entries(a)])
def test_correct_entry_scores_full_marks(graded, assignment, name):
    for seed in SEEDS:
        problems = correct_problems(assignment, name, graded(assignment)[(name, seed)])
        assert not problems, f"{name}, seed {seed}:\n" + "\n".join(problems)


@pytest.mark.parametrize("assignment, bug", [
    pytest.param(a, bug, id=f"{a}: {bug}") for a in ASSIGNMENTS for bug in sorted(rules(a).bugs)])
def test_bug_entry_loses_points_where_it_should(graded, assignment, bug):
    name = bug_entries(assignment).get(bug)
    if name is None:
        pytest.skip(f"no corpus entry with bug = {bug!r} yet")
    problems = bug_problems(assignment, bug, graded(assignment)[(name, bug_seed(bug))])
    known = rules(assignment).bugs[bug].open
    if known:
        assert problems, f"{name}: the checks now judge it as its row says; drop its `open`"
        pytest.xfail(f"open defect of the checks: {known}")
    assert not problems, f"{name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_entry_is_judged_by_the_rules(assignment):
    unknown = set(bug_entries(assignment)) - set(rules(assignment).bugs)
    assert not unknown, f"bug ids without a row in corpus/rules.toml: {sorted(unknown)}"
    partial = set(rules(assignment).partial) - set(correct_entries(assignment))
    assert not partial, f"[partial] names entries that are not correct ones: {sorted(partial)}"
    scoped = set(rules(assignment).scope_entries or {}) - set(entries(assignment))
    assert not scoped, f"[scope.entries] names no entry: {sorted(scoped)}"
    for bug, row in rules(assignment).bugs.items():
        name = bug_entries(assignment).get(bug)
        outside = {n for n in row.lose if name and not rules(assignment).in_scope(name, n)}
        assert not outside, f"{bug}: lose names checks outside its entry's scope: {outside}"
