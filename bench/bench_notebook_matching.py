"""How long does cell matching take on a crafted notebook (every cell nearly like a
released one, none identical)? A timing figure only; the test that must hold is the
count of comparisons in tests/engine/grading/test_notebook_matching_bounds.py.

    .venv/bin/python bench/bench_notebook_matching.py [--released 30] [--submitted 700]
        [--words 200]

Prints the notebook's size, the comparisons and character pairs spent, and the seconds.
"""

from __future__ import annotations

import argparse
import random
import time

from gradekit.grading.notebook.matching import match_cells
from gradekit.grading.notebook.reading import Cell

WORDS = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta"]


def crafted(released_cells: int, submitted_cells: int, words: int):
    """Released markdown cells and a submission of shuffled copies of them."""
    rng = random.Random(5)
    released = [Cell(i, "markdown", None,
                     " ".join(rng.choice(WORDS) + str(rng.randrange(10)) for _ in range(words)))
                for i in range(released_cells)]
    submitted = []
    for i in range(submitted_cells):
        text = released[i * released_cells // submitted_cells].source.split()
        rng.shuffle(text)
        submitted.append(Cell(i, "markdown", None, " ".join(text) + f" x{i}"))
    return released, submitted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--released", type=int, default=30)
    parser.add_argument("--submitted", type=int, default=700)
    parser.add_argument("--words", type=int, default=200)
    args = parser.parse_args()
    released, submitted = crafted(args.released, args.submitted, args.words)
    size = sum(len(cell.source) for cell in submitted)
    began = time.perf_counter()
    found = match_cells(released, submitted)
    seconds = time.perf_counter() - began
    print(f"{len(submitted)} cells, {size / 1e6:.2f} MB: {found.comparisons} comparisons, "
          f"{found.work / 1e6:.1f} M character pairs, {len(found.pairs)} of {len(released)} "
          f"released cells paired, {seconds:.2f} s")


if __name__ == "__main__":
    main()
