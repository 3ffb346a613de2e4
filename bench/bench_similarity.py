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

With ``--dolos DIR`` (a folder where npm ``@dodona/dolos-lib`` is installed) Dolos ranks
the same classes too, each submission's files given to it as one file, and its ranks are
printed beside gradekit's. ``--install-dolos DIR`` installs it there first (npm; on Node
20 its prebuilt tree-sitter needs a newer libstdc++, so the parsers are built from source
with gcc: several minutes, once). Without either, the Dolos column says so.

    .venv/bin/python bench/bench_similarity.py [--seeds 4] [--assignment assignment2]
        [--dolos DIR | --install-dolos DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def install_dolos(folder: Path) -> None:
    """npm-install Dolos into ``folder``, its native parsers built from source."""
    folder.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, "npm_config_build_from_source": "true"}
    for command in (["npm", "install", "--no-audit", "--no-fund", "@dodona/dolos-lib"],
                    ["npm", "rebuild"]):
        subprocess.run(command, cwd=folder, env=environment, check=True,
                       stdout=subprocess.DEVNULL)


def dolos_ranks(folder: Path, code: dict[str, dict[str, str]],
                planted: dict[str, tuple[str, str]]) -> dict[str, int]:
    """Each planted level's rank among Dolos's pairs (one file per submission)."""
    with tempfile.TemporaryDirectory(prefix="gradekit-dolos-") as work:
        paths = {}
        for key, files in code.items():
            path = Path(work) / f"{key}.py"
            path.write_text("\n\n".join(files[f] for f in sorted(files)), encoding="utf-8")
            paths[str(path)] = key
        shutil.copy(ROOT / "bench" / "dolos_pairs.mjs", folder / "dolos_pairs.mjs")
        done = subprocess.run(["node", "dolos_pairs.mjs", *paths], cwd=folder,
                              capture_output=True, text=True, check=True, timeout=600)
    pairs = []
    for line in done.stdout.splitlines():
        left, right, similarity = json.loads(line)
        pairs.append((similarity, {paths[left], paths[right]}))
    pairs.sort(key=lambda pair: -pair[0])
    return {level: 1 + next(i for i, (_, keys) in enumerate(pairs) if keys == set(pair))
            for level, pair in planted.items()}


def main() -> int:
    from gradekit.classwork.partial import FunctionSettings
    from gradekit.classwork.similarity import Settings, compare
    from tests.support.planting import LEVELS, planted_class, rank_of

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--assignment", action="append", default=[])
    parser.add_argument("--keep", type=Path, default=None,
                        help="write each planted class here (one folder per submission)")
    parser.add_argument("--dolos", type=Path, default=None, metavar="DIR",
                        help="a folder where npm @dodona/dolos-lib is installed")
    parser.add_argument("--install-dolos", type=Path, default=None, metavar="DIR",
                        help="install Dolos into DIR first (npm, minutes), then use it")
    args = parser.parse_args()
    if args.install_dolos is not None:
        install_dolos(args.install_dolos)
        args.dolos = args.install_dolos
    names = args.assignment or ["assignment1", "assignment2", "assignment3"]
    settings = Settings()
    whole_only = Settings(functions=FunctionSettings(full_tokens=10 ** 9))
    dolos = (f"@dodona/dolos-lib in {args.dolos}" if args.dolos is not None
             else "not run (give --dolos DIR or --install-dolos DIR)")
    print(f"flag at {settings.flag}; Dolos: {dolos}; ranks are gradekit/whole-only/Dolos")
    print(f"{'assignment':12} {'seed':>4} {'entries':>7} {'pairs':>5}  "
          + "  ".join(f"{level + ' (new/old/dolos)':>24}" for level in LEVELS)
          + f"  {'partial score new/old':>21}  {'best independent':>16}  {'seconds':>7}")
    worst = {level: 0 for level in LEVELS}
    worst_dolos = {level: 0 for level in LEVELS}
    for name in names:
        for seed in range(args.seeds):
            planted = planted_class(name, seed=seed)
            clock = time.perf_counter()
            pairs = compare(planted.code, planted.skeleton, settings=settings)
            seconds = time.perf_counter() - clock
            old = compare(planted.code, planted.skeleton, settings=whole_only)
            n = len(planted.code)
            theirs = (dolos_ranks(args.dolos, planted.code, planted.planted)
                      if args.dolos is not None else {})
            cells = []
            for level in LEVELS:
                new_rank, old_rank = (rank_of(pairs, *planted.planted[level]),
                                      rank_of(old, *planted.planted[level]))
                worst[level] = max(worst[level], new_rank)
                worst_dolos[level] = max(worst_dolos[level], theirs.get(level, 0))
                dolos_rank = theirs.get(level, "-")
                cells.append(f"{f'{new_rank}/{old_rank}/{dolos_rank}':>24}")
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
    print("worst rank, gradekit: " + ", ".join(f"{level} {rank}" for level, rank in worst.items()))
    if args.dolos is not None:
        print("worst rank, Dolos:    " + ", ".join(f"{level} {rank}"
                                                  for level, rank in worst_dolos.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
