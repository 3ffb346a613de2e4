"""Read an assignment's ``assignment.toml`` into typed settings.

Every path in the file is relative to :attr:`Assignment.root`, which depends on where the
file sits:

- ``<course>/assignment/<name>/assignment.toml`` (the course layout, one folder per
  assignment): the root is ``<course>``, the assignment's name is ``<name>``, and the
  folders default to the course's: ``solutions/<name>``, ``autograder/<name>`` (hidden
  checks) with ``public/`` in it, ``student_template/<name>``, ``dist/<name>``;
- ``<repo>/assignment/assignment.toml`` (a repository of one assignment): the root is
  ``<repo>``;
- anywhere else (a student's folder): the file's own folder.

``root = "."`` (or ``".."``, ...) under ``[assignment]`` overrides the root.
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


NOTEBOOK_PART_KINDS = ("complete", "answered", "untampered", "consistent", "figures")
_VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")


@dataclass(frozen=True)
class NotebookPart:
    """One scored part of the notebook, shown as one Gradescope test."""

    kind: str
    """One of :data:`NOTEBOOK_PART_KINDS`."""
    number: str
    points: float
    visibility: str = "visible"
    name: str = ""
    files: tuple[str, ...] = ()
    """Submitted files the part needs (scored 0 without running when one is missing)."""


@dataclass(frozen=True)
class RerunCell:
    """A deterministic cell re-run at grade time, and how its printed numbers compare.

    Two numbers agree when they differ by at most ``atol + rtol * max(|a|, |b|)``, or when
    the smaller is below ``small`` in magnitude, both have the same sign and they are
    within a factor of 10 of each other (rounding noise such as gradient-check errors).
    A cell that prints few digits (``%.2e``) needs an ``rtol`` above its rounding step.
    Lines matching an ``ignore`` regular expression (timings) are not compared.
    """

    cell: str
    rtol: float = 1e-6
    atol: float = 1e-12
    small: float = 0.0
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotebookGrading:
    """One ``[[grading.notebooks]]`` table: how a submitted notebook is scored (see
    ARCHITECTURE.md)."""

    file: str
    """The notebook's path among ``[grading] submit``."""
    released: Path
    """The released student copy the submission is compared with (trusted)."""
    parts: tuple[NotebookPart, ...]
    max_mb: int = 20
    answer_tag: str = "pdf-inline"
    placeholders: tuple[str, ...] = (DEFAULT_ANSWER_PLACEHOLDER,)
    setup: tuple[str, ...] = ()
    """Cells run before the re-run cells (IPython magics and skipped imports removed)."""
    rerun: tuple[RerunCell, ...] = ()
    figures: tuple[str, ...] = ()
    """Cells whose stored outputs must hold a picture (not re-run)."""
    skip_imports: tuple[str, ...] = ()
    """Top-level modules the worker does not import (and statements using what they bind)."""
    timeout: float = 60.0
    """Wall-clock seconds for each re-run cell."""
    total_timeout: float = 180.0
    """Wall-clock seconds for all re-run cells together (the rest are not re-run)."""
    env: dict[str, str] = field(default_factory=dict)
    """Environment variables set in the worker before the re-run."""


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
    notebooks: tuple[NotebookGrading, ...] = ()
    """The submitted notebooks scored in parts of their own (``[[grading.notebooks]]``)."""
    sections: tuple[Section, ...] = ()
    """Parts of the assignment whose public checks a student can run on their own
    (``gradekit check --part NAME``), e.g. from the notebook after each part."""
    visibility: dict[str, str] = field(
        default_factory=lambda: dict(DEFAULT_VISIBILITY))
    """Gradescope visibility of checks whose mark does not say: ``default`` for hidden
    checks, ``public`` for public ones (``[grading] visibility = {default = ..., public =
    ...}``)."""


@dataclass(frozen=True)
class Section:
    """A part of the assignment: its public checks are those whose number starts with
    one of ``checks`` (``"2."`` takes 2.1, 2.4, ...)."""

    name: str
    title: str
    checks: tuple[str, ...]

    def takes(self, number: str) -> bool:
        return any(number.startswith(prefix) for prefix in self.checks)


