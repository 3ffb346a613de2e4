"""A class's results as the exports, the report and the similarity read them.

Input is what ``gradekit grade-class`` leaves: ``OUT/<key>/results.json`` (Gradescope's
format, as :mod:`gradekit.grading.results` writes it), one folder per submission.
Keys gradekit reads from ``extra_data`` beyond what the grader writes today (all
optional, documented here once):

- ``extra_data["bugs"]``: ``{check number: bug label}``, a named bug per failed check;
  without it the bug is read from the output (``This looks like: <label>.``).
- ``extra_data["notebooks"][<file>]["answers"]``: ``{cell id: answer text}``, the
  student's inline answers in each scored notebook (staff view), compared between
  students by the similarity.
- ``extra_data["notebooks"][<file>]["findings"]``: ``[text, ...]``, what the notebook
  check found (cells not run, answers left as the placeholder, ...), counted in the report.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradekit.grading.markdown import from_markdown
from gradekit.grading.results import CheckResult

def notebook_views(result: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """``{notebook file: staff view}`` of the notebooks a results.json document scored."""
    views = ((result or {}).get("extra_data") or {}).get("notebooks")
    if not isinstance(views, dict):
        return {}
    return {str(name): view for name, view in views.items() if isinstance(view, dict)}


def finding_text(finding: Any) -> str:
    """A notebook finding of a staff view in words (its message; older results: the text)."""
    if isinstance(finding, dict):
        return str(finding.get("message") or finding.get("problem") or "")
    return str(finding)


_NOT_FAILURES = ("Passed:", "Advice (")
"""How the check library starts the lines of parts that earned their points, and advice."""
_BUG = re.compile(r"\blooks like:?\s*(.+?)(?:\.(?=\s|$)|$)", re.IGNORECASE)
_NUMBER = re.compile(r"(?<!\w)[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?!\w)")


@dataclass(frozen=True)
class CheckInfo:
    """One check as the class saw it: number, name, points."""

    number: str
    name: str
    max_score: float


def number_key(number: str) -> tuple[Any, ...]:
    """Sort key for check numbers: ``2.10`` after ``2.9``."""
    return CheckResult(number=number, name="", max_score=0).sort_key()


def load_results(out_dir: Path) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Every ``OUT/<key>/results.json``, keyed by folder name; unreadable ones are
    left out with a warning."""
    results: dict[str, dict[str, Any]] = {}
    warnings = []
    for path in sorted(Path(out_dir).glob("*/results.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            warnings.append(f"{path}: unreadable, left out ({error})")
            continue
        if not isinstance(data, dict) or not isinstance(data.get("tests", []), list):
            warnings.append(f"{path}: not a results.json (no tests list), left out")
            continue
        results[path.parent.name] = data
    return results, warnings


def checks_of(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A result's tests by check number (tests without a number are skipped)."""
    return {str(t["number"]): t for t in result.get("tests", [])
            if isinstance(t, dict) and t.get("number") is not None}


def check_catalog(results: dict[str, dict[str, Any]]) -> list[CheckInfo]:
    """Every check any result has, in check-number order, with its most common name and
    points (one odd results.json does not rename a column)."""
    seen: dict[str, dict[tuple[str, float], int]] = {}
    for result in results.values():
        for number, test in checks_of(result).items():
            variant = (str(test.get("name", number)), as_float(test.get("max_score")))
            counts = seen.setdefault(number, {})
            counts[variant] = counts.get(variant, 0) + 1
    catalog = []
    for number in sorted(seen, key=number_key):
        (name, points), _ = max(seen[number].items(), key=lambda item: (item[1], item[0]))
        catalog.append(CheckInfo(number, name, points))
    return catalog


def total(result: dict[str, Any]) -> float:
    return as_float(result.get("score"))


def grade_failed(result: dict[str, Any]) -> bool:
    """Whether the grade failed as a whole (the grader's own error, no checks run)."""
    return str(result.get("output", "")).startswith("The autograder could not grade")


def plain_output(test: dict[str, Any]) -> str:
    """A test's feedback as plain text, also when it went to Gradescope as Markdown."""
    output = str(test.get("output", ""))
    return from_markdown(output) if test.get("output_format") == "md" else output


def named_bug(test: dict[str, Any], result: dict[str, Any] | None = None) -> str:
    """The bug a failed check names: a ``bug`` field, ``extra_data["bugs"]``, or the
    output's ``This looks like: <label>.``; empty when none is named."""
    if test.get("status") == "passed":
        return ""
    if isinstance(test.get("bug"), str) and test["bug"].strip():
        return test["bug"].strip()
    bugs = ((result or {}).get("extra_data") or {}).get("bugs")
    if isinstance(bugs, dict) and str(bugs.get(test.get("number"), "")).strip():
        return str(bugs[test.get("number")]).strip()
    match = _BUG.search(plain_output(test))
    return match.group(1).strip() if match else ""


def mask_numbers(text: str) -> str:
    """``text`` with every number replaced by ``#`` (to group messages that differ only
    in the student's numbers)."""
    return _NUMBER.sub("#", text)


def failure_kind(test: dict[str, Any], result: dict[str, Any] | None = None) -> str:
    """How to group a failure: its named bug, else its first failing line (not a part
    that passed, not advice), numbers masked."""
    bug = named_bug(test, result)
    if bug:
        return bug
    lines = [line.strip() for line in plain_output(test).splitlines()
             if line.strip() and not line.startswith(_NOT_FAILURES)]
    return mask_numbers(lines[0])[:200] if lines else "(no message)"


def as_float(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if number == number else 0.0  # NaN counts as nothing


def fmt_score(value: float) -> str:
    """A score as people write it: ``3``, ``2.5``, ``0.3333``."""
    value = round(float(value), 4)
    return str(int(value)) if value == int(value) else f"{value:g}"
