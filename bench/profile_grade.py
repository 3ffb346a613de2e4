"""Where the time of one grade goes: wall and CPU seconds by phase.

Grades a complete hand-in of an assignment (the reference's files and its notebooks,
executed ones when ``make notebook-check`` has left them in dist/; see bench_grade.py)
with ``gradekit grade`` in a fresh process, N times, and prints the median of each phase
the engine's profile records (``extra_data.profile``, :mod:`gradekit.sandbox.phases`):
the process's start and imports, intake, the sandbox's start, waiting for the worker,
pytest's start and collection, the reference's imports, each check's own work (reference
computations and comparisons) and its student calls, the speed verdicts, notebook
reading and matching, notebook re-runs, the sandbox's cleaning, and the rest (results
written, output, exit), measured from outside. Each second is counted once, in the
innermost phase; the worker's start (its preloaded imports) runs beside the controller's
and is shown apart. CPU is the controller's process time and the worker's CPU clock,
both read by the controller; the total is what the kernel charged the whole grade. Last,
the controller's cyclic garbage collections during the grade (already inside the phases).

    .venv/bin/python bench/profile_grade.py [ASSIGNMENT] [SUBMISSION] [--config TOML] [-n 3]
        [--items 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_grade import ROOT, complete_hand_in, run_grade  # noqa: E402

WORKER_START = "worker start"
BEFORE = "process start, imports"
REST = "results, output, exit (the rest)"
TOTAL = "total (wall and controller CPU from outside)"


def profile_once(submission: Path, assignment: Path, seed: int
                 ) -> tuple[dict[str, tuple[float, float, float]], dict]:
    """One grade in a fresh process: ``{phase: (wall, controller CPU, worker CPU)}`` in
    the engine's order, with the process's start first and the rest last; and the
    results document. CPU: the controller's as the engine and the kernel report it, the
    worker's as the controller read it."""
    wall, cpu, document = run_grade(submission, assignment, seed, timeout=900)
    profile = document["extra_data"].get("profile")
    if not profile:
        raise SystemExit("this engine records no profile (extra_data.profile)")
    rows: dict[str, tuple[float, float, float]] = {
        BEFORE: (profile["before"]["wall"], profile["before"]["cpu"], 0.0)}
    start = (0.0, 0.0, 0.0)
    for name, times in profile["phases"].items():
        row = (times["wall"], times["cpu"], times["worker_cpu"])
        if name == WORKER_START:
            start = row
        else:
            rows[name] = row
    # The kernel charges the worker (under bubblewrap, or killed) to no process this
    # bench waits for: the outside CPU figure is the controller's alone.
    counted_wall = sum(r[0] for r in rows.values())
    counted_cpu = sum(r[1] for r in rows.values())
    rows[REST] = (max(0.0, wall - counted_wall), max(0.0, cpu - counted_cpu), 0.0)
    rows[f"{WORKER_START} (beside the above)"] = start
    worker = sum(r[2] for r in rows.values())
    rows[TOTAL] = (wall, cpu, worker)
    return rows, document


def print_table(runs: list[dict[str, tuple[float, float, float]]]) -> None:
    """The median of each phase over ``runs``."""
    names = list(dict.fromkeys(name for run in runs for name in run))
    width = max(len(name) for name in names)
    print(f"{'phase':<{width}}  {'wall s':>7}  {'ctrl CPU':>8}  {'worker CPU':>10}")
    for name in names:
        values = [run.get(name, (0.0, 0.0, 0.0)) for run in runs]
        wall, cpu, worker = (statistics.median(v[i] for v in values) for i in range(3))
        if name == TOTAL:
            print("-" * (width + 33))
        print(f"{name:<{width}}  {wall:7.2f}  {cpu:8.2f}  {worker:10.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="?", default="assignment2",
                        help="the course's assignment (folder name under assignment/)")
    parser.add_argument("submission", nargs="?", type=Path, default=None,
                        help="default: a complete hand-in (the reference and the notebooks)")
    parser.add_argument("--config", type=Path, default=None, metavar="TOML",
                        help="another configuration of the assignment (default: its "
                             "assignment.toml), e.g. assignment2's batchnorm-alone.toml")
    parser.add_argument("-n", "--runs", type=int, default=3)
    parser.add_argument("--items", type=int, default=0, metavar="K",
                        help="also list the K costliest checks and notebooks")
    args = parser.parse_args(argv)
    config = args.config or ROOT / "assignment" / args.assignment / "assignment.toml"
    with tempfile.TemporaryDirectory(prefix="gradekit-profile-") as stage:
        submission = args.submission
        if submission is None:
            submission = Path(stage) / args.assignment
            print(f"a complete hand-in of {args.assignment}: the reference's files and "
                  f"{complete_hand_in(args.assignment, submission)}")
        runs, collections = [], []
        for run in range(args.runs):
            rows, document = profile_once(submission, config, run)
            runs.append(rows)
            collections.append(document["extra_data"]["profile"].get("collections") or {})
            if run == 0:
                total = sum(t["max_score"] for t in document["tests"])
                print(f"score {document['score']:g}/{total:g}, "
                      f"{document['extra_data'].get('calls')} calls")
    print(f"median of {args.runs} grades; load average now {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")
    print_table(runs)
    if all(collections):
        print(f"the controller's cyclic garbage collections (within the phases above): "
              f"{statistics.median(c['count'] for c in collections):g}, "
              f"{statistics.median(c['seconds'] for c in collections):.3f} s")
    if args.items:
        items = document["extra_data"]["profile"].get("items", {})
        costly = sorted(items.items(), key=lambda kv: -kv[1]["wall"])[:args.items]
        print(f"\nthe {len(costly)} costliest checks and notebooks of the last grade:")
        for name, times in costly:
            print(f"  {name:<28} wall {times['wall']:6.2f} s  ctrl CPU {times['cpu']:5.2f} s  "
                  f"worker CPU {times['worker_cpu']:5.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
