"""The objects behind the ``credit`` and ``reference`` fixtures."""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gradekit.sandbox.phases import phase


@dataclass
class Credit:
    """Partial credit: the check scores ``points * min(1, sum of fractions)``."""

    fractions: list[float] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def earn(self, fraction: float, message: str = "") -> None:
        if not 0 <= float(fraction) <= 1:
            raise ValueError(f"credit fraction must be within [0, 1], got {fraction}")
        self.fractions.append(float(fraction))
        if message:
            self.messages.append(message)

    @property
    def used(self) -> bool:
        return bool(self.fractions)

    @property
    def total(self) -> float:
        """The fraction earned; a sum within rounding of 1 (0.3 + 0.35 + 0.25 + 0.1) is 1."""
        total = sum(self.fractions)
        return 1.0 if total >= 1.0 - 1e-9 else total


class Scoring:
    """Which checks this grade scores: the ``scoring`` fixture.

    A check's owner is the check that charges a bug; another check that sees the same bug
    asks ``scoring.scores(number)`` and, when the owner scores, credits the value with a
    note naming it (one bug, charged once). The answer holds for the whole grade, whatever
    part of it runs (``gradekit check --section``): a check counts when its file is among
    this grade's check files and its mark gives it points (a check of a notebook the
    release leaves out scores nothing).
    """

    def __init__(self, points: dict[str, float] | None = None) -> None:
        self._points = dict(points or {})

    def scores(self, number: str) -> bool:
        """True when the check numbered ``number`` is graded here with points."""
        return self._points.get(str(number), 0.0) > 0

    def __contains__(self, number: object) -> bool:
        return str(number) in self._points


class Reference:
    """The reference solution, imported in the controller from ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self._on_path = False
        self._known: set[str] = set()

    def module(self, name: str) -> Any:
        """Import ``name`` (``"pkg.mod"``) from the reference root."""
        if not self._on_path:
            sys.path.insert(0, str(self.root))
            self._on_path = True
            self._known = set(sys.modules)
        if name in sys.modules:
            module = importlib.import_module(name)
        else:
            with phase("reference: imports"):
                module = importlib.import_module(name)
        origin = Path(getattr(module, "__file__", "") or "").resolve()
        if self.root not in origin.parents:
            raise RuntimeError(f"{name} was imported from {origin}, not from {self.root}")
        return module

    def close(self) -> None:
        """Forget the reference modules this object imported (so another grade can load
        another root); modules of the same files imported before, under other names, stay."""
        if not self._on_path:
            return
        sys.path.remove(str(self.root))
        self._on_path = False
        prefix = os.path.join(str(self.root), "")
        for key, module in list(sys.modules.items()):
            path = getattr(module, "__file__", None)
            if key not in self._known and isinstance(path, str) and path.startswith(prefix):
                del sys.modules[key]
