"""Read an assignment's ``assignment.toml`` into typed settings, refusing mistakes.

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

Each table of the file is declared once, as a frozen dataclass below (listed in
:data:`TABLES`): its fields are the table's keys, each documented by the docstring under
it, and their :class:`Key` metadata says how the key is read (its TOML name, its check,
its default where that depends on the file's place). The reader is driven by these
declarations, so a key that no field declares is refused, with the file, its line and
the closest known key; every value is checked (type, range, choice) when the file is
loaded, ``[grading.sandbox]`` included. ``docs/CONFIGURATION.md`` is rendered from the
same declarations (:mod:`gradekit.config_docs`).
"""

from __future__ import annotations

import difflib
import functools
import re
import sys
import types
import typing
from dataclasses import MISSING, Field, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from gradekit.errors import UserError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


DEFAULT_VISIBILITY = {"default": "after_published", "public": "visible"}
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
DEFAULT_ANSWER_PLACEHOLDER = "**Your Answer:** *[FILL THIS IN]*"
NOTEBOOK_PART_KINDS = ("complete", "answered", "untampered", "consistent", "figures",
                       "outputs")
RELEASED_NOTEBOOKS = ".gradekit/released"
"""Where a student folder keeps a pristine copy of each released notebook (written by the
release, read by ``gradekit collect`` to say what the notebook parts would charge)."""
PREVIEWED_KINDS = ("complete", "answered", "untampered", "figures", "outputs")
"""The notebook parts ``gradekit collect`` can judge on a student's machine (no re-run)."""
COURSE_FOLDER = "assignment"
"""The folder of a course (or a one-assignment repository) that holds the configs."""


# ---------------------------------------------------------------- how a field is read


@dataclass(frozen=True)
class Key:
    """How one dataclass field is read from TOML (kept in the field's ``metadata``)."""

    toml: bool = True
    """False: the field is not a key of the table (set by the loader, e.g. ``path``)."""
    name: str | None = None
    """The key's TOML name when it differs from the field's."""
    check: Callable[[Any], str | None] | None = None
    """Returns what is wrong with a value (``"must be > 0"``), or None when it is fine."""
    default: str | None = None
    """The default in words, when it depends on where the file is (see the module)."""
    shorthand: str | None = None
    """For an array of tables: an item may be a bare string, the value of this field."""
    table: type | None = None
    """The dataclass declaring this table, when the field keeps it in another form."""
    named: bool = False
    """A table of tables, one per name (each name fills the item's ``name`` field)."""


def setting(value: Any = MISSING, *, factory: Any = MISSING, **key: Any) -> Any:
    """A dataclass field read from TOML, its default ``value`` (or ``factory()``); ``key``
    holds :class:`Key`'s options."""
    return field(default=value, default_factory=factory, metadata={"toml": Key(**key)})


def derived(value: Any = MISSING, *, factory: Any = MISSING, repr: bool = True) -> Any:
    """A dataclass field that the loader sets, not a TOML key."""
    return field(default=value, default_factory=factory, repr=repr,
                 metadata={"toml": Key(toml=False)})


def _rule(words: str) -> Callable[[Callable[[Any], bool]], Callable[[Any], str | None]]:
    """A check from a predicate: its problem is ``must be <words>``; ``.rule`` documents it."""
    def make(test: Callable[[Any], bool]) -> Callable[[Any], str | None]:
        def check(value: Any) -> str | None:
            return None if test(value) else f"must be {words}"
        check.rule = words  # type: ignore[attr-defined]
        return check
    return make


_positive = _rule("positive")(lambda value: value > 0)
_not_negative = _rule(">= 0")(lambda value: value >= 0)
_not_empty = _rule("non-empty")(lambda value: len(value) > 0)
_some_tables = _rule("a non-empty array of tables")(lambda value: len(value) > 0)
_VARIANT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_file_name = _rule("fit for a file name (letters, digits, '.', '_', '-')")(
    lambda value: _VARIANT_NAME.fullmatch(value) is not None)


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], str | None]:
    return _rule(f"one of {', '.join(choices)}")(lambda value: value in choices)


def _regexes(patterns: tuple[str, ...]) -> str | None:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            return f"bad regular expression {pattern!r}: {error}"
    return None


_regexes.rule = "valid regular expressions"  # type: ignore[attr-defined]
_module_names = _rule("top-level import names")(
    lambda value: all(isinstance(v, str) and v.isidentifier() for v in value))


def time_zone(name: str) -> Any:
    """The time zone called ``name`` (an IANA name such as ``Europe/Berlin``, or UTC)."""
    import datetime
    import zoneinfo

    if name.upper() == "UTC":
        return datetime.timezone.utc
    return zoneinfo.ZoneInfo(name)


def _zone(name: str) -> str | None:
    try:
        time_zone(name)
    except (ValueError, OSError, LookupError):  # ZoneInfoNotFoundError is a KeyError
        return f"must be a time zone this machine knows (such as UTC or Europe/Berlin), not {name!r}"
    return None


_zone.rule = "an IANA time zone name"  # type: ignore[attr-defined]


def _regex(pattern: str) -> str | None:
    return _regexes((pattern,))


_regex.rule = "a valid regular expression"  # type: ignore[attr-defined]


# ---------------------------------------------------------------- the tables


