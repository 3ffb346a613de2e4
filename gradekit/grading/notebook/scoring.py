"""Score a submitted notebook into the parts its ``[[grading.notebooks]]`` table declares.

One call from the grade (:func:`score_notebook`), after the checks and while the sandbox
is still up; its :class:`NotebookReport` adds one :class:`CheckResult` per part, a note
for the student when only the notebook came in, and, for staff only, ``extra_data
["notebooks"][<file>]`` in results.json: the inline answers, the stored figures' digests and the
findings (what a TA needs to grade the written part without opening the notebook).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from gradekit.config import NotebookGrading, NotebookPart
from gradekit.errors import UserError
from gradekit.grading.notebook import findings as find
from gradekit.grading.intake import needs
from gradekit.grading.notebook.matching import match_cells
from gradekit.grading.notebook.reading import (Notebook, NotebookUnreadable, error_outputs,
                                               read_notebook_file, stdout_text)
from gradekit.grading.notebook.rerun import Stored, prepare, run_and_compare
from gradekit.grading.results import CheckResult, GradeResult
from gradekit.sandbox.phases import item, phase

READING_PHASE = "notebooks: reading, matching, judging"
RERUN_PHASE = "notebooks: re-runs"
"""The profile phases (:mod:`gradekit.sandbox.phases`) of notebook scoring."""

ANSWER_CHARS = 20000
MAX_FINDINGS = 200
MAX_FIGURES = 50
SHOWN_FINDINGS = 12
STORED_CHARS = 256 << 10

NAMES = {
    "complete": "Notebook: every code cell was run, in order, without errors",
    "answered": "Notebook: every inline question has an answer",
    "untampered": "Notebook: the given cells are as released",
    "consistent": "Notebook: the stored outputs are what the code prints",
    "figures": "Notebook: the training experiments' plots are stored",
    "outputs": "Notebook: the stored results of the long-running cells have the expected form",
}


@dataclass
class NotebookReport:
    checks: list[CheckResult] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    output: str = ""
    staff_log: list[str] = field(default_factory=list)

    def add_to(self, result: GradeResult) -> None:
        """Put the parts, the student note and the staff data into ``result``."""
        result.checks += self.checks
        result.extra.setdefault("notebooks", {})[self.extra["file"]] = self.extra
        result.staff_log += self.staff_log
        if self.output:
            result.output = "\n".join(filter(None, [result.output, self.output]))


def part_results(config: NotebookGrading, output: str = "") -> list[CheckResult]:
    """Every declared part, scored 0 (for a grade that could not be made)."""
    return [_result(part, 0.0, output) for part in config.parts]


def _result(part: NotebookPart, earned: float, output: str) -> CheckResult:
    return CheckResult(number=part.number, name=part.name or NAMES[part.kind],
                       max_score=part.points, score=part.points * max(0.0, min(1.0, earned)),
                       passed=earned >= 1 - 1e-9, output=output, visibility=part.visibility)


def score_notebook(config: NotebookGrading, config_path: Path, folder: Path, sandbox: Any,
                   present: set[str], submit: tuple[str, ...],
                   on_result: Callable[[CheckResult], None] | None = None,
                   deadline: float | None = None, budget: float = 0.0,
                   package_root: Path | None = None,
                   optional: tuple[str, ...] = ()) -> NotebookReport:
    """Score ``folder / config.file`` (the sandbox folder's copy) part by part.

    ``package_root`` holds the released package the re-run cells import (default: the
    released notebook's folder); the ``submit`` files among it run in the worker.

    ``deadline`` (``time.monotonic()``) is the grade's: checked before the notebook is read,
    after its cells are matched and before any re-run; once passed, the parts not scored
    yet score 0 with a message that the time budget (``budget`` s) ran out. ``optional``:
    the submitted files a student may leave out; a part that needs one that is absent
    scores 0 with the one line saying it was not handed in (optional)."""
    with item(config.file), phase(READING_PHASE):
        return _score_notebook(config, config_path, folder, sandbox, present, submit, on_result,
                               deadline, budget, package_root or config.released.parent,
                               optional)


def _score_notebook(config: NotebookGrading, config_path: Path, folder: Path, sandbox: Any,
                    present: set[str], submit: tuple[str, ...],
                    on_result: Callable[[CheckResult], None] | None,
                    deadline: float | None, budget: float,
                    package_root: Path, optional: tuple[str, ...] = ()) -> NotebookReport:
    began = time.perf_counter()
    released = _released(config.released, str(config_path), config)
    report = NotebookReport(extra={"file": config.file})
    others = [name for name in submit if name != config.file]
    if config.file in present and others and not set(others) & present:
        report.output = (f"Only {config.file} was handed in: the .py files ({', '.join(others)}) "
                         "are missing, so only the notebook parts could be graded.")
    try:
        submitted = (read_notebook_file(folder / config.file, config.max_mb)
                     if config.file in present else None)
    except NotebookUnreadable as error:
        message = f"{config.file} {error}"
        report.extra["error"] = message
        submitted = None
    else:
        message = needs([config.file], optional)
    if submitted is not None and _late(deadline):
        submitted, message = None, _late_message(budget)
    if submitted is None:
        report.checks = part_results(config, message)
    else:
        try:
            _score(config, released, submitted, sandbox, present, report, deadline,
                   package_root, submit, optional)
        except _OutOfTime:
            report.checks = part_results(config, _late_message(budget))
            report.extra["error"] = "the time budget ran out while scoring"
    report.extra["seconds"] = round(time.perf_counter() - began, 3)
    if on_result is not None:
        for check in report.checks:
            on_result(check)
    return report


class _OutOfTime(Exception):
    """The grade's deadline passed between two phases of scoring a notebook."""


def _late(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _late_message(budget: float) -> str:
    return (f"not run: the grade's time budget of {budget:g} s ran out before the notebook "
            "was scored")


def _score(config: NotebookGrading, released: Notebook, submitted: Notebook, sandbox: Any,
           present: set[str], report: NotebookReport, deadline: float | None,
           package_root: Path, submit: tuple[str, ...], optional: tuple[str, ...] = ()
           ) -> None:
    matching = match_cells(released.cells, submitted.cells)
    if _late(deadline):
        raise _OutOfTime
    outcomes, answers, pictures = find.judged_without_rerun(
        released, submitted, matching, config.answer_tag, config.placeholders,
        tuple(config.figures), ANSWER_CHARS, config.outputs, STORED_CHARS)
    kinds = {part.kind for part in config.parts}
    consistent_part = next((p for p in config.parts if p.kind == "consistent"), None)
    missing_for: dict[str, list[str]] = {
        part.number: [f for f in part.files if f not in present] for part in config.parts}
    if _late(deadline):
        raise _OutOfTime
    if consistent_part is not None and not missing_for[consistent_part.number]:
        outcomes["consistent"] = _consistent(config, released, submitted, matching, sandbox,
                                             report, package_root, submit)
    for part in config.parts:
        missing = missing_for[part.number]
        if missing:
            report.checks.append(_result(part, 0.0, needs(missing, optional)))
            continue
        outcome = outcomes[part.kind]
        lines = [f.message for f in outcome.findings if not f.staff_only]
        shown = lines[:SHOWN_FINDINGS]
        if len(lines) > len(shown):
            shown.append(f"... and {len(lines) - len(shown)} more")
        report.checks.append(_result(part, outcome.earned, "\n".join([outcome.summary, *shown])))
    every = [f for kind in sorted(kinds & set(outcomes)) for f in outcomes[kind].findings]
    counts = matching.counts()
    report.extra.update({
        "answers": answers,
        "figures": pictures[:MAX_FIGURES],
        "findings": [f.to_json() for f in every[:MAX_FINDINGS]],
        "findings_left_out": max(0, len(every) - MAX_FINDINGS),
        "matched": counts,
        "cells": len(submitted.cells),
    })
    moved = sum(n for how, n in counts.items() if how != "id")
    if moved:
        report.staff_log.append(f"notebook: {moved} cells matched by content or position "
                                "(their ids differ from the release's)")
    report.staff_log += [f"notebook: {note}" for note in submitted.notes]


def _consistent(config: NotebookGrading, released: Notebook, submitted: Notebook,
                matching: Any, sandbox: Any, report: NotebookReport, package_root: Path,
                submit: tuple[str, ...]) -> find.Outcome:
    """Re-run the ``rerun`` cells against the released package under ``package_root``,
    with the student's versions of the ``submit`` files' code, and compare."""
    by_id = {cell.id: cell for cell in released.cells}
    setup = [(ident, prepare(by_id[ident].source, config.skip_imports, ident))
             for ident in config.setup]
    cells = [(rule, prepare(by_id[rule.cell].source, config.skip_imports, rule.cell,
                            rule.until)) for rule in config.rerun]
    stored: dict[str, Stored | None] = {}
    for rule in config.rerun:
        s = matching.pairs.get(by_id[rule.cell].index)
        if s is None:
            stored[rule.cell] = None
            continue
        text = stdout_text(submitted.cells[s], STORED_CHARS)
        stored[rule.cell] = Stored(text, error_outputs(submitted.cells[s]),
                                   cut=len(text) >= STORED_CHARS)
    with phase(RERUN_PHASE):
        verdicts = run_and_compare(sandbox, setup, cells, stored, config.env, config.timeout,
                                   config.total_timeout, package_root,
                                   [path for path in submit if path.endswith(".py")])
    report.extra["rerun_seconds"] = round(verdicts.seconds, 3)
    report.staff_log += [f"notebook: {note}" for note in verdicts.notes]
    found = [find.Finding("consistent", ident, "mismatch",
                          f"{by_id[ident].label}: {problem}")
             for ident, problem in verdicts.cells.items() if problem]
    found += [find.Finding("consistent", "", "setup", error) for error in verdicts.setup_errors]
    good = sum(problem is None for problem in verdicts.cells.values())
    total = len(verdicts.cells)
    summary = (f"The stored outputs of all {total} re-run cells match what your code prints."
               if good == total else
               f"The stored outputs of {good} of the {total} re-run cells match what your code "
               "prints now (the grader re-runs the released cells with your code).")
    return find.Outcome("consistent", good / total if total else 1.0, summary, found)


def _released(path: Path, where: str, config: NotebookGrading) -> Notebook:
    """The released copy (trusted), checked against what the config names."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        raise UserError(f"{where}: grading.notebooks ({config.file}).released: no notebook at {path}") from None
    notebook = _read_released(path, stamp)
    kinds = {cell.id: cell.kind for cell in notebook.cells}
    named = [("setup", i) for i in config.setup] + [("rerun", r.cell) for r in config.rerun] \
        + [("figures", i) for i in config.figures] \
        + [("outputs", rule.cell) for rule in config.outputs]
    for key, ident in named:
        if kinds.get(ident) != "code":
            raise UserError(f"{where}: grading.notebooks ({config.file}).{key}: {path.name} has no code cell "
                            f"with id {ident!r}")
    return notebook


@lru_cache(maxsize=4)
def _read_released(path: Path, stamp: int) -> Notebook:
    try:
        return read_notebook_file(path, 256, validate=False)  # the release validated it
    except NotebookUnreadable as error:
        raise UserError(f"{path}: the released notebook {error}") from None
