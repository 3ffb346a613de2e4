"""How fast ``gradekit grade-class`` grades a class shaped like a real one, and where the time goes.

Builds a class of the Batch Normalization exercise (``assignment/assignment2/batchnorm-alone.toml``,
``--config`` for another) in the proportions of a real term's hand-ins: student-style code
(tests/assignments/assignment2/corpus/) and seeded bugs (tests/assignments/assignment2/
mutants.py), each with the executed notebook (``make notebook-check`` leaves it in
dist/assignment2/), the reference, hand-ins whose notebook was never run, blank skeletons,
broken zips, slow ones (the train-mode forward normalizing element by element in Python
loops) and hanging ones (batchnorm_forward never returns). Grades it with ``gradekit grade-class``
(its default number of slots unless ``--jobs``), then prints: the wall time, the
per-submission percentiles, the time by kind, the phases of a grade summed over the class
(from each ``results.json``'s profile), the peak memory per slot, one ``gradekit grade``
process per submission for a sample (the ratio), and one CLI grade of a complete hand-in.
Goals on 2 cores: 700 submissions in at most 300 s, one CLI grade at most 0.8 s median,
at most 300 MB per slot. Extrapolates to 700 from the mean of each kind unless ``--full``.

    .venv/bin/python bench/bench_class.py [-n 60] [--jobs J] [--baseline 12] [--full]
        [--config TOML]
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
sys.path.insert(0, str(ROOT / "bench"))

from bench_grade import complete_hand_in, run_grade  # noqa: E402

GOAL_SECONDS, GOAL_MB, GOAL_ONE, FULL = 300.0, 300.0, 0.8, 700
CONFIG = ROOT / "assignment" / "assignment2" / "batchnorm-alone.toml"
NOTEBOOK = "BatchNormalization.ipynb"
EXECUTED = ROOT / "dist" / "assignment2" / "assignment2-solutions-executed.zip"
# Out of 1000 hand-ins: what a large class of this exercise hands in, roughly.
MIX = {"corpus": 520, "mutant": 260, "reference": 60, "not run": 40, "skeleton": 50,
       "broken zip": 10, "slow": 50, "hanging": 10}
ORDINARY = ("corpus", "mutant", "reference")
"""The kinds whose grades are the class's usual cost (run code, an executed notebook)."""
SLOW_EDIT = ("cs231n/layers.py", "        xhat = xc * inv_std\n",
             "        xhat = np.empty_like(xc)\n"
             "        for i in range(N):\n"
             "            for j in range(D):\n"
             "                xhat[i, j] = xc[i, j] * inv_std[j]\n")
"""A slow but correct hand-in: the train-mode forward normalizes element by element."""


def kinds_for(n: int) -> list[str]:
    """``n`` kinds in the proportions of MIX, each rare kind at least once."""
    counts = {kind: max(1, round(n * share / 1000)) for kind, share in MIX.items()}
    counts["corpus"] += n - sum(counts.values())
    kinds = [kind for kind, count in counts.items() for _ in range(count)]
    random.Random(7).shuffle(kinds)
    return kinds


def notebooks(config: Path) -> tuple[bytes, bytes, str]:
    """The executed notebook (or, without ``make notebook-check``'s zip, the master one)
    and the released one as students receive it; and where the first came from."""
    released = ROOT / "dist" / "assignment2-batchnorm" / "student_template" / NOTEBOOK
    if config == CONFIG and not released.is_file():  # the release this bench grades against
        subprocess.run([sys.executable, "-m", "gradekit", "release", str(config), "--no-proof"],
                       cwd=ROOT, check=True, capture_output=True)
    if not released.is_file():
        released = ROOT / "student_template" / "assignment2" / NOTEBOOK
    if EXECUTED.is_file():
        with zipfile.ZipFile(EXECUTED) as archive:
            member = next(m for m in archive.namelist() if m.endswith("/" + NOTEBOOK)
                          or m == NOTEBOOK)
            return archive.read(member), released.read_bytes(), str(EXECUTED.relative_to(ROOT))
    master = ROOT / "assignment" / "assignment2" / NOTEBOOK
    return master.read_bytes(), released.read_bytes(), "the master notebook, NOT executed " \
        "(run `make notebook-check` for a realistic class)"


