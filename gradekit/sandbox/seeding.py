"""Deterministic global generators in the worker, whatever student code does with them.

Before its first call a worker seeds numpy's global ``RandomState`` and the ``random``
module from the grade's seed and that call's ordinal (sent by the controller); the calls
of a grade come in a fixed order, so code that draws from them without seeding gives the
same values in every grade with the same ``--seed``. Later calls leave the generators
alone: a check that seeds them on purpose (``np.random.seed(231)``, as a notebook cell
does, before building a model) keeps its seed. A reseed without a seed
(``np.random.seed()``, ``np.random.seed(None)``, ``random.seed()``), which would take
fresh entropy from the system, takes the next seed of a stream of the same origin
instead.
"""

from __future__ import annotations

import random
import sys
from typing import Any

_state: dict[str, Any] = {"base": (0, 0), "drawn": 0, "seeded": False}


def _next_seed() -> int:
    """The next seed of the current call's stream (a 32-bit int)."""
    import numpy as np

    _state["drawn"] += 1
    words = np.random.SeedSequence([*_state["base"], _state["drawn"]]).generate_state(1)
    return int(words[0])


def install() -> None:
    """Make seeding without a seed deterministic (once; after numpy is imported)."""
    if "numpy" in sys.modules:
        import numpy.random  # noqa: F401 - numpy 2 may load it lazily
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None and not getattr(numpy_random.seed, "_grader", False):
        original = numpy_random.seed

        def seed(seed: Any = None) -> None:
            original(_next_seed() if seed is None else seed)

        seed._grader = True  # type: ignore[attr-defined]
        seed.__doc__ = original.__doc__
        numpy_random.seed = seed
        mtrand = sys.modules.get("numpy.random.mtrand")
        if mtrand is not None:
            mtrand.seed = seed
    if not getattr(random.seed, "_grader", False):
        original_random = random.seed

        def random_seed(a: Any = None, version: int = 2) -> None:
            original_random(_next_seed() if a is None else a, version)

        random_seed._grader = True  # type: ignore[attr-defined]
        random.seed = random_seed


def before_call(seed: Any) -> None:
    """Seed the global generators, before this worker's first call only, for the call
    numbered ``seed[1]`` of grade seed ``seed[0]``."""
    if _state["seeded"] or not (isinstance(seed, list) and len(seed) == 2
                                and all(isinstance(v, int) and v >= 0 for v in seed)):
        return
    _state["base"], _state["drawn"], _state["seeded"] = (seed[0], seed[1]), 0, True
    value = _next_seed()
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        numpy_random.seed(value)
    random.seed(value)