@dataclass(frozen=True)
class Variant:
    """``[[release.variants]]``: one flavour of the student release (``jupyter``,
    ``colab``, ``zh-CN`` ...), each a zip of its own."""

    name: str = setting(check=_file_name)
    """The variant's name, unique: its zip is ``<assignment>-<name>.zip``."""
    first_cell: Path | None = setting(None)
    """A Python file whose code becomes the first cell of every student notebook (a
    host's setup, such as mounting a drive)."""
    translations: Path | None = setting(None)
    """A TOML file of translated notebook text for this variant (its language), or a
    folder with one ``<notebook>.toml`` per master notebook."""
    embed_images: bool = setting(False)
    """Put pictures linked from markdown inside the notebook (for hosts like Colab)."""
    cjk_figures: bool = setting(False)
    """Start every notebook with a cell that gives matplotlib a Chinese font (the one the
    answers PDF uses), so translated figure titles do not show as boxes."""
    readme: Path | None = setting(None)
    """The student README's template for this variant (default: the engine's English one)."""


@dataclass(frozen=True)
class NotebookCheck:
    """``[release.notebook_check]``: how ``gradekit release --check-notebooks`` runs the
    master notebooks (with ``solution_root`` on ``PYTHONPATH``)."""

    env: dict[str, str] = setting(factory=dict)
    """Environment variables added to the kernel's environment."""
    timeout_per_cell: int = setting(600, check=_positive)
    """Seconds one cell may run."""
    python_path: tuple[Path, ...] = setting(())
    """Folders (relative to the root) put first on the kernel's ``PYTHONPATH``: stand-ins
    for packages the notebooks import but the check must not use (a data set class that
    downloads, say). They are never shipped to students."""


@dataclass(frozen=True)
class ReleaseConfig:
    """``[release]``: what the student copies are made of. Absent in a student's folder."""

    solution_root: Path = setting(
        default="``solutions/<name>`` in the course layout; required elsewhere")
    """The reference package, with solutions (the folder ``student_files`` are under)."""
    student_files: tuple[str, ...] = setting()
    """Globs, relative to ``solution_root``, of the files students receive (solutions
    stripped); each must match a file."""
    notebooks: tuple[Path, ...] = setting(default="``[]``")
    """The master notebooks, turned into student copies."""
    extra_files: dict[str, str] = setting(default="``{}``")
    """Other files copied as they are: ``{ "source path" = "path in the student folder" }``."""
    template_dir: Path = setting(
        default="``student_template/<name>`` in the course layout, else ``student_template``")
    """Where the first variant's student folder is written (committed to the repository)."""
    dist_dir: Path = setting(default="``dist/<name>`` in the course layout, else ``dist``")
    """Where the zips are written."""
    variants: tuple[Variant, ...] = setting(default='``[{ name = "jupyter" }]``')
    """The flavours of the release (``[[release.variants]]``); the first is the one
    ``template_dir`` holds."""
    answer_placeholder: str = setting(DEFAULT_ANSWER_PLACEHOLDER)
    """What an answer cell (tag ``solution``) holds in the student copy, unless a
    variant's translations give their own."""
    notebook_check: NotebookCheck = setting(factory=NotebookCheck)
    """``[release.notebook_check]``."""


@dataclass(frozen=True)
class NotebookPart:
    """One scored part of a notebook (``parts = [...]`` of ``[[grading.notebooks]]``),
    shown as one Gradescope test."""

    kind: str = setting(check=_one_of(NOTEBOOK_PART_KINDS))
    """What the part scores: one of ``complete``, ``answered``, ``untampered``,
    ``consistent``, ``figures``, ``outputs`` (ARCHITECTURE.md)."""
    number: str = setting(check=_not_empty)
    """The test's number on Gradescope, unique among all notebook parts."""
    points: float = setting(check=_not_negative)
    """The part's points."""
    visibility: str = setting("visible", check=_one_of(VISIBILITIES))
    """Gradescope visibility of the part."""
    name: str = setting("")
    """The test's name (default: the engine's name for the kind)."""
    files: tuple[str, ...] = setting(())
    """Submitted files the part needs (scored 0 without running when one is missing);
    each one of ``[grading] submit``."""


@dataclass(frozen=True)
class RerunCell:
    """A deterministic cell re-run at grade time, and how its printed numbers compare
    (``rerun = [...]`` of ``[[grading.notebooks]]``; a bare string is a cell id).

    Two numbers agree when they differ by at most ``atol + rtol * max(|a|, |b|)``, or when
    the smaller is below ``small`` in magnitude, both have the same sign and they are
    within a factor of 10 of each other (rounding noise such as gradient-check errors).
    A cell that prints few digits (``%.2e``) needs an ``rtol`` above its rounding step.
    """

    cell: str = setting()
    """The cell's id in the released notebook."""
    rtol: float = setting(1e-6, check=_not_negative)
    """Relative tolerance."""
    atol: float = setting(1e-12, check=_not_negative)
    """Absolute tolerance."""
    small: float = setting(0.0, check=_not_negative)
    """Below this magnitude, numbers of the same sign agree within a factor of 10."""
    ignore: tuple[str, ...] = setting((), check=_regexes)
    """Regular expressions of printed lines not compared (timings)."""
    until: str | None = setting(None, check=_regex)
    """A regular expression: the re-run stops before the cell's first top-level statement
    whose first line it matches (``re.match``), e.g. a timing loop whose printout
    ``ignore`` leaves out anyway; only what runs before is compared."""