def build_class(folder: Path, n: int, executed: bytes, released: bytes) -> dict[str, str]:
    """Lay out ``n`` hand-ins in ``folder``; key -> kind."""
    from tests.assignments.assignment2.mutants import HOSTILE, MUTANTS
    from tests.support.mutation import Mutant, apply

    folder.mkdir(parents=True)
    corpus = sorted(p for p in (ROOT / "tests" / "assignments" / "assignment2" / "corpus").iterdir()
                    if p.is_dir())
    bugs = [m for m in MUTANTS if m not in HOSTILE or "allclose" in m.name]
    hanging = next(m for m in HOSTILE if "never returns" in m.name)
    slow = Mutant("slow", (SLOW_EDIT,), frozenset())
    reference = ROOT / "solutions" / "assignment2"
    skip = shutil.ignore_patterns("entry.toml", "__pycache__", "datasets")
    kinds, rng = {}, random.Random(11)
    for index, kind in enumerate(kinds_for(n)):
        key = f"student{index + 1:03d}"
        target = folder / key
        notebook = executed
        if kind in ("corpus", "not run"):
            shutil.copytree(rng.choice(corpus), target, ignore=skip)
            notebook = released if kind == "not run" else executed
        elif kind == "mutant":
            apply(rng.choice(bugs), reference, target)
        elif kind == "reference":
            shutil.copytree(reference, target, ignore=skip)
        elif kind == "skeleton":
            shutil.copytree(ROOT / "student_template" / "assignment2", target, ignore=skip)
            notebook = released
        elif kind == "broken zip":
            target = folder / f"{key}.zip"
            with zipfile.ZipFile(target, "w") as archive:
                archive.writestr("cs231n/layers.py", "x = 1\n")
            target.write_bytes(target.read_bytes()[:40])  # cut short: not a readable zip
            notebook = None
        else:
            apply(slow if kind == "slow" else hanging, reference, target)
        if notebook is not None:
            for stray in target.glob("*.ipynb"):
                stray.unlink()
            (target / NOTEBOOK).write_bytes(notebook)
        kinds[key] = kind
    return kinds


def grade_class(classroom: Path, out: Path, config: Path, jobs: int | None) -> tuple[float, dict]:
    command = [sys.executable, "-m", "gradekit", "grade-class", str(classroom), str(out),
               "--assignment", str(config), "--seed", "1"]
    if jobs:
        command += ["--jobs", str(jobs)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"grade-class failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return wall, json.loads((out / "manifest.json").read_text())


def grade_one(path: Path, config: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gradekit", "grade", str(path), "--seed", "1",
                    "--assignment", str(config), "--json"], cwd=ROOT, capture_output=True)
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def class_phases(out: Path, keys: list[str]) -> dict[str, list[float]]:
    """Each phase's wall, controller CPU and worker CPU seconds, summed over the class."""
    totals: dict[str, list[float]] = {}
    for key in keys:
        results = out / key / "results.json"
        if not results.is_file():
            continue
        profile = json.loads(results.read_text()).get("extra_data", {}).get("profile", {})
        for name, times in profile.get("phases", {}).items():
            row = totals.setdefault(name, [0.0, 0.0, 0.0])
            for i, field in enumerate(("wall", "cpu", "worker_cpu")):
                row[i] += times.get(field, 0.0)
    return totals


def print_phases(totals: dict[str, list[float]], count: int, which: str) -> None:
    width = max([len(name) for name in totals] + [5])
    print(f"\nwhere a grade's time goes, summed over {which} (per submission: / {count})")
    print(f"  {'phase':<{width}}  {'wall s':>8}  {'ctrl CPU':>8}  {'worker CPU':>10}  "
          f"{'per sub':>8}")
    for name, (wall, cpu, worker) in sorted(totals.items(), key=lambda kv: -kv[1][0]):
        print(f"  {name:<{width}}  {wall:8.1f}  {cpu:8.1f}  {worker:10.1f}  {wall / count:8.3f}")
    cpu = sum(row[1] + row[2] for row in totals.values())
    print(f"  CPU per submission (controller + worker): {cpu / max(count, 1):.2f} s")


