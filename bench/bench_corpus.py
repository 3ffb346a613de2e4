"""The student corpus over many seeds: are the verdicts the same whatever the seed?

Grades every entry of tests/assignments/<assignment>/corpus with 20 seeds (``-n``) through the real
assignment, two grades at a time, and prints per entry: the mean and lowest score, how
many seeds gave a verdict that breaks the rules of tests/assignments/test_student_corpus.py (a
correct entry below full marks, a bug entry losing points where its table row does not
allow, or not named), and the median seconds per grade. Exit status 1 when any seed
broke a rule.

    .venv/bin/python bench/bench_corpus.py [-n 20] [--controllers 2] [ENTRY ...]

(``--workers`` is the old name of ``--controllers``: grading processes, each with its own
sandbox worker.)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.assignments import test_student_corpus as corpus  # noqa: E402
from tests.support.paths import course  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--seeds", type=int, default=20)
    parser.add_argument("--controllers", "--workers", dest="controllers", type=int,
                        default=corpus.CONTROLLERS,
                        help="grades at once, each in a controller process of its own")
    parser.add_argument("--assignment", default="assignment2", choices=corpus.ASSIGNMENTS,
                        help="whose corpus (tests/assignments/NAME/corpus)")
    parser.add_argument("entries", nargs="*", help="entry folder names (default: all)")
    options = parser.parse_args()
    assignment = options.assignment
    metas = corpus.entries(assignment)
    rules = corpus.rules(assignment)
    names = options.entries or sorted(metas)
    seeds = [1000 + i for i in range(options.seeds)]
    folder = course(assignment).corpus
    jobs = {(name, seed): str(folder / name) for name in names for seed in seeds}
    started = time.perf_counter()
    graded = corpus.grade_all(assignment, jobs, options.controllers)
    wall = time.perf_counter() - started
    broken_total = 0
    print(f"{'entry':<40} {'mean':>6} {'min':>6} {'broken':>7} {'s/grade':>8}")
    for name in names:
        meta = metas[name]
        summaries = [graded[(name, seed)] for seed in seeds]
        scores = [sum(c[0] for c in s["checks"].values()) for s in summaries]
        if meta.get("correct"):
            problems = [corpus.correct_problems(assignment, name, s) for s in summaries]
        elif meta.get("bug") in rules.bugs:
            problems = [corpus.bug_problems(assignment, meta["bug"], s) for s in summaries]
        else:
            problems = [[f"bug {meta.get('bug')!r} is not in the table"]] * len(summaries)
        broken = [(seed, p) for seed, p in zip(seeds, problems) if p]
        broken_total += len(broken)
        seconds = statistics.median(s["seconds"] for s in summaries)
        print(f"{name:<40} {statistics.mean(scores):>6.2f} {min(scores):>6.2f} "
              f"{len(broken):>7} {seconds:>8.2f}")
        for seed, found in broken[:2]:
            print(f"    seed {seed}: " + "\n    ".join(found)[:800])
    total = len(jobs)
    print(f"\n{total} grades ({len(names)} entries x {len(seeds)} seeds) in {wall:.0f} s "
          f"with {options.controllers} controllers ({wall / total:.2f} s per grade); "
          f"{broken_total} broke a rule")
    return 1 if broken_total else 0


if __name__ == "__main__":
    sys.exit(main())
