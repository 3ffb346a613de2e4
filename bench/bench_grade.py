"""How long a whole grade takes, and how much memory it needs.

Grades a submission N times with ``gradekit grade`` in a fresh process each time (what
Gradescope runs), and reports the median and 90th percentile wall time and the peak
memory of the controller plus the worker. Default: the reference solution of the real
assignment (``solutions/assignment2/`` with ``assignment/assignment2/assignment.toml``), with whatever checks
``autograder/`` holds. Goals: median <= 1.5 s, peak <= 300 MB. Exit status 1 if missed.

    .venv/bin/python bench/bench_grade.py [SUBMISSION] [--assignment PATH] [-n 10]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 1.5
GOAL_MB = 300.0


def run_grade(submission: Path, assignment: Path, seed: int, public_only: bool = False,
              timeout: float = 600) -> tuple[float, float, dict]:
    """One `gradekit grade --json` in a fresh process: wall s, the controller's CPU s (what
    the kernel charged this bench's child), and the results document."""
    command = [sys.executable, "-m", "gradekit", "grade", str(submission), "--assignment",
               str(assignment), "--json", "--seed", str(seed)]
    if public_only:
        command.append("--public-only")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=timeout)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"gradekit grade failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return wall, cpu, json.loads(done.stdout)


def grade_once(submission: Path, assignment: Path, seed: int,
               public_only: bool) -> tuple[float, float, float, dict]:
    """One grade in a fresh process: wall s, CPU s (controller + worker), peak MB, json.

    The worker (run under bubblewrap and killed) is charged to no process waited for
    here: its CPU is read from the grade's profile (``extra_data.profile``), as the
    controller measured it from outside."""
    wall, cpu, document = run_grade(submission, assignment, seed, public_only)
    phases = document["extra_data"].get("profile", {}).get("phases", {})
    cpu += sum(times.get("worker_cpu", 0.0) for times in phases.values())
    memory = document["extra_data"].get("peak_memory_mb", {})
    return wall, cpu, memory.get("controller", 0.0) + memory.get("worker", 0.0), document


def complete_hand_in(name: str, folder: Path) -> str:
    """Write into ``folder`` a complete hand-in of assignment ``name``: the reference's
    files and the notebooks, executed ones when ``make notebook-check`` left them in
    ``dist/NAME/NAME-solutions-executed.zip``, else the master notebooks (no outputs: their
    notebook parts are judged, not earned). Returns which notebooks it took."""
    import shutil
    import zipfile

    shutil.copytree(ROOT / "solutions" / name, folder, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "datasets"))
    executed = ROOT / "dist" / name / f"{name}-solutions-executed.zip"
    if executed.is_file():
        with zipfile.ZipFile(executed) as archive:
            for member in archive.namelist():
                if member.endswith(".ipynb"):
                    (folder / Path(member).name).write_bytes(archive.read(member))
        return f"the executed notebooks of {executed.relative_to(ROOT)}"
    for notebook in sorted((ROOT / "assignment" / name).glob("*.ipynb")):
        shutil.copy(notebook, folder / notebook.name)
    return "the master notebooks, not executed (make notebook-check writes executed ones)"


def round_trip_us(calls: int = 500) -> float:
    """Median round trip of a call with small arrays (in this process)."""
    import shutil
    import tempfile

    import numpy as np

    from gradekit.sandbox.controller import Sandbox

    folder = Path(tempfile.mkdtemp(prefix="gradekit-bench-"))
    try:
        (folder / "bench_mod.py").write_text("def add(x, y):\n    return x + y\n")
        folder.chmod(0o755)
        (folder / "bench_mod.py").chmod(0o644)
        x = np.ones((8, 8))
        with Sandbox(folder) as box:
            box.wait_ready()
            for _ in range(100):
                box.call("bench_mod.add", x, 1.0)
            times = []
            for _ in range(calls):
                started = time.perf_counter()
                box.call("bench_mod.add", x, 1.0)
                times.append(time.perf_counter() - started)
        return statistics.median(times) * 1e6
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None, *, name: str = "assignment2", runs: int = 10,
         goal_seconds: float = GOAL_SECONDS, goal_mb: float = GOAL_MB) -> int:
    """The bench for the course's assignment ``name`` (its reference, its config) with
    its goals; the command line can name another submission or config."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submission", nargs="?", type=Path, default=None,
                        help="default: a complete hand-in (the reference and the notebooks)")
    parser.add_argument("--assignment", type=Path,
                        default=ROOT / "assignment" / name / "assignment.toml")
    parser.add_argument("-n", "--runs", type=int, default=runs)
    parser.add_argument("--public-only", action="store_true")
    args = parser.parse_args(argv)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="gradekit-bench-hand-in-") as stage:
        if args.submission is None:
            args.submission = Path(stage) / name
            print(f"a complete hand-in of {name}: the reference's files and "
                  f"{complete_hand_in(name, args.submission)}")
        return _bench(args, goal_seconds, goal_mb)


def _bench(args: argparse.Namespace, goal_seconds: float, goal_mb: float) -> int:
    walls, cpus, peaks = [], [], []
    for run in range(args.runs):
        wall, cpu, peak, document = grade_once(args.submission, args.assignment, run,
                                               args.public_only)
        walls.append(wall)
        cpus.append(cpu)
        peaks.append(peak)
        if run == 0:
            total = sum(t["max_score"] for t in document["tests"])
            print(f"{args.submission}: {len(document['tests'])} checks, score "
                  f"{document['score']:g}/{total:g}, {document['extra_data'].get('calls')} calls")
    walls.sort()
    median = statistics.median(walls)
    p90 = walls[min(len(walls) - 1, int(round(0.9 * (len(walls) - 1))))]
    peak = max(peaks)
    trip = round_trip_us()
    time_ok, memory_ok = median <= goal_seconds, peak <= goal_mb
    print(f"grade wall time over {args.runs} runs: median {median:.2f} s, p90 {p90:.2f} s "
          f"(goal: median <= {goal_seconds} s) -> {'met' if time_ok else 'MISSED'}")
    print(f"CPU time of a grade (controller + worker): median {statistics.median(cpus):.2f} s; "
          f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"peak memory, controller + worker: {peak:.0f} MB "
          f"(goal: <= {goal_mb:.0f} MB) -> {'met' if memory_ok else 'MISSED'}")
    print(f"sandbox round trip, small arrays: median {trip:.0f} us (goal: < 200 us)")
    return 0 if time_ok and memory_ok else 1


if __name__ == "__main__":
    sys.exit(main())
