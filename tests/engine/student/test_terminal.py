"""What ``check`` prints where a student runs it: progress lines only on a real terminal,
and one line saying what to do outside an assignment folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from gradekit.cli import progress
from tests.support.paths import REPO


def test_progress_lines_only_on_a_terminal_that_is_not_a_notebook(monkeypatch):
    assert not progress.in_notebook({"TERM": "xterm-256color", "PAGER": "less"})
    assert progress.in_notebook({"JPY_PARENT_PID": "41"})  # a Jupyter kernel's commands
    assert progress.in_notebook({"COLAB_RELEASE_TAG": "x"})
    assert progress.in_notebook({"TERM": "xterm-color", "PAGER": "cat"})  # ipykernel's `!`
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("PAGER", raising=False)
    monkeypatch.delenv("JPY_PARENT_PID", raising=False)
    for key in [k for k in __import__("os").environ if k.startswith("COLAB_")]:
        monkeypatch.delenv(key)
    assert progress.live_terminal()
    monkeypatch.setenv("JPY_PARENT_PID", "41")
    assert not progress.live_terminal()
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False, raising=False)
    monkeypatch.delenv("JPY_PARENT_PID")
    assert not progress.live_terminal()
    assert progress.check_progress(False) is None


def test_check_outside_an_assignment_folder_says_what_to_do_in_one_line(tmp_path: Path):
    done = subprocess.run([sys.executable, "-m", "gradekit", "check"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "is not an assignment folder" in lines[0]
    assert "open a terminal in your assignment folder" in lines[0]
    assert lines[0].endswith("run python -m gradekit check")
    assert "Makefile" not in lines[0] and "Traceback" not in done.stderr