@dataclass(frozen=True)
class StoredOutput:
    """Lines the stored printout of a cell must hold (``outputs = [...]`` of
    ``[[grading.notebooks]]``, scored by the part kind ``outputs``): the form of a result
    too slow or too bound to its data to re-run (the keys of a dict and the lengths of its
    lists, say), read from what the student's own run printed; nothing is re-run.

    The lines counted are those of the cell's stored stdout that ``pattern`` matches as a
    whole (``re.fullmatch``; trailing white space is ignored). With ``keys``, the pattern's
    first group is a line's key: every key must be on ``count`` lines (on one or more when
    ``count`` is 0), and no other key may appear. Without ``keys``, ``count`` lines must
    match (one or more when ``count`` is 0). ``low`` and ``high`` bound the number in the
    pattern's last group on every counted line.
    """

    cell: str = setting()
    """The cell's id in the released notebook."""
    pattern: str = setting(check=_regex)
    """A regular expression that each counted line matches in full."""
    keys: tuple[str, ...] = setting(())
    """The values the pattern's first group must take, and no others."""
    count: int = setting(0, check=_not_negative)
    """Lines per key (with ``keys``) or in all (without); 0: one or more."""
    low: float | None = setting(None)
    """Smallest allowed value of the number in the pattern's last group."""
    high: float | None = setting(None)
    """Largest allowed value of that number."""


@dataclass(frozen=True)
class NotebookGrading:
    """``[[grading.notebooks]]``: how a submitted notebook is scored (see
    ARCHITECTURE.md)."""

    file: str = setting()
    """The notebook's path among ``[grading] submit``."""
    released: Path = setting(default="the notebook's copy in ``support_root``")
    """The released student copy the submission is compared with (trusted)."""
    parts: tuple[NotebookPart, ...] = setting(check=_some_tables)
    """The scored parts: an array of tables (below)."""
    max_mb: int = setting(20, check=_positive)
    """Largest notebook accepted, in MB."""
    answer_tag: str = setting("pdf-inline")
    """Cell tag of the written answers."""
    placeholders: tuple[str, ...] = setting(
        (DEFAULT_ANSWER_PLACEHOLDER,),
        default="what the release writes: ``[release] answer_placeholder``, each variant's "
                "translations' ``answer_placeholder``, and the engine's placeholder")
    """Texts of an answer cell left unanswered, besides those of the release's own variants
    (always counted)."""
    setup: tuple[str, ...] = setting(())
    """Cells run before the re-run cells (IPython magics and skipped imports removed)."""
    rerun: tuple[RerunCell, ...] = setting((), shorthand="cell")
    """Cells re-run at grade time: cell ids, or tables (below). They run in the
    controller, each call of a function or class of a submitted file a round trip to the
    worker: leave out cells that make thousands of calls (a network's gradient check)."""
    figures: tuple[str, ...] = setting(())
    """Cells whose stored outputs must hold a picture (not re-run)."""
    outputs: tuple[StoredOutput, ...] = setting(())
    """Rules on the stored printouts of cells that are not re-run: tables (below), scored
    by the part kind ``outputs``."""
    skip_imports: tuple[str, ...] = setting(())
    """Top-level modules the worker does not import (and statements using what they bind)."""
    timeout: float = setting(60.0, check=_positive)
    """Wall-clock seconds for each re-run cell."""
    total_timeout: float = setting(180.0, check=_positive)
    """Wall-clock seconds for all re-run cells together (the rest are not re-run)."""
    env: dict[str, str] = setting(factory=dict)
    """Environment variables set for the re-run, where the cells run (the controller)
    and in the worker."""


@dataclass(frozen=True)
class Section:
    """``[grading.sections.NAME]`` (or ``NAME = { ... }`` under ``[grading.sections]``): a
    section of the assignment whose public checks a student can run on their own
    (``gradekit check --section NAME``, e.g. from the notebook after the section). Its
    checks are those whose number starts with one of ``checks`` (``"2."`` takes 2.1, 2.4,
    ...). ("Part" means a scored part of a notebook, never this.)"""

    name: str = derived()
    """The section's name: its key under ``[grading.sections]``."""
    title: str = setting(default="the section's name")
    """What the student sees."""
    checks: tuple[str, ...] = setting()
    """Prefixes of the public checks' numbers."""

    def takes(self, number: str) -> bool:
        return any(number.startswith(prefix) for prefix in self.checks)


@dataclass(frozen=True)
class Visibility:
    """``[grading.visibility]`` (or ``visibility = { ... }`` under ``[grading]``):
    Gradescope visibility of checks whose mark does not say."""

    default: str = setting(DEFAULT_VISIBILITY["default"], check=_one_of(VISIBILITIES))
    """For hidden checks."""
    public: str = setting(DEFAULT_VISIBILITY["public"], check=_one_of(VISIBILITIES))
    """For public checks."""


@dataclass(frozen=True)
class Limits:
    """``[grading.sandbox]``: what one worker may use. Every number must be positive."""

    timeout: float = setting(10.0, check=_positive)
    """Default wall-clock seconds for one call."""
    memory_mb: int = setting(1024, check=_positive)
    """Memory the worker may use: what it holds once numpy and ``packages`` are loaded
    plus what the student's code allocates (an address-space limit set after loading
    them, so library pages mapped but never loaded, such as the 3 GB a CUDA build of
    torch maps, do not count)."""
    cpu_seconds: int = setting(300, check=_positive)
    """CPU seconds for the worker's whole life (a backstop; calls are bounded by timeout)."""
    file_mb: int = setting(16, check=_positive)
    """Largest file the student's code may write."""
    open_files: int = setting(64, check=_positive)
    """Open file descriptors."""
    output_kb: int = setting(64, check=_positive)
    """Printed output kept per call; the rest is discarded."""
    max_message_mb: int = setting(48, check=_positive)
    """Largest answer the controller accepts from the worker (bounds the controller's
    memory: it is checked before anything is allocated or decoded)."""
    scratch_mb: int = setting(64, check=_positive)
    """Bytes all of the worker's own files may take, together (its temp folder and home;
    a sized tmpfs where the worker is confined)."""
    shm_mb: int = setting(16, check=_positive)
    """Shared memory (``/dev/shm``) the worker may fill, where it is confined."""
    startup_timeout: float = setting(60.0, check=_positive)
    """Seconds the worker may take to start and import numpy (and ``packages``)."""
    packages: tuple[str, ...] = setting((), check=_module_names)
    """Installed packages (import names, e.g. ``["torch"]``) the worker imports at start,
    besides numpy; the runtime carries them and what their distributions require. One not
    installed where the grader runs is left out, and checks that need it must say so
    (an environment limit, not a wrong answer)."""


