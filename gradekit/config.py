"""Read an assignment's ``assignment.toml`` into typed settings.

Every path in the file is relative to the folder *above* the TOML file's folder when the
file sits in ``assignment/`` of a repository, i.e. to :attr:`Assignment.root`. A student
folder carries its own ``assignment.toml`` at its top, where ``root`` is that folder.
Set ``root = "."`` or ``root = ".."`` under ``[assignment]`` to say which.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class ReleaseConfig:
    solution_root: Path
    student_files: tuple[str, ...]
    notebooks: tuple[Path, ...]
    extra_files: dict[str, str]
    template_dir: Path
    dist_dir: Path
    variants: tuple[Variant, ...]


@dataclass(frozen=True)
class GradingConfig:
    submit: tuple[str, ...]
    public_checks: Path
    support_root: Path
    checks: Path | None = None
    reference_root: Path | None = None


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
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise UserError(f"{path}: no such assignment file") from None
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"{path}: not valid TOML: {error}") from None
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


def _read_release(reader: _Reader, root: Path) -> ReleaseConfig:
    table = reader.table("release")
    variants = []
    for index, item in enumerate(table.get("variants", [{"name": "jupyter"}])):
        where = f"release.variants[{index}]"
        if not isinstance(item, dict):
            raise reader.error(f"{where} must be a table")
        first_cell = reader.text(item, f"{where}.first_cell", "")
        translations = reader.text(item, f"{where}.translations", "")
        variants.append(
            Variant(
                name=reader.text(item, f"{where}.name"),
                first_cell=root / first_cell if first_cell else None,
                translations=root / translations if translations else None,
            )
        )
    extra = table.get("extra_files", {})
    if not isinstance(extra, dict) or not all(isinstance(v, str) for v in extra.values()):
        raise reader.error("release.extra_files must map source paths to destination paths")
    return ReleaseConfig(
        solution_root=root / reader.text(table, "release.solution_root"),
        student_files=reader.texts(table, "release.student_files"),
        notebooks=tuple(root / p for p in reader.texts(table, "release.notebooks", ())),
        extra_files=dict(extra),
        template_dir=root / reader.text(table, "release.template_dir", "student_template"),
        dist_dir=root / reader.text(table, "release.dist_dir", "dist"),
        variants=tuple(variants),
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
    )


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
