"""How fast ``gradekit grade-class`` grades a class, and how much memory a slot needs.

Builds a synthetic class of the real assignment in realistic proportions: correct
solutions of many styles (tests/assignments/assignment2/corpus/), seeded bugs (tests/assignments/assignment2/mutants.py), the
reference, blank skeletons, broken zips, slow submissions (the reference spending 20 ms
of CPU in every batchnorm call) and hanging ones (batchnorm_forward never returns).
Grades it with ``gradekit grade-class --jobs J``, then grades a sample of it with one
``gradekit grade`` process per submission, J at a time (what a shell loop or a naive
scheduler does), and prints per-submission times, the totals, the peak memory per slot
and the ratio. Extrapolates to 700 submissions from the mean time of each kind.
Goals: 700 submissions in 5 minutes or less on this machine, at most 300 MB per slot.

    .venv/bin/python bench/bench_class.py [-n 40] [--jobs 2] [--baseline 12] [--full]

``--full`` grades 700 submissions instead of extrapolating (about 5 minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOAL_SECONDS, GOAL_MB, FULL = 300.0, 300.0, 700
# Out of 1000 submissions: what a large class hands in, roughly.
MIX = {"corpus": 520, "mutant": 300, "reference": 60, "skeleton": 60, "broken zip": 10,
       "slow": 40, "hanging": 10}
SLOW_EDIT = ("cs231n/layers.py", '    mode = bn_param.get("mode")\n',
             '    import time\n    _t = time.process_time()\n'
             '    while time.process_time() - _t < 0.02:\n        pass\n'
             '    mode = bn_param.get("mode")\n')


def kinds_for(n: int) -> list[str]:
    """``n`` kinds in the proportions of MIX, each rare kind at least once."""
    counts = {kind: max(1, round(n * share / 1000)) for kind, share in MIX.items()}
    counts["corpus"] += n - sum(counts.values())
    kinds = [kind for kind, count in counts.items() for _ in range(count)]
    random.Random(7).shuffle(kinds)
    return kinds


def build_class(folder: Path, n: int) -> dict[str, str]:
    """Lay out ``n`` submissions in ``folder``; key -> kind."""
    from tests.assignments.assignment2.mutants import HOSTILE, MUTANTS
    from tests.support.mutation import Mutant, apply

    folder.mkdir(parents=True)
    corpus = sorted(p for p in (ROOT / "tests" / "assignments" / "assignment2" / "corpus").iterdir() if p.is_dir())
    bugs = [m for m in MUTANTS if m not in HOSTILE or "allclose" in m.name]
    hanging = next(m for m in HOSTILE if "never returns" in m.name)
    slow = Mutant("slow", (SLOW_EDIT,), frozenset())
    kinds, rng = {}, random.Random(11)
    for index, kind in enumerate(kinds_for(n)):
        key = f"student{index + 1:03d}"
        target = folder / key
        if kind == "corpus":
            shutil.copytree(rng.choice(corpus), target,
                            ignore=shutil.ignore_patterns("entry.toml", "__pycache__"))
        elif kind == "mutant":
            apply(rng.choice(bugs), ROOT / "solutions" / "assignment2", target)
        elif kind == "reference":
            shutil.copytree(ROOT / "solutions" / "assignment2", target, ignore=shutil.ignore_patterns("__pycache__"))
        elif kind == "skeleton":
            shutil.copytree(ROOT / "student_template" / "assignment2", target,
                            ignore=shutil.ignore_patterns("__pycache__"))
        elif kind == "broken zip":
            target = folder / f"{key}.zip"
            with zipfile.ZipFile(target, "w") as archive:
                archive.writestr("cs231n/layers.py", "x = 1\n")
            target.write_bytes(target.read_bytes()[:40])  # cut short: not a readable zip
        elif kind == "slow":
            apply(slow, ROOT / "solutions" / "assignment2", target)
        else:
            apply(hanging, ROOT / "solutions" / "assignment2", target)
        kinds[key] = kind
    return kinds


def grade_class(classroom: Path, out: Path, jobs: int) -> tuple[float, dict]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "gradekit", "grade-class", str(classroom),
                           str(out), "--assignment", "assignment2", "--jobs", str(jobs),
                           "--seed", "1"], cwd=ROOT,
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"grade-class failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return wall, json.loads((out / "manifest.json").read_text())


def grade_one(path: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gradekit", "grade", str(path), "--seed", "1",
                    "--assignment", "assignment2", "--json"], cwd=ROOT, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=40, help="submissions (default 40)")
    parser.add_argument("--full", action="store_true", help=f"grade {FULL} submissions")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--baseline", type=int, default=12,
                        help="submissions graded one `gradekit grade` each (default 12)")
    parser.add_argument("--quiet", action="store_true", help="no per-submission lines")
    args = parser.parse_args()
    n = FULL if args.full else args.n
    temporary = Path(tempfile.mkdtemp(prefix="gradekit-bench-class-"))
    try:
        classroom, out = temporary / "class", temporary / "out"
        kinds = build_class(classroom, n)
        load = os.getloadavg()[0]
        wall, manifest = grade_class(classroom, out, args.jobs)
        entries = manifest["submissions"]
        by_kind: dict[str, list[float]] = {}
        if not args.quiet:
            print(f"{'submission':<12} {'kind':<11} {'score':>6} {'seconds':>8}")
        for key, kind in kinds.items():
            entry = entries[key]
            by_kind.setdefault(kind, []).append(float(entry["seconds"] or 0))
            if not args.quiet:
                print(f"{key:<12} {kind:<11} {entry['score']:>6g} {entry['seconds']:>8.2f}")
        controller = max(e["memory_mb"]["controller_peak"] for e in entries.values()
                         if e.get("memory_mb"))
        worker = max(e["memory_mb"]["worker_peak"] or 0 for e in entries.values()
                     if e.get("memory_mb"))
        print(f"\n{n} submissions, {args.jobs} slots, load average {load:.1f} at the start on "
              f"{os.cpu_count()} cores")
        for kind, seconds in sorted(by_kind.items(), key=lambda item: -len(item[1])):
            print(f"  {kind:<11} {len(seconds):>4}  median {statistics.median(seconds):6.2f} s"
                  f"  max {max(seconds):6.2f} s")
        slot_seconds = sum(sum(s) for s in by_kind.values())
        print(f"grade-class: {wall:.1f} s in all ({wall / n:.2f} s per submission; "
              f"{slot_seconds:.1f} slot-seconds of grading)")
        print(f"peak memory per slot: controller {controller:.0f} MB + worker {worker:.0f} MB "
              f"= {controller + worker:.0f} MB (goal <= {GOAL_MB:.0f} MB) -> "
              f"{'met' if controller + worker <= GOAL_MB else 'MISSED'}")

        sample = [key for key in kinds][:max(0, min(args.baseline, n))]
        ratio = None
        if sample:
            paths = [classroom / key if (classroom / key).exists() else classroom / f"{key}.zip"
                     for key in sample]
            started = time.perf_counter()
            with ThreadPoolExecutor(args.jobs) as pool:
                list(pool.map(grade_one, paths))
            baseline = time.perf_counter() - started
            ours = sum(float(entries[key]["seconds"] or 0) for key in sample) / args.jobs
            ratio = baseline / ours if ours else None
            print(f"one `gradekit grade` per submission, {args.jobs} at a time, for {len(sample)} "
                  f"of them: {baseline:.1f} s; grade-class spent {ours:.1f} s of slot time "
                  f"on the same -> {ratio:.1f}x faster")

        shares = {kind: max(1, round(FULL * share / 1000)) for kind, share in MIX.items()}
        shares["corpus"] += FULL - sum(shares.values())
        projected = sum(count * statistics.mean(by_kind[kind]) for kind, count in shares.items()
                        if kind in by_kind) / args.jobs
        if n == FULL:
            projected = wall
        startup = max(0.0, wall - slot_seconds / args.jobs)
        total = projected + (startup if n != FULL else 0.0)
        verdict = "met" if total <= GOAL_SECONDS else "MISSED"
        print(f"{FULL} submissions: {'measured' if n == FULL else 'projected'} {total:.0f} s "
              f"(goal <= {GOAL_SECONDS:.0f} s) -> {verdict}")
        return 0 if verdict == "met" and controller + worker <= GOAL_MB else 1
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