@dataclass(frozen=True)
class Assignment:
    path: Path
    root: Path
    name: str
    """In the course layout, the name of the assignment's folders (``assignment/<name>/``)."""
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
    course_root, course_name = course_layout(path)
    root = (path.parent / reader.text(meta, "assignment.root", "")).resolve() \
        if "root" in meta else course_root
    name = reader.text(meta, "assignment.name", course_name or _MISSING)
    if course_name is not None and name != course_name:
        raise reader.error(f"assignment.name {name!r} must be the name of its folder, "
                           f"{course_name!r} (or be left out)")
    defaults = LayoutDefaults.of(course_name)
    release = _read_release(reader, root, defaults) if "release" in data else None
    grading = _read_grading(reader, root, release, defaults) if "grading" in data else None
    return Assignment(
        path=path,
        root=root,
        name=name,
        title=reader.text(meta, "assignment.title", name),
        version=reader.text(meta, "assignment.version", "0"),
        release=release,
        grading=grading,
        raw=data,
    )


def course_layout(path: Path) -> tuple[Path, str | None]:
    """(the root, the assignment's name in the course layout or None) for a config file at
    ``path``: see the module's docstring."""
    folder = path.resolve().parent
    if folder.parent.name == COURSE_FOLDER:
        return folder.parent.parent, folder.name
    if folder.name == COURSE_FOLDER:
        return folder.parent, None
    return folder, None


COURSE_FOLDER = "assignment"
"""The folder of a course (or a one-assignment repository) that holds the configs."""


@dataclass(frozen=True)
class LayoutDefaults:
    """Where an assignment's folders are when its config does not say (relative to root)."""

    solution_root: str | None = None
    template_dir: str = "student_template"
    dist_dir: str = "dist"
    checks: str = ""
    public_checks: str | None = None
    support_root: str | None = None
    """None: the template_dir of ``[release]`` if there is one, else the root."""

    @classmethod
    def of(cls, course_name: str | None) -> LayoutDefaults:
        """The course layout's folders for assignment ``course_name`` (None: no defaults)."""
        if course_name is None:
            return cls()
        return cls(solution_root=f"solutions/{course_name}",
                   template_dir=f"student_template/{course_name}",
                   dist_dir=f"dist/{course_name}",
                   checks=f"autograder/{course_name}",
                   public_checks=f"autograder/{course_name}/public")


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


def _read_release(reader: _Reader, root: Path, defaults: LayoutDefaults) -> ReleaseConfig:
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
        solution_root=root / reader.text(table, "release.solution_root",
                                         defaults.solution_root or _MISSING),
        student_files=reader.texts(table, "release.student_files"),
        notebooks=tuple(root / p for p in reader.texts(table, "release.notebooks", ())),
        extra_files=reader.mapping(table, "release.extra_files", {}),
        template_dir=root / reader.text(table, "release.template_dir", defaults.template_dir),
        dist_dir=root / reader.text(table, "release.dist_dir", defaults.dist_dir),
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


