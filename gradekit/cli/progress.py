"""Live progress lines shared by the commands that grade."""

from __future__ import annotations

from typing import Callable

from gradekit.grading.results import CheckResult


def check_progress(enabled: bool) -> Callable[[CheckResult], None] | None:
    """A callback printing one line per finished check, or None when not ``enabled``."""
    def show(check: CheckResult) -> None:
        verdict = "ok" if check.passed else "FAILED"
        print(f"  {check.number:>6}  {check.name[:60]:<60}  "
              f"{check.score:g}/{check.max_score:g}  {verdict}", flush=True)
    return show if enabled else None