@dataclass(frozen=True)
class GradingConfig:
    """``[grading]``: what students hand in and how it is graded. The student's folder
    has it too (with paths into the folder)."""

    submit: tuple[str, ...] = setting()
    """What a student hands in, relative to the assignment folder."""
    public_checks: Path = setting(
        default="``autograder/<name>/public`` in the course layout; required elsewhere")
    """The checks students can run themselves (copied into their folder)."""
    support_root: Path = setting(
        default="``[release] template_dir``, or the root without ``[release]``")
    """The released files the grader puts beside the submission."""
    checks: Path | None = setting(
        None, default="``autograder/<name>`` in the course layout; none elsewhere")
    """The hidden checks (needed for ``autograder.zip``)."""
    reference_root: Path | None = setting(
        None, default="``solutions/<name>`` in the course layout; none elsewhere")
    """The reference package the hidden checks compare with."""
    hand_in_also: tuple[str, ...] = setting(())
    """What students hand in apart from the zip (shown by the README and gradekit collect)."""
    optional: tuple[str, ...] = setting(())
    """Files of ``submit`` a student may leave out (an extra-credit notebook). One that is
    absent is reported in one line as not handed in (optional), not as missing; the
    checks and notebook parts that need it score 0 with that line, and ``gradekit
    collect`` zips the rest without complaint."""
    time_budget: float = setting(480.0, check=_positive)
    """Seconds the whole grade may take; checks not finished by then score 0 with a message
    (well inside Gradescope's 10 minutes, so a result is always written)."""
    notebooks: tuple[NotebookGrading, ...] = setting(())
    """The submitted notebooks scored in parts of their own (``[[grading.notebooks]]``)."""
    sections: tuple[Section, ...] = setting((), named=True)
    """Sections of the assignment whose public checks a student can run on their own
    (``[grading.sections]``), e.g. from the notebook after each section."""
    visibility: dict[str, str] = setting(factory=lambda: dict(DEFAULT_VISIBILITY),
                                         table=Visibility)
    """Gradescope visibility of checks whose mark does not say (``[grading.visibility]``):
    ``default`` for hidden checks, ``public`` for public ones."""
    sandbox: Limits = setting(factory=Limits)
    """What one worker may use (``[grading.sandbox]``)."""
    daily_limit: int = setting(0, check=_not_negative)
    """Most submissions of one student graded in full per day on Gradescope (0: no limit),
    counted from Gradescope's ``submission_metadata.json``; beyond it a submission runs the
    public checks only, with a note saying when the next full grade is possible."""
    day_zone: str = setting("UTC", check=_zone)
    """The time zone whose calendar days ``daily_limit`` counts in (``America/Los_Angeles``)."""
    extras: tuple[str, ...] = setting(())
    """Extras of the engine's ``pyproject.toml`` that the autograder image installs beside
    the engine (Gradescope's ``setup.sh``), e.g. the assignment's own extra holding the
    packages ``[grading.sandbox] packages`` names."""


@dataclass(frozen=True)
class Assignment:
    """``[assignment]``: the assignment's name and version; with ``[release]`` and
    ``[grading]``, the whole file."""

    path: Path = derived()
    """The config file."""
    root: Path = setting(default="the course's root, the repository's, or the file's "
                                 "folder (see above)")
    """The folder every path of the file is relative to, relative to the file's folder."""
    name: str = setting(default="the folder's name in the course layout; required elsewhere")
    """In the course layout, the name of the assignment's folders (``assignment/<name>/``)."""
    title: str = setting(default="the name")
    """The assignment's title, for people."""
    version: str = setting(default='``"0"``')
    """The release's version (shown in the README and the zips)."""
    release: ReleaseConfig | None = derived()
    """``[release]``, or None (a student's folder)."""
    grading: GradingConfig | None = derived()
    """``[grading]``, or None."""
    raw: dict[str, Any] = derived(repr=False, factory=dict)
    """The parsed TOML, as it is."""


TABLES: tuple[tuple[str, type], ...] = (
    ("[assignment]", Assignment),
    ("[release]", ReleaseConfig),
    ("[release.notebook_check]", NotebookCheck),
    ("[[release.variants]]", Variant),
    ("[grading]", GradingConfig),
    ("[grading.visibility]", Visibility),
    ("[grading.sections.NAME]", Section),
    ("[grading.sandbox]", Limits),
    ("[[grading.notebooks]]", NotebookGrading),
    ("[[grading.notebooks]] parts", NotebookPart),
    ("[[grading.notebooks]] rerun", RerunCell),
    ("[[grading.notebooks]] outputs", StoredOutput),
)
"""Every table of ``assignment.toml`` and the dataclass declaring it, in the docs' order."""