def _read_grading(reader: _Reader, root: Path, release: ReleaseConfig | None,
                  defaults: LayoutDefaults) -> GradingConfig:
    table = reader.table("grading")
    checks = reader.text(table, "grading.checks", defaults.checks)
    reference = reader.text(table, "grading.reference_root", defaults.solution_root or "")
    submit = reader.texts(table, "grading.submit")
    support_default = defaults.support_root or (
        release.template_dir.relative_to(root).as_posix() if release else ".")
    support_root = root / reader.text(table, "grading.support_root", support_default)
    placeholder = release.answer_placeholder if release else DEFAULT_ANSWER_PLACEHOLDER
    if "notebook" in table:
        raise reader.error("grading.notebook is now an array of tables, one per scored "
                           "notebook: write [[grading.notebooks]]")
    raw_notebooks = table.get("notebooks", [])
    if not isinstance(raw_notebooks, list):
        raise reader.error("grading.notebooks must be an array of tables ([[grading.notebooks]])")
    notebooks = tuple(_read_notebook_grading(reader, item, f"grading.notebooks[{index}]", root,
                                             support_root, submit, placeholder)
                      for index, item in enumerate(raw_notebooks))
    _unique(reader, "grading.notebooks: file", [notebook.file for notebook in notebooks])
    _unique(reader, "grading.notebooks: part number",
            [part.number for notebook in notebooks for part in notebook.parts])
    return GradingConfig(
        submit=submit,
        public_checks=root / reader.text(table, "grading.public_checks",
                                         defaults.public_checks or _MISSING),
        support_root=support_root,
        checks=root / checks if checks else None,
        reference_root=root / reference if reference else None,
        hand_in_also=reader.texts(table, "grading.hand_in_also", ()),
        time_budget=_positive(reader, reader.number(table, "grading.time_budget", 480.0),
                              "grading.time_budget"),
        notebooks=notebooks,
        sections=_read_sections(reader, table.get("parts", {})),
        visibility=_read_visibility(reader, table.get("visibility", {})),
    )


def _read_sections(reader: _Reader, table: Any) -> tuple[Section, ...]:
    """``[grading.parts]``: ``name = { title = "...", checks = ["2."] }``."""
    if not isinstance(table, dict):
        raise reader.error("grading.parts must be a table of parts")
    sections = []
    for name, part in table.items():
        where = f"grading.parts.{name}"
        if not isinstance(part, dict):
            raise reader.error(f"{where} must be a table with title and checks")
        reader.known(part, where, {"title", "checks"})
        sections.append(Section(name, reader.text(part, f"{where}.title", name),
                                reader.texts(part, f"{where}.checks")))
    return tuple(sections)


_NOTEBOOK_KEYS = {"file", "released", "max_mb", "answer_tag", "placeholders", "setup", "rerun",
                  "figures", "skip_imports", "timeout", "total_timeout", "env", "parts"}
_PART_KEYS = {"kind", "number", "points", "visibility", "name", "files"}
_RERUN_KEYS = {"cell", "rtol", "atol", "small", "ignore"}


def _unique(reader: _Reader, what: str, values: list[str]) -> None:
    repeated = sorted({value for value in values if values.count(value) > 1})
    if repeated:
        raise reader.error(f"{what} {repeated[0]!r} is declared twice")


def _read_notebook_grading(reader: _Reader, table: Any, key: str, root: Path,
                           support_root: Path, submit: tuple[str, ...],
                           placeholder: str) -> NotebookGrading:
    if not isinstance(table, dict):
        raise reader.error(f"{key} must be a table")
    reader.known(table, key, _NOTEBOOK_KEYS)
    file = reader.text(table, f"{key}.file")
    if file not in submit:
        raise reader.error(f"{key}.file {file!r} is not one of grading.submit")
    released = reader.text(table, f"{key}.released", "")
    raw_parts = table.get("parts")
    if not isinstance(raw_parts, list) or not raw_parts:
        raise reader.error(f"{key}.parts must be a non-empty array of tables")
    parts = [_read_part(reader, item, f"{key}.parts[{index}]", submit)
             for index, item in enumerate(raw_parts)]
    numbers = [part.number for part in parts]
    if len(set(numbers)) != len(numbers):
        raise reader.error(f"{key}.parts: numbers must be unique")
    rerun = tuple(_read_rerun(reader, item, f"{key}.rerun[{index}]")
                  for index, item in enumerate(table.get("rerun", [])))
    if not isinstance(table.get("rerun", []), list):
        raise reader.error(f"{key}.rerun must be an array")
    timeout = reader.number(table, f"{key}.timeout", NotebookGrading.timeout)
    total_timeout = reader.number(table, f"{key}.total_timeout", NotebookGrading.total_timeout)
    max_mb = table.get("max_mb", NotebookGrading.max_mb)
    if not isinstance(max_mb, int) or isinstance(max_mb, bool) or max_mb <= 0:
        raise reader.error(f"{key}.max_mb must be a positive integer")
    if timeout <= 0 or total_timeout <= 0:
        raise reader.error(f"{key}.timeout and {key}.total_timeout must be positive")
    return NotebookGrading(
        file=file,
        released=root / released if released else support_root / file,
        parts=tuple(parts),
        max_mb=max_mb,
        answer_tag=reader.text(table, f"{key}.answer_tag", NotebookGrading.answer_tag),
        placeholders=reader.texts(table, f"{key}.placeholders",
                                  tuple(dict.fromkeys([placeholder, DEFAULT_ANSWER_PLACEHOLDER]))),
        setup=reader.texts(table, f"{key}.setup", ()),
        rerun=rerun,
        figures=reader.texts(table, f"{key}.figures", ()),
        skip_imports=reader.texts(table, f"{key}.skip_imports", ()),
        timeout=timeout,
        total_timeout=total_timeout,
        env=reader.mapping(table, f"{key}.env", {}),
    )


