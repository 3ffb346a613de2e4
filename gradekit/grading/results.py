"""The one result model, rendered as Gradescope ``results.json``, a table and an exit code."""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
EXIT_PASSED, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


@dataclass
class CheckResult:
    """One graded check (a Gradescope test)."""

    number: str
    name: str
    max_score: float
    score: float = 0.0
    passed: bool = False
    output: str = ""
    visibility: str = "visible"

    @property
    def status(self) -> str:
        return "passed" if self.passed else "failed"

    def sort_key(self) -> tuple[Any, ...]:
        return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-]", self.number))

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "number": self.number, "score": _round(self.score),
            "max_score": _round(self.max_score), "status": self.status,
            "output": self.output, "visibility": self.visibility,
        }


@dataclass
class GradeResult:
    """A whole grade: every check, the seed, notes for the student and for staff."""

    checks: list[CheckResult] = field(default_factory=list)
    seed: int | None = None
    output: str = ""
    execution_time: float = 0.0
    error: str | None = None
    staff_log: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return 0.0 if self.error else sum(check.score for check in self.checks)

    @property
    def max_score(self) -> float:
        return sum(check.max_score for check in self.checks)

    @property
    def all_passed(self) -> bool:
        return self.error is None and all(check.passed for check in self.checks)

    def exit_code(self) -> int:
        if self.error is not None:
            return EXIT_ERROR
        return EXIT_PASSED if self.all_passed else EXIT_FAILED

    def to_json(self) -> dict[str, Any]:
        """The Gradescope ``results.json`` document."""
        output = self.output
        if self.error:
            output = (f"The autograder could not grade this submission: {self.error}\n"
                      + output).strip()
        return {
            "score": _round(self.score),
            "execution_time": round(self.execution_time, 3),
            "output": output,
            "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": [check.to_json() for check in self.ordered()],
            "extra_data": {"seed": self.seed, **self.extra, "staff_log": self.staff_log},
        }

    def ordered(self) -> list[CheckResult]:
        return sorted(self.checks, key=CheckResult.sort_key)

    def table(self, width: int = 100) -> str:
        """A terminal table (number, name, score, verdict), then the failure messages."""
        rows = [(c.number, c.name, f"{_fmt(c.score)}/{_fmt(c.max_score)}",
                 "ok" if c.passed else "FAILED") for c in self.ordered()]
        name_width = min(max([len(r[1]) for r in rows] + [5]), max(20, width - 30))
        lines = []
        for number, name, score, verdict in rows:
            short = name if len(name) <= name_width else name[: name_width - 1] + "…"
            lines.append(f"{number:>6}  {short:<{name_width}}  {score:>9}  {verdict}")
        lines.append(f"{'':>6}  {'total':<{name_width}}  "
                     f"{_fmt(self.score) + '/' + _fmt(self.max_score):>9}")
        failures = [c for c in self.ordered() if not c.passed and c.output]
        for check in failures:
            lines += ["", f"{check.number} {check.name}:", _indent(check.output)]
        if self.output:
            lines += ["", self.output]
        if self.error:
            lines += ["", f"error: {self.error}"]
        return "\n".join(lines)


def write_results(result: GradeResult, path: Path) -> None:
    """Write ``results.json`` atomically (temporary file in the same folder, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(result.to_json(), indent=2, ensure_ascii=False, allow_nan=False)
    fd, temporary = tempfile.mkstemp(prefix=".results-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _round(value: float) -> float:
    value = round(float(value), 4)
    return int(value) if value == int(value) else value


def _fmt(value: float) -> str:
    return f"{_round(value):g}"


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
