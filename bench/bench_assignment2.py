"""How long a grade of a complete assignment-2 hand-in takes, and its peak memory.

bench_grade.py with a complete hand-in of assignment 2 (the reference's files and every
notebook: executed ones when `make notebook-check` has run) and its goals: median <= 3 s
on 2 cores, peak controller + worker <= 768 MB (Gradescope's container). Exit status 1 if
missed.

    .venv/bin/python bench/bench_assignment2.py [SUBMISSION] [--assignment PATH] [-n 3]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_grade import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(name="assignment2", runs=3, goal_seconds=3.0, goal_mb=768.0))