def _read_part(reader: _Reader, item: Any, where: str, submit: tuple[str, ...]) -> NotebookPart:
    if not isinstance(item, dict):
        raise reader.error(f"{where} must be a table")
    reader.known(item, where, _PART_KEYS)
    kind = reader.text(item, f"{where}.kind")
    if kind not in NOTEBOOK_PART_KINDS:
        raise reader.error(f"{where}.kind must be one of {', '.join(NOTEBOOK_PART_KINDS)}")
    number = reader.text(item, f"{where}.number")
    if not number:
        raise reader.error(f"{where}.number must not be empty")
    points = reader.number(item, f"{where}.points")
    if points < 0:
        raise reader.error(f"{where}.points must be >= 0")
    visibility = reader.text(item, f"{where}.visibility", "visible")
    if visibility not in _VISIBILITIES:
        raise reader.error(f"{where}.visibility must be one of {', '.join(_VISIBILITIES)}")
    files = reader.texts(item, f"{where}.files", ())
    unknown = [name for name in files if name not in submit]
    if unknown:
        raise reader.error(f"{where}.files: {', '.join(unknown)} not in grading.submit")
    return NotebookPart(kind=kind, number=number, points=points, visibility=visibility,
                        name=reader.text(item, f"{where}.name", ""), files=files)


def _read_rerun(reader: _Reader, item: Any, where: str) -> RerunCell:
    if isinstance(item, str):
        return RerunCell(cell=item)
    if not isinstance(item, dict):
        raise reader.error(f"{where} must be a cell id or a table with cell = ...")
    reader.known(item, where, _RERUN_KEYS)
    ignore = reader.texts(item, f"{where}.ignore", ())
    for pattern in ignore:
        try:
            re.compile(pattern)
        except re.error as error:
            raise reader.error(f"{where}.ignore: bad regular expression {pattern!r}: {error}")
    values = {name: reader.number(item, f"{where}.{name}", getattr(RerunCell, name))
              for name in ("rtol", "atol", "small")}
    if any(value < 0 for value in values.values()):
        raise reader.error(f"{where}: rtol, atol and small must be >= 0")
    return RerunCell(cell=reader.text(item, f"{where}.cell"), ignore=ignore, **values)


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


def _positive(reader: _Reader, value: float, key: str) -> float:
    if value <= 0:
        raise reader.error(f"{key} must be a positive number of seconds")
    return value


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

    def number(self, table: dict[str, Any], key: str, default: Any = _MISSING) -> float:
        value = table.get(key.rsplit(".", 1)[-1], default)
        if value is _MISSING:
            raise self.error(f"missing key {key}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(f"{key} must be a number")
        return float(value)

    def known(self, table: dict[str, Any], where: str, keys: set[str]) -> None:
        unknown = sorted(set(table) - keys)
        if unknown:
            raise self.error(f"{where}: unknown key {unknown[0]!r} "
                             f"(known: {', '.join(sorted(keys))})")

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