def one_cli_grade(config: Path, runs: int = 7) -> list[float]:
    """Wall seconds of ``gradekit grade`` on a complete hand-in (bench_grade's: the
    reference and the executed notebooks), each in a fresh process, after one not counted
    (what a first grade on a new machine builds once, the workers' runtime and the kept
    files, is then in place, as for every grade after it)."""
    with tempfile.TemporaryDirectory(prefix="gradekit-bench-one-") as stage:
        hand_in = Path(stage) / "hand-in"
        complete_hand_in("assignment2", hand_in)
        run_grade(hand_in, config, runs)
        return sorted(run_grade(hand_in, config, seed)[0] for seed in range(runs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=60, help="submissions (default 60)")
    parser.add_argument("--full", action="store_true", help=f"grade {FULL} submissions")
    parser.add_argument("--jobs", type=int, default=None,
                        help="slots (default: grade-class's own default)")
    parser.add_argument("--config", type=Path, default=CONFIG,
                        help="the assignment's configuration (default: batchnorm-alone.toml)")
    parser.add_argument("--baseline", type=int, default=12,
                        help="submissions graded one `gradekit grade` each (default 12)")
    parser.add_argument("--quiet", action="store_true", help="no per-submission lines")
    args = parser.parse_args()
    n = FULL if args.full else args.n
    config = args.config.resolve()
    executed, released, source = notebooks(config)
    print(f"notebooks of the hand-ins: {source}")
    with tempfile.TemporaryDirectory(prefix="gradekit-bench-class-") as temporary:
        classroom, out = Path(temporary) / "class", Path(temporary) / "out"
        kinds = build_class(classroom, n, executed, released)
        load = os.getloadavg()[0]
        wall, manifest = grade_class(classroom, out, config, args.jobs)
        slots = args.jobs or manifest["runs"][-1]["jobs"]
        entries = manifest["submissions"]
        by_kind: dict[str, list[float]] = {}
        if not args.quiet:
            print(f"{'submission':<12} {'kind':<11} {'score':>6} {'seconds':>8}")
        for key, kind in kinds.items():
            entry = entries[key]
            by_kind.setdefault(kind, []).append(float(entry["seconds"] or 0))
            if not args.quiet:
                print(f"{key:<12} {kind:<11} {entry['score']:>6g} {entry['seconds']:>8.2f}")
        memory = [e["memory_mb"] for e in entries.values() if e.get("memory_mb")]
        slot_mb = max(m["controller_peak"] + (m["worker_peak"] or 0) for m in memory)
        seconds = [s for values in by_kind.values() for s in values]
        print(f"\n{n} submissions, {slots} slots, load average {load:.1f} at the start on "
              f"{os.cpu_count()} cores")
        for kind, values in sorted(by_kind.items(), key=lambda item: -len(item[1])):
            print(f"  {kind:<11} {len(values):>4}  median {statistics.median(values):6.2f} s"
                  f"  max {max(values):6.2f} s")
        print(f"per submission: median {statistics.median(seconds):.2f} s, p95 "
              f"{percentile(seconds, 0.95):.2f} s, max {max(seconds):.2f} s")
        print(f"grade-class: {wall:.1f} s in all ({wall / n:.2f} s per submission; "
              f"{sum(seconds):.1f} slot-seconds of grading)")
        print_phases(class_phases(out, list(kinds)), n, "the class")
        ordinary = [key for key, kind in kinds.items() if kind in ORDINARY]
        print_phases(class_phases(out, ordinary), len(ordinary),
                     f"the ordinary hand-ins ({', '.join(ORDINARY)})")
        print(f"\npeak memory per slot (controller + worker): {slot_mb:.0f} MB "
              f"(goal <= {GOAL_MB:.0f} MB) -> {'met' if slot_mb <= GOAL_MB else 'MISSED'}")

        sample = list(kinds)[:max(0, min(args.baseline, n))]
        if sample:
            paths = [classroom / key if (classroom / key).exists() else classroom / f"{key}.zip"
                     for key in sample]
            started = time.perf_counter()
            with ThreadPoolExecutor(slots) as pool:
                list(pool.map(lambda path: grade_one(path, config), paths))
            baseline = time.perf_counter() - started
            ours = sum(float(entries[key]["seconds"] or 0) for key in sample) / slots
            print(f"one `gradekit grade` per submission, {slots} at a time, for {len(sample)} "
                  f"of them: {baseline:.1f} s; grade-class spent {ours:.1f} s of slot time on "
                  f"the same -> {baseline / ours if ours else float('nan'):.1f}x faster")

    times = one_cli_grade(config)
    one = statistics.median(times)
    print(f"one CLI grade of a complete hand-in, {len(times)} runs: median {one:.2f} s "
          f"(min {times[0]:.2f}, max {times[-1]:.2f}; goal <= {GOAL_ONE} s) -> "
          f"{'met' if one <= GOAL_ONE else 'MISSED'}")
    shares = {kind: max(1, round(FULL * share / 1000)) for kind, share in MIX.items()}
    shares["corpus"] += FULL - sum(shares.values())
    if n == FULL:
        total = wall
    else:
        projected = sum(count * statistics.mean(by_kind[kind]) for kind, count in shares.items()
                        if kind in by_kind) / slots
        total = projected + max(0.0, wall - sum(seconds) / slots)  # the class's own start
    verdict = "met" if total <= GOAL_SECONDS else "MISSED"
    print(f"{FULL} submissions: {'measured' if n == FULL else 'projected'} {total:.0f} s "
          f"(goal <= {GOAL_SECONDS:.0f} s) -> {verdict}")
    return 0 if verdict == "met" and slot_mb <= GOAL_MB and one <= GOAL_ONE else 1


if __name__ == "__main__":
    sys.exit(main())