_TOP: dict[str, type] = {"assignment": Assignment, "release": ReleaseConfig,
                         "grading": GradingConfig}


def toml_fields(cls: type) -> Iterator[tuple[str, Field[Any], Key]]:
    """(TOML key, field, :class:`Key`) of each field of ``cls`` read from TOML."""
    for item in fields(cls):
        key = item.metadata.get("toml")
        if key is not None and key.toml:
            yield key.name or item.name, item, key


@functools.cache
def _type_hints(cls: type) -> dict[str, Any]:
    """``cls``'s field types, evaluated once (each evaluation compiles every annotation)."""
    return typing.get_type_hints(cls)


def shape(cls: type, item: Field[Any]) -> tuple[str, type | None]:
    """What a field holds in TOML: (kind, the declaring dataclass of a nested table)."""
    key = item.metadata["toml"]
    if key.table is not None:
        return "table", key.table
    hint = _type_hints(cls)[item.name]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:
        if is_dataclass(args[0]):
            return ("named tables" if key.named else "tables"), args[0]
        return ("paths" if args[0] is Path else "strings"), None
    if origin is dict:
        return "string table", None
    if is_dataclass(hint):
        return "table", hint
    return {str: "string", Path: "path", bool: "boolean", int: "integer",
            float: "number"}[hint], None


# ---------------------------------------------------------------- loading


def load_assignment(path: str | Path, *, check_paths: bool = False) -> Assignment:
    """Parse and validate ``assignment.toml``; raise :class:`UserError` naming the file,
    the line and the key of the first problem.

    With ``check_paths``, every file, folder and glob that ``[release]`` and ``[grading]``
    name must exist (the release needs them; the grader does not: Gradescope's copy of
    the config comes without the release's sources, and a student's without checks).
    """
    path = Path(path)
    if path.is_dir():
        path = path / "assignment.toml"
    text = _read_text(path, "assignment file")
    data = _parse(path, text)
    reader = _Reader(path, data, text)
    top = _Where(())
    reader.refuse_unknown(data, top, list(_TOP))
    for name in _TOP:
        if name in data and not isinstance(data[name], dict):
            raise reader.fail(top, name, f"[{name}] must be a table")
    if "assignment" not in data:
        raise reader.fail(top, None, "missing table [assignment]")
    course_root, course_name = course_layout(path)
    where = top.child("assignment")
    values = reader.take(Assignment, data["assignment"], where, {
        "root": None, "title": None, "version": "0",
        **({"name": course_name} if course_name is not None else {})})
    root = course_root if values["root"] is None else (path.parent / values["root"]).resolve()
    name = values["name"]
    if course_name is not None and name != course_name:
        raise reader.fail(where, "name", f"assignment.name {name!r} must be the name of its "
                                         f"folder, {course_name!r} (or be left out)")
    layout = LayoutDefaults.of(course_name)
    release = (_read_release(reader, data["release"], root, layout)
               if "release" in data else None)
    grading = (_read_grading(reader, data["grading"], root, release, layout)
               if "grading" in data else None)
    if check_paths:
        for check in reader.later:
            check()
    return Assignment(path=path, root=root, name=name,
                      title=name if values["title"] is None else values["title"],
                      version=values["version"], release=release, grading=grading, raw=data)


def course_layout(path: Path) -> tuple[Path, str | None]:
    """(the root, the assignment's name in the course layout or None) for a config file at
    ``path``: see the module's docstring."""
    folder = path.resolve().parent
    if folder.parent.name == COURSE_FOLDER:
        return folder.parent.parent, folder.name
    if folder.name == COURSE_FOLDER:
        return folder.parent, None
    return folder, None


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
    return _parse(path, _read_text(path, what))


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such {what}") from None
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not valid TOML: not UTF-8 ({error})") from None


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"{path}: not valid TOML: {error}") from None


def load_student_folder(folder: Path, command: str) -> Assignment:
    """The assignment of a student's folder: its own ``assignment.toml``, with [grading].

    ``command`` names the gradekit command in the error a student sees.
    """
    config = folder / "assignment.toml"
    if not config.is_file():
        raise UserError(f"{folder.resolve()} is not an assignment folder (it has no "
                        "assignment.toml): open a terminal in your assignment folder, the one "
                        f"with assignment.toml and gradekit/, and run python -m gradekit {command}")
    assignment = load_assignment(config)
    if assignment.grading is None:
        raise UserError(f"{config}: no [grading] table")
    return assignment


