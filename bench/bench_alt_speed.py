"""How often does the alt-speed check (hidden check 3.6) misjudge, with CPU hogs running?

Runs the check's measurement many times per submission (tests/alt_speed_cases.py):
- student closed forms from the corpus, which must pass (goal: at most 1 false fail in
  1000 each);
- copies of the staged backward, calls of it, restated chain rules, which must fail
  (goal: at least 99 in 100 each);
- attacks on the timing (work done when the grader binds arguments or when dout
  arrives, memory hammered while the controller times), which must fail likewise;
and how often one submission's verdict differs from its usual one (goal: the same on 99 in
100 grades). Prints pass counts, the ratios measured (own staged / alt, reference staged /
alt) and the time per check; exits non-zero when a goal is missed.

    .venv/bin/python bench/bench_alt_speed.py [--runs 100] [--hogs 2] [--same-seed]
        [--corpus all] [--max-minutes 60] [CASE ...]

``--runs 1000`` for the full goal on closed forms (long: about 1 s per check).
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
sys.path[:0] = [str(ROOT / "autograder" / "assignment2" / "public"),
                str(ROOT / "autograder" / "assignment2"), str(ROOT),
                str(ROOT / "solutions" / "assignment2")]

from alt_speed import DECIDE_AT, FAIL_AT, PASS_AT, SHAPE, measure_alt_speedup  # noqa: E402
from tests.assignments.assignment2.alt_speed_cases import (  # noqa: E402
    ALL_CORRECT, CASES, closed_form)

from gradekit.grading.checks import CheckFailed  # noqa: E402
from gradekit.sandbox.allocator import steady_malloc  # noqa: E402
from gradekit.sandbox.controller import Sandbox, StudentError  # noqa: E402
from gradekit.config import load_assignment  # noqa: E402

SANDBOX_LIMITS = load_assignment(ROOT / "assignment" / "assignment2" / "assignment.toml").grading.sandbox
"""Assignment 2's worker limits and packages (scipy, which some students' layers import)."""


@contextlib.contextmanager
def cpu_hogs(count: int, seconds: float):
    """``count`` busy-looping processes, killed on exit (and ending by themselves)."""
    loop = f"import time\nend = time.time() + {seconds:.0f}\nwhile time.time() < end: pass"
    hogs = [subprocess.Popen([sys.executable, "-c", loop]) for _ in range(count)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def run_case(case, runs: int, seed: int, same_seed: bool, ref_layers, work: Path,
             stop_at: float) -> dict:
    """The check's verdict and figures, ``runs`` times, in one sandbox."""
    folder = case.build(work / case.name.replace(" ", "_"))
    verdicts, ratios, versus, extended, seconds, errors = [], [], [], 0, [], []
    with Sandbox(folder, user=None, limits=SANDBOX_LIMITS) as student:
        student.wait_ready()
        for run in range(runs):
            if time.monotonic() > stop_at:
                break
            rng = np.random.default_rng(seed if same_seed else [seed, run])
            started = time.perf_counter()
            try:
                speed = measure_alt_speedup(student, ref_layers, rng)
            except (CheckFailed, StudentError) as error:  # a failure that is not a timing
                verdicts.append(False)
                errors.append(str(error).splitlines()[0][:160])
                seconds.append(time.perf_counter() - started)
                continue
            seconds.append(time.perf_counter() - started)
            verdicts.append(speed.passed)
            if speed.timings.alt:  # a copy or the chain rule may be decided without a clock
                ratios.append(speed.ratio)
                versus.append(speed.timings.versus_reference)
            extended += speed.extended
            message = speed.message()
    done = len(verdicts)
    passes = sum(verdicts)
    usual = max(passes, done - passes)
    ok = (passes == done - done // 1000 if case.should_pass else done - passes >= 0.99 * done)
    ok = ok and done > 0
    print(f"{case.name:36s} {'pass' if case.should_pass else 'fail':4s}  passed {passes:4d}/"
          f"{done:<4d} same verdict {usual}/{done}  own {describe(ratios)}  vs ref "
          f"{describe(versus, short=True)}  undecided {extended}  {median(seconds):.2f} s/check"
          f"{'' if ok else '  <-- goal missed'}", flush=True)
    if errors:
        print(f"    {len(errors)} failed outside the timing, e.g. {errors[0]}")
    elif not case.should_pass and done:
        print(f"    e.g. {message[:400]}")
    return {"ok": ok, "done": done, "usual": usual, "seconds": seconds}


def describe(values: list[float], short: bool = False) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    if short:
        return f"{ordered[0]:.2f}/{statistics.median(ordered):.2f}"
    low = ordered[len(ordered) // 100]
    return f"min {ordered[0]:.2f} p1 {low:.2f} med {statistics.median(ordered):.2f} " \
           f"max {ordered[-1]:.2f}"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help="case names (default: all of them)")
    parser.add_argument("--runs", type=int, default=100, help="checks per case")
    parser.add_argument("--hogs", type=int, default=2, help="busy processes running meanwhile")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--same-seed", action="store_true",
                        help="every check of a case with the same seed (a regrade)")
    parser.add_argument("--corpus", choices=("notable", "all"), default="notable",
                        help="closed forms: the notable corpus entries, or every correct one")
    parser.add_argument("--max-minutes", type=float, default=60.0,
                        help="stop starting checks after this long (the hogs end too)")
    args = parser.parse_args(argv)

    cases = dict(CASES)
    if args.corpus == "all":
        cases.update({c.name: c for c in map(closed_form, ALL_CORRECT) if c.name not in cases})
    unknown = [name for name in args.cases if name not in cases]
    if unknown:
        parser.error(f"no case {', '.join(map(repr, unknown))}; the cases are: "
                     f"{', '.join(map(repr, cases))} (--corpus all adds every correct "
                     "corpus entry)")
    chosen = [cases[name] for name in args.cases] if args.cases else list(cases.values())

    steady_malloc()  # as the grader does in its controller
    from cs231n import layers as ref_layers

    print(f"alt-speed check: {SHAPE[0]}x{SHAPE[1]} inputs; own staged / alt: pass at >= "
          f"{PASS_AT}, fail at <= {FAIL_AT}, else more repeats and >= {DECIDE_AT}; "
          f"{args.hogs} CPU hogs; {args.runs} checks per case", flush=True)
    started = time.perf_counter()
    stop_at = time.monotonic() + args.max_minutes * 60
    results = []
    with tempfile.TemporaryDirectory() as work, \
            cpu_hogs(args.hogs, args.max_minutes * 60 + 120):
        for case in chosen:
            results.append(run_case(case, args.runs, args.seed, args.same_seed, ref_layers,
                                    Path(work), stop_at))
    elapsed = time.perf_counter() - started
    checks = sum(r["done"] for r in results)
    stable = all(r["usual"] >= 0.99 * r["done"] for r in results)
    print(f"total {elapsed:.0f} s for {checks} checks ({elapsed / max(checks, 1):.2f} s each, "
          f"sandbox start included); verdicts stable on >= 99% of grades: {stable}")
    return 0 if all(r["ok"] for r in results) and stable else 1


if __name__ == "__main__":
    raise SystemExit(main())
