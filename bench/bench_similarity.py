"""Where planted copies rank in a class of real student code.

For each assignment, the class is the student corpus's independently written correct
entries (``tests/support/planting.py``), and three copies are planted in it, each of a
different entry: the whole submission, the whole with its local names renamed, and an
entry with three of its functions replaced by another's. For several seeds (which
entries are copied, which functions) it prints each level's rank among all pairs, for
gradekit's score and for the whole-submission score alone (the partial-copy score off,
as before it existed), the 3-function copy's score both ways, and the best score of a
pair of independent entries (the flag is at ``Settings.flag``). The corpus classes are
small (12 to 28 entries), so ranks are near the top either way; the margin over the
best independent pair is what the partial-copy score adds.

Dolos (npm ``@dodona/dolos-lib``) is not installable offline, so its column says so;
with a ``dolos`` command on PATH, run it on the folders this bench writes with
``--keep DIR`` to compare by hand.

    .venv/bin/python bench/bench_similarity.py [--seeds 4] [--assignment assignment2]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    from gradekit.classwork.partial import FunctionSettings
    from gradekit.classwork.similarity import Settings, compare
    from tests.support.planting import LEVELS, planted_class, rank_of

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--assignment", action="append", default=[])
    parser.add_argument("--keep", type=Path, default=None,
                        help="write each planted class here (one folder per submission)")
    args = parser.parse_args()
    names = args.assignment or ["assignment1", "assignment2", "assignment3"]
    settings = Settings()
    whole_only = Settings(functions=FunctionSettings(full_tokens=10 ** 9))
    dolos = ("dolos on PATH: run it on --keep folders" if shutil.which("dolos")
             else "n/a (npm @dodona/dolos-lib not installable offline)")
    print(f"flag at {settings.flag}; Dolos: {dolos}")
    print(f"{'assignment':12} {'seed':>4} {'entries':>7} {'pairs':>5}  "
          + "  ".join(f"{level + ' (new/old)':>18}" for level in LEVELS)
          + f"  {'partial score new/old':>21}  {'best independent':>16}  {'seconds':>7}")
    worst = {level: 0 for level in LEVELS}
    for name in names:
        for seed in range(args.seeds):
            planted = planted_class(name, seed=seed)
            clock = time.perf_counter()
            pairs = compare(planted.code, planted.skeleton, settings=settings)
            seconds = time.perf_counter() - clock
            old = compare(planted.code, planted.skeleton, settings=whole_only)
            n = len(planted.code)
            cells = []
            for level in LEVELS:
                new_rank, old_rank = (rank_of(pairs, *planted.planted[level]),
                                      rank_of(old, *planted.planted[level]))
                worst[level] = max(worst[level], new_rank)
                cells.append(f"{f'{new_rank}/{old_rank}':>18}")
            planted_keys = [set(keys) for keys in planted.planted.values()]
            noise = max((p.score for p in pairs if {p.a, p.b} not in planted_keys
                         and not (p.a.startswith("copy-") or p.b.startswith("copy-"))),
                        default=0.0)
            scores = [ranked[rank_of(ranked, *planted.planted["partial"]) - 1].score
                      for ranked in (pairs, old)]
            print(f"{name:12} {seed:>4} {n:>7} {n * (n - 1) // 2:>5}  " + "  ".join(cells)
                  + f"  {f'{scores[0]:.2f}/{scores[1]:.2f}':>21}  {noise:>16.2f}"
                  f"  {seconds:>7.2f}")
            if args.keep is not None:
                for key, files in planted.code.items():
                    for file, text in files.items():
                        path = args.keep / f"{name}-{seed}" / key / file
                        path.parent.mkdir(parents=True, exist_ok=True)
                        path.write_text(text, encoding="utf-8")
    print("worst rank: " + ", ".join(f"{level} {rank}" for level, rank in worst.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