def _read_release(reader: _Reader, table: dict[str, Any], root: Path,
                  layout: LayoutDefaults) -> ReleaseConfig:
    where = _Where((("release", None),))
    defaults: dict[str, Any] = {
        "notebooks": (), "extra_files": {}, "template_dir": layout.template_dir,
        "dist_dir": layout.dist_dir, "variants": [{"name": "jupyter"}]}
    if layout.solution_root is not None:
        defaults["solution_root"] = layout.solution_root
    values = reader.take(ReleaseConfig, table, where, defaults)
    items = values["variants"]
    if not items:
        raise reader.fail(where, "variants", "release.variants must name at least one variant")
    variants: list[Variant] = []
    for index, item in enumerate(items):
        place = where.child("variants", index, items[:index])
        found = reader.take(Variant, item, place)
        if found["name"] in {variant.name for variant in variants}:
            raise reader.fail(place, "name", f"{place}.name {found['name']!r} must be unique")
        paths = {key: found[key] for key in ("first_cell", "translations", "readme")}
        for key, relative in paths.items():
            if relative:
                kind = "file or folder" if key == "translations" else "file"
                reader.must_exist(place, key, root, relative, kind)
        variants.append(Variant(**{**found, **{key: root / relative if relative else None
                                               for key, relative in paths.items()}}))
    solution_root = root / values["solution_root"]
    reader.must_exist(where, "solution_root", root, values["solution_root"], "folder")
    for pattern in values["student_files"]:
        reader.later.append(lambda pattern=pattern: _must_match(
            reader, where, solution_root, pattern))
    for relative in values["notebooks"]:
        reader.must_exist(where, "notebooks", root, relative, "file")
    for source in values["extra_files"]:
        reader.must_exist(where.child("extra_files"), source, root, source, "file")
    return ReleaseConfig(
        solution_root=solution_root,
        student_files=values["student_files"],
        notebooks=tuple(root / relative for relative in values["notebooks"]),
        extra_files=values["extra_files"],
        template_dir=root / values["template_dir"],
        dist_dir=root / values["dist_dir"],
        variants=tuple(variants),
        answer_placeholder=values["answer_placeholder"],
        notebook_check=_notebook_check(reader, values["notebook_check"],
                                       where.child("notebook_check"), root),
    )


def _notebook_check(reader: _Reader, table: dict[str, Any], where: _Where,
                    root: Path) -> NotebookCheck:
    values = reader.take(NotebookCheck, table, where)
    for relative in values["python_path"]:
        reader.must_exist(where, "python_path", root, relative, "folder")
    return NotebookCheck(**{**values, "python_path": tuple(
        root / relative for relative in values["python_path"])})


def _must_match(reader: _Reader, where: _Where, folder: Path, pattern: str) -> None:
    if not any(path.is_file() for path in folder.glob(pattern)):
        raise reader.fail(where, "student_files",
                          f"{where}.student_files: {pattern!r} matches no file under "
                          f"{folder}; fix the pattern or remove it")


def _read_grading(reader: _Reader, table: dict[str, Any], root: Path,
                  release: ReleaseConfig | None, layout: LayoutDefaults) -> GradingConfig:
    where = _Where((("grading", None),))
    if "notebook" in table:
        raise reader.fail(where, "notebook", "grading.notebook is now an array of tables, one "
                                             "per scored notebook: write [[grading.notebooks]]")
    support_default = layout.support_root or (
        release.template_dir.relative_to(root).as_posix() if release else ".")
    defaults: dict[str, Any] = {"support_root": support_default, "checks": layout.checks,
                                "reference_root": layout.solution_root or ""}
    if layout.public_checks is not None:
        defaults["public_checks"] = layout.public_checks
    values = reader.take(GradingConfig, table, where, defaults)
    submit = values["submit"]
    unknown = [name for name in values["optional"] if name not in submit]
    if unknown:
        raise reader.fail(where, "optional", f"{where}.optional: {', '.join(unknown)} not in "
                                             "grading.submit")
    support_root = root / values["support_root"]
    placeholders = release_placeholders(release)
    items = values["notebooks"]
    notebooks = tuple(
        _read_notebook_grading(reader, item, where.child("notebooks", index, items[:index]),
                               root, support_root, submit, placeholders)
        for index, item in enumerate(items))
    _unique(reader, where, "notebooks", "grading.notebooks: file",
            [notebook.file for notebook in notebooks])
    _unique(reader, where, "notebooks", "grading.notebooks: part number",
            [part.number for notebook in notebooks for part in notebook.parts])
    declared = where.child("sections")
    sections = []
    for name, item in values["sections"].items():
        if not isinstance(item, dict):
            raise reader.fail(declared, name, f"{declared}.{name} must be a table with title "
                                              "and checks")
        found = reader.take(Section, item, declared.child(name), {"title": name})
        sections.append(Section(name=name, **found))
    for key in ("checks", "public_checks"):
        if values[key]:
            reader.must_exist(where, key, root, values[key], "folder")
    visibility = reader.take(Visibility, values["visibility"], where.child("visibility"))
    return GradingConfig(
        submit=submit,
        optional=values["optional"],
        public_checks=root / values["public_checks"],
        support_root=support_root,
        checks=root / values["checks"] if values["checks"] else None,
        reference_root=root / values["reference_root"] if values["reference_root"] else None,
        hand_in_also=values["hand_in_also"],
        time_budget=values["time_budget"],
        notebooks=notebooks,
        sections=tuple(sections),
        visibility=visibility,
        sandbox=Limits(**reader.take(Limits, values["sandbox"], where.child("sandbox"))),
        daily_limit=values["daily_limit"],
        day_zone=values["day_zone"],
        extras=values["extras"],
    )


def _unique(reader: _Reader, where: _Where, key: str, what: str, values: list[str]) -> None:
    repeated = sorted({value for value in values if values.count(value) > 1})
    if repeated:
        raise reader.fail(where, key, f"{what} {repeated[0]!r} is declared twice")


def translation_files(path: Path) -> list[Path]:
    """A variant's translation files: ``path`` itself, or each ``<notebook>.toml`` of the
    folder it names."""
    return sorted(path.glob("*.toml")) if path.is_dir() else [path]


