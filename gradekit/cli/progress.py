"""Live progress lines shared by the commands that grade."""

from __future__ import annotations

import os
import sys
from typing import Callable, Mapping

from gradekit.grading.results import CheckResult


def in_notebook(environ: Mapping[str, str] | None = None) -> bool:
    """True when run from a Jupyter or Colab cell (``!python -m gradekit check``): its
    output looks like a terminal there, but the progress lines would only repeat the table."""
    env = os.environ if environ is None else environ
    if "JPY_PARENT_PID" in env or any(key.startswith("COLAB_") for key in env):
        return True
    # ipykernel sets these two for every command a cell runs
    return env.get("TERM") == "xterm-color" and env.get("PAGER") == "cat"


def live_terminal() -> bool:
    """Whether progress lines help: standard output is a terminal, and not a notebook's."""
    try:
        terminal = sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
    return terminal and not in_notebook()


def check_progress(enabled: bool) -> Callable[[CheckResult], None] | None:
    """A callback printing one line per finished check, or None when not ``enabled``."""
    def show(check: CheckResult) -> None:
        verdict = "ok" if check.passed else "FAILED"
        print(f"  {check.number:>6}  {check.name[:60]:<60}  "
              f"{check.score:g}/{check.max_score:g}  {verdict}", flush=True)
    return show if enabled else None
