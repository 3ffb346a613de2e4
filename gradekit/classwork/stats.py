"""Class statistics for the report: per check, the common failures, what went wrong.

Only results that were graded count here (a grade that failed as a whole is listed
under problems, not averaged in as zeros).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradekit.classwork.classresults import (finding_text, notebook_views, plain_output, 
    CheckInfo, as_float, checks_of, failure_kind, grade_failed, mask_numbers, total,
)

QUINTILES = 5
# (label, pattern in a failed check's output): the problems the report counts
PROBLEMS = (
    ("timeouts", re.compile(r"timed out after")),
    ("crashes", re.compile(r"crashed: the process running your code")),
    ("out of memory", re.compile(r"used more than \d+ MB of memory")),
    ("grader errors inside a check", re.compile(r"internal error in check")),
)
_MISSING = re.compile(r"needs (.+?), which (?:is|are) not in your submission")


@dataclass
class CheckStats:
    """One check over the class. ``quintiles``: mean score as a share of the points in
    each fifth of the class by total score, lowest fifth first."""

    check: CheckInfo
    count: int
    mean: float
    pass_rate: float
    discrimination: float | None
    quintiles: list[float | None]


@dataclass
class Problems:
    """What kept submissions from being graded fairly, with the submissions concerned."""

    by_kind: dict[str, list[str]] = field(default_factory=dict)
    missing_files: dict[str, list[str]] = field(default_factory=dict)
    grade_errors: list[str] = field(default_factory=list)
    notebook_findings: dict[str, list[str]] = field(default_factory=dict)


def graded(results: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {key: result for key, result in results.items() if not grade_failed(result)}


def check_stats(results: dict[str, dict[str, Any]],
                catalog: list[CheckInfo]) -> list[CheckStats]:
    """Mean, pass rate, discrimination (correlation of the check's score with the rest of
    the total) and quintile means for every check."""
    results = graded(results)
    keys = sorted(results)
    totals = np.array([total(results[k]) for k in keys])
    order = np.argsort(totals, kind="stable")
    groups = np.array_split(order, QUINTILES) if len(keys) >= QUINTILES else []
    stats = []
    for check in catalog:
        present = np.array([check.number in checks_of(results[k]) for k in keys], dtype=bool)
        scores = np.array([as_float(checks_of(results[k]).get(check.number, {}).get("score"))
                           for k in keys])
        passed = np.array([checks_of(results[k]).get(check.number, {}).get("status") == "passed"
                           for k in keys])
        count = int(present.sum())
        if count == 0:
            stats.append(CheckStats(check, 0, 0.0, 0.0, None, [None] * QUINTILES))
            continue
        share = scores / check.max_score if check.max_score else np.zeros_like(scores)
        quintiles = [float(share[g][present[g]].mean()) if present[g].any() else None
                     for g in groups] or [None] * QUINTILES
        stats.append(CheckStats(
            check, count, float(scores[present].mean()), float(passed[present].mean()),
            _correlation(scores[present], (totals - scores)[present]), quintiles))
    return stats


def _correlation(x: np.ndarray, y: np.ndarray) -> float | None:
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    return float(np.corrcoef(x, y)[0, 1])


def common_failures(results: dict[str, dict[str, Any]], catalog: list[CheckInfo],
                    top: int = 5) -> dict[str, list[tuple[str, int, list[str]]]]:
    """Per check number: the ``top`` failure kinds (named bug, else first line with
    numbers masked) with their count and the first few submissions showing each
    (graded submissions only)."""
    found: dict[str, dict[str, list[str]]] = {c.number: {} for c in catalog}
    results = graded(results)
    for key in sorted(results):
        result = results[key]
        for number, test in checks_of(result).items():
            if test.get("status") == "failed" and number in found:
                found[number].setdefault(failure_kind(test, result), []).append(key)
    return {number: sorted(((kind, len(keys), keys[:5]) for kind, keys in kinds.items()),
                           key=lambda item: (-item[1], item[0]))[:top]
            for number, kinds in found.items()}


def problems(results: dict[str, dict[str, Any]]) -> Problems:
    """Timeouts, crashes, memory, missing files, whole-grade errors, notebook findings."""
    report = Problems(by_kind={label: [] for label, _ in PROBLEMS})
    for key in sorted(results):
        result = results[key]
        if grade_failed(result):
            report.grade_errors.append(key)
        outputs = [plain_output(t) for t in checks_of(result).values()
                   if t.get("status") == "failed"]
        for label, pattern in PROBLEMS:
            if any(pattern.search(output) for output in outputs):
                report.by_kind[label].append(key)
        extra = result.get("extra_data") or {}
        missing = set((extra.get("files") or {}).get("missing") or [])
        for output in outputs:
            for match in _MISSING.finditer(output):
                missing.update(name.strip() for name in re.split(r",| and ", match.group(1)))
        for name in sorted(n for n in missing if n):
            report.missing_files.setdefault(name, []).append(key)
        for view in notebook_views(result).values():
            for finding in view.get("findings") or []:
                report.notebook_findings.setdefault(mask_numbers(finding_text(finding)),
                                                    []).append(key)
    return report


def summary(results: dict[str, dict[str, Any]], max_score: float) -> dict[str, float]:
    """Count, mean, median, standard deviation, min, max of the graded totals."""
    totals = np.array([total(r) for r in graded(results).values()])
    if totals.size == 0:
        return {"count": 0}
    return {"count": int(totals.size), "mean": float(totals.mean()),
            "median": float(np.median(totals)), "std": float(totals.std()),
            "min": float(totals.min()), "max": float(totals.max()), "out_of": max_score}
