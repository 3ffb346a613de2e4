"""How often does the alt-speedup check (hidden check 3.6) misjudge?

Runs the check's measurement many times, with CPU hogs competing for the cores:
- on the reference solution, whose alt must pass (a fail is a false fail; goal: at
  most 1 in 1000);
- on a submission whose alt calls the staged backward, which must fail (goal: at
  least 99 in 100);
- on the closed form as students usually write it (a few temporaries), which must pass.
Prints the counts, the distribution of measured speedups and the time taken; exits
non-zero when a goal is missed.

    .venv/bin/python bench/bench_speedup_check.py [--runs 1000] [--copy-runs 100] [--hogs 2]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "autograder" / "public"), str(ROOT / "autograder"),
                str(ROOT / "tests"), str(ROOT / "solutions")]

from alt_speed import MIN_SPEEDUP, SHAPE, measure_alt_speedup  # noqa: E402
from mutants import MUTANTS, VARIANTS, apply  # noqa: E402

from gradekit.sandbox.controller import Sandbox  # noqa: E402
from gradekit.sandbox.allocator import steady_malloc  # noqa: E402

STAGED_COPY = next(m for m in MUTANTS if m.name == "alt is the staged backward")
PLAIN_ALT = next(m for m in VARIANTS if m.name == "plain closed-form alt")


@contextlib.contextmanager
def cpu_hogs(count: int):
    """``count`` busy-looping processes, stopped on exit."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def ratios(label: str, folder: Path, runs: int, rng, ref_layers) -> list[float]:
    """The speedup measured by the check, ``runs`` times, in one sandbox; prints a summary."""
    found = []
    with Sandbox(folder, user=None) as student:
        student.wait_ready()
        for _ in range(runs):
            found.append(measure_alt_speedup(student, ref_layers, rng).ratio)
    fails = sum(r < MIN_SPEEDUP for r in found)
    print(f"{label}: {fails} fails in {runs} runs; speedup {describe(found)}", flush=True)
    return found


def describe(values: list[float]) -> str:
    if not values:
        return "not run"
    ordered = sorted(values)
    low = ordered[len(ordered) // 100]
    return (f"min {ordered[0]:.2f}, 1st percentile {low:.2f}, median "
            f"{statistics.median(ordered):.2f}, max {ordered[-1]:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000, help="checks of the reference alt")
    parser.add_argument("--copy-runs", type=int, default=100,
                        help="checks of an alt that calls the staged backward")
    parser.add_argument("--plain-runs", type=int, default=100,
                        help="checks of a plainly written closed-form alt")
    parser.add_argument("--hogs", type=int, default=2, help="busy processes running meanwhile")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    steady_malloc()  # as the grader does in its controller
    from cs231n import layers as ref_layers

    rng = np.random.default_rng(args.seed)
    print(f"alt speedup check: {SHAPE[0]}x{SHAPE[1]} inputs, pass at >= {MIN_SPEEDUP}x, "
          f"{args.hogs} CPU hogs running", flush=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as work, cpu_hogs(args.hogs):
        copy = apply(STAGED_COPY, ROOT / "solutions", Path(work) / "staged_copy")
        bad = ratios("staged-copy alt (should fail)", copy, args.copy_runs, rng, ref_layers)
        plain = apply(PLAIN_ALT, ROOT / "solutions", Path(work) / "plain_alt")
        fair = ratios("plain closed-form alt (should pass)", plain, args.plain_runs, rng,
                      ref_layers)
        good = ratios("reference alt (should pass)", ROOT / "solutions", args.runs, rng,
                      ref_layers)
    elapsed = time.perf_counter() - started
    total = len(good) + len(bad) + len(fair)
    print(f"total time {elapsed:.1f} s ({elapsed / total:.3f} s per check)")
    false_fails = sum(r < MIN_SPEEDUP for r in good + fair)
    caught = sum(r < MIN_SPEEDUP for r in bad)
    ok = false_fails <= max(1, len(good + fair) // 1000) and caught >= len(bad) * 0.99
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