def release_placeholders(release: ReleaseConfig | None) -> tuple[str, ...]:
    """Every answer placeholder the release writes into a student notebook: ``[release]
    answer_placeholder``, each variant's translations' own, then the engine's default.

    A translation file (each file of a translations folder) is read for its
    ``answer_placeholder`` alone (one that cannot be
    read adds nothing here; ``gradekit release`` reports it).
    """
    found = [release.answer_placeholder if release else DEFAULT_ANSWER_PLACEHOLDER]
    for variant in release.variants if release else ():
        if variant.translations is None:
            continue
        for file in translation_files(variant.translations):
            try:
                placeholder = read_toml(file, "translation file").get("answer_placeholder")
            except UserError:
                continue
            if isinstance(placeholder, str):
                found.append(placeholder)
    return tuple(dict.fromkeys([*found, DEFAULT_ANSWER_PLACEHOLDER]))


def _read_notebook_grading(reader: _Reader, table: Any, where: _Where, root: Path,
                           support_root: Path, submit: tuple[str, ...],
                           placeholders: tuple[str, ...]) -> NotebookGrading:
    values = reader.take(NotebookGrading, table, where, {
        "released": "", "placeholders": placeholders})
    values["placeholders"] = tuple(dict.fromkeys([*placeholders, *values["placeholders"]]))
    if values["file"] not in submit:
        raise reader.fail(where, "file", f"{where}.file {values['file']!r} is not one of "
                                         "grading.submit")
    items = values["parts"]
    parts = [_read_part(reader, item, where.child("parts", index, items[:index]), submit)
             for index, item in enumerate(items)]
    numbers = [part.number for part in parts]
    if len(set(numbers)) != len(numbers):
        raise reader.fail(where, "parts", f"{where}.parts: numbers must be unique")
    cells = values["rerun"]
    rerun = tuple(
        RerunCell(cell=item) if isinstance(item, str) else
        RerunCell(**reader.take(RerunCell, item, where.child("rerun", index, cells[:index])))
        for index, item in enumerate(cells))
    rules = values["outputs"]
    outputs = tuple(_read_stored_output(reader, item, where.child("outputs", index, rules[:index]))
                    for index, item in enumerate(rules))
    if any(part.kind == "outputs" for part in parts) and not outputs:
        raise reader.fail(where, "parts", f"{where}.parts: a part of kind 'outputs' needs "
                                          "rules in outputs = [...]")
    released = values["released"]
    return NotebookGrading(**{
        **values, "released": root / released if released else support_root / values["file"],
        "parts": tuple(parts), "rerun": rerun, "outputs": outputs})


def _read_stored_output(reader: _Reader, item: Any, where: _Where) -> StoredOutput:
    values = reader.take(StoredOutput, item, where)
    groups = re.compile(values["pattern"]).groups
    for key, wanted in (("keys", bool(values["keys"])),
                        ("low", values["low"] is not None),
                        ("high", values["high"] is not None)):
        if wanted and groups == 0:
            raise reader.fail(where, key, f"{where}.{key}: the pattern has no group (...) "
                                          "to read it from")
    low, high = values["low"], values["high"]
    if low is not None and high is not None and low > high:
        raise reader.fail(where, "high", f"{where}.high must be >= low")
    return StoredOutput(**values)


def _read_part(reader: _Reader, item: Any, where: _Where,
               submit: tuple[str, ...]) -> NotebookPart:
    values = reader.take(NotebookPart, item, where)
    unknown = [name for name in values["files"] if name not in submit]
    if unknown:
        raise reader.fail(where, "files", f"{where}.files: {', '.join(unknown)} not in "
                                          "grading.submit")
    return NotebookPart(**values)


# ---------------------------------------------------------------- the reader


@dataclass(frozen=True)
class _Where:
    """A table's place in the file: ``(key, index in its array or None)`` from the top,
    and the items before it in its array (to find which of the array's lines is its)."""

    parts: tuple[tuple[str, int | None], ...]
    before: tuple[Any, ...] = ()

    def child(self, key: str, index: int | None = None, before: Any = ()) -> _Where:
        return _Where((*self.parts, (key, index)), tuple(before))

    def __str__(self) -> str:
        return ".".join(key if index is None else f"{key}[{index}]" for key, index in self.parts)


