"""Where things are, for every test: the repository, the engine's fixtures and each
assignment of the course in its folders (``assignment/<name>/``, ``solutions/<name>/``,
``autograder/<name>/``, ``student_template/<name>/``, ``tests/assignments/<name>/``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ENGINE_FIXTURES = REPO / "tests" / "engine" / "fixtures"
TOY = ENGINE_FIXTURES / "toy_assignment"
"""A small assignment in the single-assignment layout (``assignment/assignment.toml``)."""


@dataclass(frozen=True)
class CoursePaths:
    """The folders of one assignment of the course."""

    name: str

    @property
    def folder(self) -> Path:
        """``assignment/<name>/``: config, master notebooks, pictures, translations."""
        return REPO / "assignment" / self.name

    @property
    def toml(self) -> Path:
        return self.folder / "assignment.toml"

    @property
    def solutions(self) -> Path:
        return REPO / "solutions" / self.name

    @property
    def checks(self) -> Path:
        return REPO / "autograder" / self.name

    @property
    def public_checks(self) -> Path:
        return self.checks / "public"

    @property
    def template(self) -> Path:
        return REPO / "student_template" / self.name

    @property
    def tests(self) -> Path:
        return REPO / "tests" / "assignments" / self.name

    @property
    def corpus(self) -> Path:
        return self.tests / "corpus"


def course(name: str) -> CoursePaths:
    return CoursePaths(name)


A2 = course("assignment2")
"""Assignment 2 (Batch Normalization and the other notebooks of the course's second part)."""
