"""How long ``build_reports`` takes for a large class.

Lays out N synthetic results (tests/class_results.py) as the class runner leaves them,
each with a kept ``cs231n/layers.py``: one of the similarity fixtures with its names
changed at random (so every submission is a disguised copy of one of fourteen sources,
a harder load for the similarity than a real class). Prints the time of each part and
the number of pairs found. Goal: under 60 s for 700 results. Exit status 1 if missed.

    .venv/bin/python bench/bench_class_report.py [-n 700]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOAL_SECONDS = 60.0


def lay_out(out: Path, n: int) -> Path:
    from tests.support.class_results import synthetic_class

    fixtures = ROOT / "tests" / "engine" / "fixtures" / "similarity"
    sources = [p.read_text() for folder in ("independent", "copies")
               for p in sorted((fixtures / folder).glob("*.py"))]
    rng = random.Random(1)
    for index, (key, result) in enumerate(synthetic_class(n, seed=1).items()):
        folder = out / key / "submission" / "cs231n"
        folder.mkdir(parents=True)
        (out / key / "results.json").write_text(json.dumps(result))
        text = sources[index % len(sources)]
        for name in ("x_hat", "xhat", "mu", "var", "inv_std", "std", "dxhat", "N"):
            text = re.sub(rf"\b{name}\b", f"{name}_{rng.randrange(1000)}", text)
        (folder / "layers.py").write_text(text)
    skeleton = out.parent / "skeleton" / "cs231n"
    skeleton.mkdir(parents=True)
    (skeleton / "layers.py").write_text((fixtures / "skeleton" / "layers.py").read_text())
    return skeleton.parent


def main() -> int:
    from gradekit.classwork.build import build_reports
    from gradekit.classwork.roster import Roster

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=700, help="results to lay out (default 700)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        out = Path(temporary) / "out"
        skeleton = lay_out(out, args.n)
        started = time.perf_counter()
        summary = build_reports(out, Roster(), skeleton, "Benchmark")
        wall = time.perf_counter() - started
        pairs = sum(1 for _ in (out / "similarity.csv").open()) - 1
        size = (out / "report.html").stat().st_size
    parts = ", ".join(f"{part} {seconds:.2f} s" for part, seconds in summary.seconds.items())
    print(f"{args.n} results: build_reports {wall:.2f} s ({parts}); {pairs} pairs in "
          f"similarity.csv; report.html {size / 1024:.0f} KiB")
    print(f"goal: under {GOAL_SECONDS:.0f} s -> {'met' if wall < GOAL_SECONDS else 'MISSED'}")
    return 0 if wall < GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
