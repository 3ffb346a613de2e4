"""How long a grade of a complete assignment-3 hand-in takes, and its peak memory.

bench_grade.py with a complete hand-in of assignment 3 (the reference's files and both
notebooks: executed ones when `make notebook-check` has run) and its goals: median
<= 5 s on 2 cores, peak controller + worker <= 768 MB (the worker imports PyTorch; the
controller does not: the Transformer's reference for check 7.2 is numpy). Exit status 1 if
missed.

    .venv/bin/python bench/bench_assignment3.py [SUBMISSION] [--assignment PATH] [-n 3]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_grade import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(name="assignment3", runs=3, goal_seconds=5.0, goal_mb=768.0))