_HEADER = re.compile(r"\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY_PART = re.compile(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)')


def _key_names(dotted: str) -> tuple[str, ...]:
    return tuple(next(group for group in found.groups() if group is not None)
                 for found in _KEY_PART.finditer(dotted))


class _Reader:
    """Declared look-ups with errors that name the file, the line and the key."""

    def __init__(self, path: Path, data: dict[str, Any], text: str) -> None:
        self.path = path
        self.data = data
        self.lines = text.splitlines()
        self.later: list[Callable[[], None]] = []
        """Checks of paths, run at the end when they are asked for."""
        self.sections: list[tuple[tuple[str, ...], bool, int, int]] = []
        """(header's keys, whether it is ``[[...]]``, first line, end line) per table."""
        heads = [(index, _HEADER.match(line)) for index, line in enumerate(self.lines)]
        heads = [(index, match) for index, match in heads if match]
        for number, (index, match) in enumerate(heads):
            end = heads[number + 1][0] if number + 1 < len(heads) else len(self.lines)
            self.sections.append((_key_names(match.group(2)), match.group(1) == "[[",
                                  index, end))

    # ------------------------------------------------------------ errors and lines

    def fail(self, where: _Where, key: str | None, message: str) -> UserError:
        line = self.line(where, key)
        return UserError(f"{self.path}:{line}: {message}" if line else f"{self.path}: {message}")

    def line(self, where: _Where, key: str | None) -> int | None:
        """The 1-based line of ``key`` in the table at ``where`` (of the table when
        ``key`` is None, or missing); None when it cannot be found."""
        names = tuple(name for name, _ in where.parts)
        for cut in range(len(names), -1, -1):
            span = self._section(where, cut)
            if span is None:
                continue
            start, end = span
            line = start
            for name, _ in where.parts[cut:]:
                found = self._find(name, line, end, 0)
                if found is None:
                    return start + 1
                line = found
            if key is None:
                return line + 1
            skip = sum(isinstance(item, dict) and key in item for item in where.before) \
                if cut < len(names) else 0
            found = self._find(key, line, end, skip)
            if found is None:  # a table of its own: [key] under the table's header
                below = (*names, key)
                found = next((start for keys, _, start, _ in self.sections
                              if keys[:len(below)] == below), line)
            return found + 1
        return None

    def _section(self, where: _Where, cut: int) -> tuple[int, int] | None:
        """(first line, end) of the table holding ``where.parts[:cut]`` as its header."""
        if cut == 0:
            first = self.sections[0][2] if self.sections else len(self.lines)
            return 0, first
        names = tuple(name for name, _ in where.parts[:cut])
        index = where.parts[cut - 1][1]
        found = [(start, end) for keys, array, start, end in self.sections
                 if keys == names and array == (index is not None)]
        position = index or 0
        return found[position] if position < len(found) else None

    def _find(self, key: str, start: int, end: int, skip: int) -> int | None:
        """The line (0-based) of the ``skip``-th assignment to ``key`` in [start, end)."""
        pattern = re.compile(r'(?:^|[{,\s])(?:"%s"|\'%s\'|%s)\s*=' % ((re.escape(key),) * 3))
        for index in range(start, end):
            line = self.lines[index]
            if line.lstrip().startswith("#"):
                continue
            for _ in pattern.finditer(line):
                if skip == 0:
                    return index
                skip -= 1
        return None

    # ------------------------------------------------------------ reading

    def refuse_unknown(self, table: dict[str, Any], where: _Where, known: list[str]) -> None:
        for key in table:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
                what = f"{where}: unknown key" if where.parts else "unknown table"
                raise self.fail(where, key, f"{what} {key!r} ({hint})")

    def take(self, cls: type, table: Any, where: _Where,
             defaults: dict[str, Any] | None = None) -> dict[str, Any]:
        """The values of ``table`` for ``cls``'s TOML fields, by field name: each checked
        against its declaration, or its default (``defaults`` first, then the field's).
        Nested tables are returned as they are, checked only for their shape."""
        if not isinstance(table, dict):
            parent = _Where(where.parts[:-1], where.before)
            raise self.fail(parent, where.parts[-1][0], f"{where} must be a table")
        declared = list(toml_fields(cls))
        self.refuse_unknown(table, where, [key for key, _, _ in declared])
        defaults = defaults or {}
        values: dict[str, Any] = {}
        for key, item, spec in declared:
            kind, nested = shape(cls, item)
            if key not in table:
                if item.name in defaults:
                    values[item.name] = defaults[item.name]
                elif nested is not None and kind != "table" and (
                        item.default is not MISSING or item.default_factory is not MISSING):
                    values[item.name] = {} if kind == "named tables" else []
                elif nested is not None and (item.default is not MISSING
                                             or item.default_factory is not MISSING):
                    values[item.name] = {}
                elif item.default is not MISSING:
                    values[item.name] = item.default
                elif item.default_factory is not MISSING:
                    values[item.name] = item.default_factory()
                else:
                    raise self.fail(where, None, f"missing key {where}.{key}")
                continue
            value, problem = _convert(kind, table[key], spec)
            if problem is None and spec.check is not None:
                problem = spec.check(value)
            if problem is not None:
                joint = " " if problem.startswith("must") else ": "
                raise self.fail(where, key, f"{where}.{key}{joint}{problem}")
            values[item.name] = value
        return values

    def must_exist(self, where: _Where, key: str, root: Path, relative: str,
                   what: str) -> None:
        """Check (at the end, when paths are checked) that ``root / relative`` is a
        ``what`` ("file", "folder" or "file or folder")."""
        def check() -> None:
            target = root / relative
            if {"folder": target.is_dir(), "file": target.is_file(),
                    "file or folder": target.exists()}[what]:
                return
            state = f"is not a {what}" if target.exists() else "does not exist"
            raise self.fail(where, key, f"{where}.{key}: {relative} {state} (under {root}); "
                                        f"fix the path, or create the {what}")
        self.later.append(check)


def _convert(kind: str, value: Any, key: Key) -> tuple[Any, str | None]:
    """(the value as its field keeps it, or what is wrong with it) for a TOML ``kind``."""
    if kind in ("string", "path"):
        if isinstance(value, str):
            return value, None
        return value, f"must be a string, not {type(value).__name__}"
    if kind == "boolean":
        return value, None if isinstance(value, bool) else "must be true or false"
    if kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value, None
        return value, "must be an integer"
    if kind == "number":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value), None
        return value, "must be a number"
    if kind in ("strings", "paths"):
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value), None
        return value, "must be a list of strings"
    if kind == "string table":
        if isinstance(value, dict) and all(isinstance(item, str) for item in value.values()):
            return dict(value), None
        return value, "must be a table of strings"
    if kind in ("table", "named tables"):
        return value, None if isinstance(value, dict) else "must be a table"
    allowed = (dict, str) if key.shorthand else (dict,)
    if isinstance(value, list) and all(isinstance(item, allowed) for item in value):
        return value, None
    either = f" (or {key.shorthand} strings)" if key.shorthand else ""
    return value, f"must be an array of tables{either}"
