"""A synthetic class: results.json documents built with the real result model.

Each student has an ability; each check a difficulty. A failed check says what real ones
say: a named bug ("This looks like: ..."), a wrong value with numbers, a timeout, a
crash, a missing file. Some grades fail as a whole; some carry notebook answers and
findings under ``extra_data["notebooks"]``.
"""

from __future__ import annotations

import random
from typing import Any

from gradekit.grading.results import CheckResult, GradeResult

# number, name, points, difficulty, the bugs the check can name
CHECKS = [
    ("1.1", "Affine forward", 2, 0.1, []),
    ("2.1", "Batchnorm forward, train mode", 3, 0.3,
     ["variance divided by N - 1 instead of N (ddof=1)", "gamma and beta not applied"]),
    ("2.2", "Batchnorm forward, test mode", 2, 0.45,
     ["eps added outside the square root", "running stats updated in test mode"]),
    ("2.3", "Batchnorm backward", 3, 0.5, ["dgamma/dbeta with the wrong shape"]),
    ("2.10", "Alternative backward is faster", 2, 0.7,
     ["an alternative backward that is a copy of the staged one"]),
    ("3.1", "Layer norm forward", 2, 0.4,
     ["layer norm statistics over the batch axis instead of the feature axis"]),
    ("10", "Notebook ran top to bottom", 1, 0.2, []),
]
ANSWER_CELLS = ("answer-init", "answer-batch-size", "answer-layernorm")


def synthetic_result(rng: random.Random, ability: float) -> dict[str, Any]:
    """One student's results.json document."""
    checks = []
    missing_layers = rng.random() < 0.04
    for number, name, points, difficulty, bugs in CHECKS:
        check = CheckResult(number=number, name=name, max_score=points,
                            visibility="visible" if number == "10" else "hidden")
        if missing_layers and number != "10":
            check.output = "needs cs231n/layers.py, which is not in your submission"
        elif rng.random() < ability * (1.2 - difficulty):
            check.passed, check.score = True, points
        else:
            check.output = _failure(rng, bugs)
            if rng.random() < 0.3:
                check.score = round(points * rng.choice([0.25, 0.5]), 4)
        checks.append(check)
    result = GradeResult(checks=checks, seed=rng.randrange(2**32),
                         execution_time=round(rng.uniform(5, 40), 2))
    if missing_layers:
        result.extra["files"] = {"found": [], "missing": ["cs231n/layers.py"], "rejected": []}
    if rng.random() < 0.03:
        result.error = "the sandbox could not start"
    if rng.random() < 0.7:
        result.extra["notebooks"] = {"BatchNormalization.ipynb": {
            "answers": {cell: f"My own answer for {cell}: {rng.random():.6f} because "
                              f"batch statistics vary with the batch." for cell in ANSWER_CELLS},
            "findings": rng.sample(["cell 12 was not run",
                                    "answer cell answer-init still holds the placeholder",
                                    "the notebook ends in an error in cell 30"],
                                   k=rng.randrange(0, 3)),
        }}
    return result.to_json()


def _failure(rng: random.Random, bugs: list[str]) -> str:
    roll = rng.random()
    if bugs and roll < 0.5:
        return (f"out differs from the expected values (max abs error "
                f"{rng.uniform(0.01, 3):.4f}). This looks like: {rng.choice(bugs)}.")
    if roll < 0.62:
        return "cs231n.layers.batchnorm_backward timed out after 10 s"
    if roll < 0.7:
        return ("cs231n.layers.batchnorm_forward crashed: the process running your code "
                "was killed by SIGSEGV")
    return (f"out[{rng.randrange(5)}, {rng.randrange(8)}] is {rng.uniform(-2, 2):.5f}, "
            f"expected {rng.uniform(-2, 2):.5f}\nfirst lines of the difference follow")


def synthetic_class(n: int, seed: int = 0) -> dict[str, dict[str, Any]]:
    """``n`` results keyed ``submission_<n>``, reproducible from ``seed``."""
    rng = random.Random(seed)
    return {f"submission_{1000 + i}": synthetic_result(rng, rng.betavariate(4, 1.6))
            for i in range(n)}
