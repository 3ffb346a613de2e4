"""What the mutation suite and the corpus harness share: seeded bugs as textual edits of
an assignment's reference, and one hidden-mode grade reduced to plain data (so that a
process pool can hand it back).

An assignment opts in with ``tests/assignments/<name>/mutants.py``, a catalogue of
:class:`Mutant` declarations (``MUTANTS``, ``VARIANTS``, ``CODE_POINTS``), and with
``tests/assignments/<name>/corpus/`` (entries and ``rules.toml``); the harnesses in
``tests/assignments/`` find them by name.
"""

from __future__ import annotations

import importlib
import shutil
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType, SimpleNamespace

from tests.support.paths import REPO, course


@dataclass(frozen=True)
class Mutant:
    """The reference with one seeded bug: textual ``edits`` (file, old, new), each ``old``
    occurring exactly once, so that a change to the reference breaks the suite loudly.

    ``fails`` names the checks that must fail; ``hint`` is a phrase their feedback must
    contain; ``only``: no other check may lose points; ``same_as``: the checks lost must
    be exactly those of the mutant of that name (an attack that must change no verdict).
    """

    name: str
    edits: tuple[tuple[str, str, str], ...]
    fails: frozenset[str]
    hint: str = ""
    only: bool = False
    same_as: str = ""
    note: str = field(default="", compare=False)

    @property
    def seed(self) -> int:
        return zlib.crc32(self.name.encode())


def mutant(name, edits, fails, hint="", only=False, same_as=""):
    """A Mutant from one edit or a tuple of edits; ``fails`` is a space-separated list."""
    if isinstance(edits[0], str):
        edits = (edits,)
    return Mutant(name, tuple(tuple(e) for e in edits), frozenset(fails.split()), hint, only,
                  same_as)


def apply(mutant_: Mutant, source: Path, destination: Path) -> Path:
    """Copy ``source`` (the reference package folder) to ``destination`` and edit it."""
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__"))
    for relative, old, new in mutant_.edits:
        path = destination / relative
        text = path.read_text(encoding="utf-8")
        count = text.count(old)
        if count != 1:
            raise AssertionError(f"mutant {mutant_.name}: {old!r} occurs {count} times in "
                                 f"{relative} (expected once); update the catalogue")
        path.write_text(text.replace(old, new), encoding="utf-8")
    return destination


def grade_summary(assignment: str, folder: str, seed: int) -> dict:
    """Grade ``folder`` in hidden mode against the course's ``assignment``: the code checks
    as ``{number: (score, max_score, passed, output)}`` (notebook parts are left out: the
    mutants and corpus entries are packages without notebooks)."""
    from gradekit.config import load_assignment
    from gradekit.grading.grade import grade_submission

    config = load_assignment(course(assignment).toml)
    result = grade_submission(Path(folder), config, seed=seed)
    parts = {part.number for notebook in config.grading.notebooks for part in notebook.parts}
    return {"error": result.error, "seconds": result.execution_time,
            "checks": {c.number: (c.score, c.max_score, c.passed, c.output)
                       for c in result.checks if c.number not in parts}}


def assignments_with(relative: str) -> list[str]:
    """The assignments whose test folder has ``relative`` (a file or folder name)."""
    root = REPO / "tests" / "assignments"
    return sorted(path.relative_to(root).parts[0] for path in root.glob(f"*/{relative}"))


def catalogue(assignment: str) -> SimpleNamespace:
    """``tests/assignments/<assignment>/mutants.py``, with the ``MUTANTS`` and ``VARIANTS``
    of every ``mutants_*.py`` beside it added (a part of the assignment whose checks have
    another author keeps its own catalogue) and their ``POINTS`` added to ``CODE_POINTS``."""
    main = importlib.import_module(f"tests.assignments.{assignment}.mutants")
    found = SimpleNamespace(MUTANTS=list(main.MUTANTS),
                            VARIANTS=list(getattr(main, "VARIANTS", [])),
                            CODE_POINTS=main.CODE_POINTS)
    for path in sorted(course(assignment).tests.glob("mutants_*.py")):
        part: ModuleType = importlib.import_module(
            f"tests.assignments.{assignment}.{path.stem}")
        found.MUTANTS += part.MUTANTS
        found.VARIANTS += getattr(part, "VARIANTS", [])
        found.CODE_POINTS += part.POINTS
    return found


def reference_folder(assignment: str, destination: Path) -> Path:
    """The reference as a student who solved everything hands it in: the solution package
    and the master notebooks named in ``[grading] submit`` (their student cells hold the
    reference code that checks of notebook cells grade)."""
    from gradekit.config import load_assignment

    paths = course(assignment)
    shutil.copytree(paths.solutions, destination, ignore=shutil.ignore_patterns("__pycache__"))
    config = load_assignment(paths.toml)
    submit = set(config.grading.submit) if config.grading else set()
    for notebook in config.release.notebooks if config.release else ():
        if notebook.name in submit:
            shutil.copyfile(notebook, destination / notebook.name)
    return destination
