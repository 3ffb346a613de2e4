"""A course: its assignments, one folder each, found by name.

An assignment of a course has its config at ``<course>/assignment/<name>/assignment.toml``
and its other folders beside it by the same name (:mod:`gradekit.config`). A repository
of one assignment keeps ``assignment/assignment.toml``; a student's folder has its own
``assignment.toml``. Commands take ``--assignment NAME`` (or a path) and never guess
between several assignments.
"""

from __future__ import annotations

from pathlib import Path

from gradekit.config import COURSE_FOLDER, Assignment
from gradekit.errors import UserError

CONFIG = "assignment.toml"


def course_configs(root: Path) -> dict[str, Path]:
    """``{name: config path}`` of the course at ``root`` (empty when it is not one)."""
    folder = root / COURSE_FOLDER
    if not folder.is_dir():
        return {}
    return {path.parent.name: path for path in sorted(folder.glob(f"*/{CONFIG}"))}


def find_config(given: str | Path | None, root: Path = Path(".")) -> Path | None:
    """The config that ``given`` (a name, a config path or a folder) means at ``root``;
    without ``given``, the only assignment there is. None when there is none."""
    if given is not None:
        return resolve(str(given), root)
    configs = course_configs(root)
    if len(configs) > 1:
        raise UserError(f"{root / COURSE_FOLDER}: this course has {len(configs)} assignments "
                        f"({', '.join(configs)}); say which with --assignment NAME")
    if configs:
        return next(iter(configs.values()))
    return next((path for path in (root / COURSE_FOLDER / CONFIG, root / CONFIG)
                 if path.is_file()), None)


def config_path(given: str | Path | None, root: Path = Path(".")) -> Path:
    """:func:`find_config`, or a UserError saying where it looked."""
    found = find_config(given, root)
    if found is None:
        raise UserError(f"no assignment here (looked for {COURSE_FOLDER}/<name>/{CONFIG}, "
                        f"{COURSE_FOLDER}/{CONFIG} and ./{CONFIG}); pass --assignment "
                        "NAME or a path to its assignment.toml")
    return found


def resolve(given: str, root: Path = Path(".")) -> Path:
    """A name of the course at ``root``, a config file, or a folder holding one."""
    path = Path(given)
    if path.is_file():
        return path
    if path.is_dir() and (path / CONFIG).is_file():
        return path / CONFIG
    configs = course_configs(root)
    if given in configs:
        return configs[given]
    known = f"; the assignments here are {', '.join(configs)}" if configs else ""
    raise UserError(f"{given}: no such assignment (neither a name under "
                    f"{root / COURSE_FOLDER}/ nor an assignment.toml or its folder){known}")


def check_course(assignments: list[Assignment]) -> None:
    """Refuse a course where one assignment's checks lie inside another's: every check
    belongs to exactly one assignment, the one whose checks folder holds it."""
    folders = [(a, a.grading.checks.resolve()) for a in assignments
               if a.grading is not None and a.grading.checks is not None]
    for first, one in folders:
        for second, other in folders:
            if first is not second and (one == other or other in one.parents):
                raise UserError(
                    f"{first.path}: its checks folder {one} lies in {second.name}'s "
                    f"({other}), so two assignments would claim the same checks; give each "
                    "assignment a checks folder of its own (autograder/<name>/)")
