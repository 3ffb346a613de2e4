"""Read an assignment's ``assignment.toml`` into typed settings.

Every path in the file is relative to the folder *above* the TOML file's folder when the
file sits in ``assignment/`` of a repository, i.e. to :attr:`Assignment.root`. A student
folder carries its own ``assignment.toml`` at its top, where ``root`` is that folder.
Set ``root = "."`` or ``root = ".."`` under ``[assignment]`` to say which.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gradekit.errors import UserError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


@dataclass(frozen=True)
class Variant:
    """One flavour of the student release (``jupyter``, ``colab``, ``zh-CN`` ...)."""

    name: str
    first_cell: Path | None = None
    translations: Path | None = None
    embed_images: bool = False
    """Put pictures linked from markdown inside the notebook (for hosts like Colab)."""
    readme: Path | None = None
    """The student README's template for this variant (default: the engine's English one)."""


@dataclass(frozen=True)
class NotebookCheck:
    """How ``gradekit release --check-notebooks`` runs the master notebooks.

    ``env`` is added to the kernel's environment; ``timeout_per_cell`` is in seconds.
    """

    env: dict[str, str] = field(default_factory=dict)
    timeout_per_cell: int = 600


DEFAULT_VISIBILITY = {"default": "after_published", "public": "visible"}
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
DEFAULT_ANSWER_PLACEHOLDER = "**Your Answer:** *[FILL THIS IN]*"


@dataclass(frozen=True)
class ReleaseConfig:
    """``[release]``: what the student copies are made of.

    The first variant is the one ``template_dir`` holds.
    """

    solution_root: Path
    student_files: tuple[str, ...]
    notebooks: tuple[Path, ...]
    extra_files: dict[str, str]
    template_dir: Path
    dist_dir: Path
    variants: tuple[Variant, ...]
    answer_placeholder: str = DEFAULT_ANSWER_PLACEHOLDER
    notebook_check: NotebookCheck = field(default_factory=NotebookCheck)


@dataclass(frozen=True)
class GradingConfig:
    submit: tuple[str, ...]
    public_checks: Path
    support_root: Path
    checks: Path | None = None
    reference_root: Path | None = None
    hand_in_also: tuple[str, ...] = ()
    """What students hand in apart from the zip (shown by the README and gradekit collect)."""
    time_budget: float = 480.0
    """Seconds the whole grade may take; checks not finished by then score 0 with a message
    (well inside Gradescope's 10 minutes, so a result is always written)."""
    visibility: dict[str, str] = field(
        default_factory=lambda: dict(DEFAULT_VISIBILITY))
    """Gradescope visibility of checks whose mark does not say: ``default`` for hidden
    checks, ``public`` for public ones (``[grading] visibility = {default = ..., public =
    ...}``)."""


@dataclass(frozen=True)
class Assignment:
    path: Path
    root: Path
    name: str
    title: str
    version: str
    release: ReleaseConfig | None
    grading: GradingConfig | None
    raw: dict[str, Any] = field(repr=False, default_factory=dict)


def load_assignment(path: str | Path) -> Assignment:
    """Parse and validate ``assignment.toml``; raise :class:`UserError` naming the problem."""
    path = Path(path)
    if path.is_dir():
        path = path / "assignment.toml"
    data = read_toml(path, "assignment file")
    reader = _Reader(path, data)
    meta = reader.table("assignment")
    default_root = ".." if path.parent.name == "assignment" else "."
    root = (path.parent / reader.text(meta, "assignment.root", default_root)).resolve()
    release = _read_release(reader, root) if "release" in data else None
    grading = _read_grading(reader, root) if "grading" in data else None
    return Assignment(
        path=path,
        root=root,
        name=reader.text(meta, "assignment.name"),
        title=reader.text(meta, "assignment.title", reader.text(meta, "assignment.name")),
        version=reader.text(meta, "assignment.version", "0"),
        release=release,
        grading=grading,
        raw=data,
    )


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """Parse a TOML file; a missing or malformed file is a :class:`UserError`."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise UserError(f"{path}: no such {what}") from None
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"{path}: not valid TOML: {error}") from None


_VARIANT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def load_student_folder(folder: Path, command: str) -> Assignment:
    """The assignment of a student's folder: its own ``assignment.toml``, with [grading].

    ``command`` names the gradekit command in the error a student sees.
    """
    config = folder / "assignment.toml"
    if not config.is_file():
        raise UserError(f"{folder}: no assignment.toml here; run this in your assignment "
                        f"folder or pass it: gradekit {command} FOLDER")
    assignment = load_assignment(config)
    if assignment.grading is None:
        raise UserError(f"{config}: no [grading] table")
    return assignment


def _read_release(reader: _Reader, root: Path) -> ReleaseConfig:
    table = reader.table("release")
    variants = []
    for index, item in enumerate(table.get("variants", [{"name": "jupyter"}])):
        where = f"release.variants[{index}]"
        if not isinstance(item, dict):
            raise reader.error(f"{where} must be a table")
        name = reader.text(item, f"{where}.name")
        if not _VARIANT_NAME.fullmatch(name) or name in {v.name for v in variants}:
            raise reader.error(f"{where}.name {name!r} must be unique and fit in a file name")
        first_cell = reader.text(item, f"{where}.first_cell", "")
        translations = reader.text(item, f"{where}.translations", "")
        readme = reader.text(item, f"{where}.readme", "")
        variants.append(
            Variant(
                name=name,
                first_cell=root / first_cell if first_cell else None,
                translations=root / translations if translations else None,
                embed_images=reader.flag(item, f"{where}.embed_images", False),
                readme=root / readme if readme else None,
            )
        )
    if not variants:
        raise reader.error("release.variants must name at least one variant")
    return ReleaseConfig(
        solution_root=root / reader.text(table, "release.solution_root"),
        student_files=reader.texts(table, "release.student_files"),
        notebooks=tuple(root / p for p in reader.texts(table, "release.notebooks", ())),
        extra_files=reader.mapping(table, "release.extra_files", {}),
        template_dir=root / reader.text(table, "release.template_dir", "student_template"),
        dist_dir=root / reader.text(table, "release.dist_dir", "dist"),
        variants=tuple(variants),
        answer_placeholder=reader.text(
            table, "release.answer_placeholder", DEFAULT_ANSWER_PLACEHOLDER
        ),
        notebook_check=_read_notebook_check(reader, table.get("notebook_check", {})),
    )


def _read_notebook_check(reader: _Reader, table: Any) -> NotebookCheck:
    if not isinstance(table, dict):
        raise reader.error("release.notebook_check must be a table")
    timeout = table.get("timeout_per_cell", NotebookCheck.timeout_per_cell)
    if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout <= 0:
        raise reader.error("release.notebook_check.timeout_per_cell must be a positive integer")
    return NotebookCheck(
        env=reader.mapping(table, "release.notebook_check.env", {}),
        timeout_per_cell=timeout,
    )


def _read_grading(reader: _Reader, root: Path) -> GradingConfig:
    table = reader.table("grading")
    checks = reader.text(table, "grading.checks", "")
    reference = reader.text(table, "grading.reference_root", "")
    return GradingConfig(
        submit=reader.texts(table, "grading.submit"),
        public_checks=root / reader.text(table, "grading.public_checks"),
        support_root=root / reader.text(table, "grading.support_root", "."),
        checks=root / checks if checks else None,
        reference_root=root / reference if reference else None,
        hand_in_also=reader.texts(table, "grading.hand_in_also", ()),
        time_budget=reader.number(table, "grading.time_budget", 480.0),
        visibility=_read_visibility(reader, table.get("visibility", {})),
    )


def _read_visibility(reader: _Reader, table: Any) -> dict[str, str]:
    if not isinstance(table, dict):
        raise reader.error("grading.visibility must be a table like "
                           '{default = "after_published", public = "visible"}')
    unknown = sorted(set(table) - set(DEFAULT_VISIBILITY))
    if unknown:
        raise reader.error(f"grading.visibility: unknown keys {unknown} (known: default, public)")
    chosen = {**DEFAULT_VISIBILITY, **table}
    for key, value in chosen.items():
        if value not in VISIBILITIES:
            raise reader.error(f"grading.visibility.{key} must be one of {', '.join(VISIBILITIES)}")
    return chosen


_MISSING = object()


class _Reader:
    """Typed look-ups with errors that name the file and the key."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    def error(self, message: str) -> UserError:
        return UserError(f"{self.path}: {message}")

    def table(self, key: str) -> dict[str, Any]:
        value = self.data.get(key)
        if not isinstance(value, dict):
            raise self.error(f"missing table [{key}]")
        return value

    def text(self, table: dict[str, Any], key: str, default: Any = _MISSING) -> str:
        value = table.get(key.rsplit(".", 1)[-1], default)
        if value is _MISSING:
            raise self.error(f"missing key {key}")
        if not isinstance(value, str):
            raise self.error(f"{key} must be a string, not {type(value).__name__}")
        return value

    def texts(self, table: dict[str, Any], key: str, default: Any = _MISSING) -> tuple[str, ...]:
        value = table.get(key.rsplit(".", 1)[-1], default)
        if value is _MISSING:
            raise self.error(f"missing key {key}")
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise self.error(f"{key} must be a list of strings")
        return tuple(value)

    def number(self, table: dict[str, Any], key: str, default: float) -> float:
        value = table.get(key.rsplit(".", 1)[-1], default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise self.error(f"{key} must be a positive number of seconds")
        return float(value)

    def flag(self, table: dict[str, Any], key: str, default: bool) -> bool:
        value = table.get(key.rsplit(".", 1)[-1], default)
        if not isinstance(value, bool):
            raise self.error(f"{key} must be true or false")
        return value

    def mapping(self, table: dict[str, Any], key: str, default: Any = _MISSING) -> dict[str, str]:
        value = table.get(key.rsplit(".", 1)[-1], default)
        if value is _MISSING:
            raise self.error(f"missing key {key}")
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise self.error(f"{key} must be a table of strings")
        return dict(value)
