"""Who handed in what: a roster from a Gradescope export or a plain folder of submissions.

A Gradescope "Export Submissions" download (a folder, or the zip of it) holds
``submission_metadata.yml`` and one folder per submission, ``submission_<id>``. The YAML
is written by Ruby, so its keys are symbols (``:submitters:``, ``:name:``, ``:sid:``, ...)
and some values carry Ruby tags (``!ruby/object:BigDecimal 18:0.1E2``); both are read
here as plain Python. A group submission lists several submitters under one folder.

Any other folder is a plain class folder: every entry (zip, folder, notebook, ``.py``)
is one submission of one pseudo-student whose id is the entry's stem.

The roster's ``key`` for a submission is the folder name (Gradescope) or the entry's stem
(plain folder): results of a class grade live at ``OUT/<key>/results.json``.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from gradekit.errors import UserError
from gradekit.zips import entry_name, is_junk, open_zip, unsafe_path

METADATA_NAME = "submission_metadata.yml"
MAX_METADATA_BYTES = 32 * 1024 * 1024
"""Largest ``submission_metadata.yml`` read (a class of thousands is a few MB)."""
MAX_METADATA_DEPTH = 40
"""Deepest nesting of collections read (Gradescope's is about six)."""
MAX_METADATA_ALIASES = 10_000
"""Most ``*alias`` references read."""
MAX_METADATA_NODES = 1_000_000
"""Most values the document may hold with every alias expanded (an alias bomb holds
billions from a few hundred bytes)."""
_GRADESCOPE_FOLDER = re.compile(r"^submission_\d+$")


@dataclass(frozen=True)
class Student:
    """One person on the roster, with the submission (``key``) they belong to."""

    key: str
    id: str
    name: str
    email: str = ""
    sid: str = ""
    section: str = ""
    submitted_at: str = ""


@dataclass
class Roster:
    """Students in a stable order, plus what was odd about the input (never fatal)."""

    students: list[Student] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source: str = ""

    def keys(self) -> list[str]:
        """Every submission key, once, in roster order."""
        return list(dict.fromkeys(student.key for student in self.students))

    def of(self, key: str) -> list[Student]:
        """The students of one submission (several for a group)."""
        return [student for student in self.students if student.key == key]

    def with_keys(self, keys: list[str]) -> Roster:
        """This roster plus a pseudo-student for each key it does not know."""
        known = set(self.keys())
        extra = [pseudo_student(key) for key in sorted(keys) if key not in known]
        notes = [f"{key}: graded but not on the roster {self.source}".rstrip()
                 for key in sorted(keys) if key not in known and self.source]
        return Roster(self.students + extra, self.warnings + notes, self.source)


def pseudo_student(key: str) -> Student:
    """A stand-in for a submission nobody is named for: id and name are the key."""
    return Student(key=key, id=key, name=key)


def read_roster(path: Path) -> Roster:
    """A Gradescope export (folder or zip) when it has ``submission_metadata.yml``, else
    a plain folder of submissions."""
    return read_class(path).roster


@dataclass(frozen=True)
class ClassListing:
    """Where each submission of a class is, with the roster read from the same place.

    ``entries`` maps each key to its entry's name and kind (``"dir"`` or ``"file"``),
    found in ``folder`` (a class folder, or the export folder) or, for a zipped export,
    under ``zip_prefix`` (``"assignment_1_export/"`` or ``""``) of ``zip_path``.
    """

    roster: Roster
    entries: dict[str, tuple[str, str]]
    folder: Path | None = None
    zip_path: Path | None = None
    zip_prefix: str = ""


def read_class(path: Path) -> ClassListing:
    """The roster of ``path`` (as :func:`read_roster`) and where each key's files are."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: no such folder or zip")
    listing = _Listing(path)
    roster = None
    if listing.metadata is not None:
        try:
            roster = _gradescope(listing)
        except MetadataRefused as refused:  # the class is still graded, without names
            roster = _plain(listing, known_export=True)
            roster.warnings.insert(0, f"{refused}; every submission folder is graded as "
                                      "a pseudo-student")
    if roster is not None and roster.source:
        names = {key: key for key in roster.keys() if key in listing.entries}
    else:
        roster = roster or _plain(listing)
        names = plain_keys(listing.entries)
    entries = {key: (name, listing.entries[name]) for key, name in names.items()}
    if listing.zip_path is not None:
        return ClassListing(roster, entries, zip_path=listing.zip_path,
                            zip_prefix="".join(f"{part}/" for part in listing.prefix))
    return ClassListing(roster, entries, folder=listing.folder)


def read_gradescope_export(path: Path) -> Roster:
    """Like :func:`read_roster`, but the metadata file must be there."""
    listing = _Listing(Path(path))
    if listing.metadata is None:
        raise UserError(f"{path}: no {METADATA_NAME} here (nor one folder down); is this "
                        "Gradescope's Export Submissions download?")
    return _gradescope(listing)


class _Listing:
    """The top-level entries of a folder or zip, and its metadata file's text if any.

    In a zip (and in a folder holding a single export folder) the export may sit one
    folder down, as Gradescope's own zip does (``assignment_<id>_export/``).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.metadata: str | None = None
        self.refused: MetadataRefused | None = None
        self.metadata_name = str(path / METADATA_NAME)
        self.folder: Path | None = None
        self.zip_path: Path | None = None
        self.prefix: tuple[str, ...] = ()
        if path.is_file():
            if not zipfile.is_zipfile(path):
                raise UserError(f"{path}: neither a folder nor a zip")
            self._read_zip(path)
        else:
            self._read_folder(path)

    def _set_metadata(self, data: bytes) -> None:
        try:
            self.metadata = _bounded_text(data, self.metadata_name)
        except MetadataRefused as refused:
            self.metadata, self.refused = "", refused

    def _read_folder(self, path: Path) -> None:
        entries = [p for p in path.iterdir() if not is_junk(p.name, hidden=True)]
        if not (path / METADATA_NAME).is_file():
            inner = [p for p in entries if p.is_dir() and (p / METADATA_NAME).is_file()]
            if len(entries) == 1 and inner:
                path = inner[0]
                entries = [p for p in path.iterdir() if not is_junk(p.name, hidden=True)]
        self.folder = path
        meta = path / METADATA_NAME
        if meta.is_file():
            self.metadata_name = str(meta)
            with meta.open("rb") as stream:
                self._set_metadata(stream.read(MAX_METADATA_BYTES + 1))
        self.entries = {p.name: ("dir" if p.is_dir() else "file")
                        for p in entries if p.name != METADATA_NAME}

    def _read_zip(self, path: Path) -> None:
        try:
            with open_zip(path) as archive:
                raw = {entry_name(info): info.filename for info in archive.infolist()}
                names = [PurePosixPath(n) for n in raw if not unsafe_path(n)]
                names = [n for n in names if n.parts and not is_junk(n, hidden=True)]
                folders = {PurePosixPath(n) for n in raw if n.endswith("/")}
                tops = {n.parts[0] for n in names}
                prefix: tuple[str, ...] = ()
                if len(tops) == 1 and not any(n.parts == (METADATA_NAME,) for n in names):
                    (top,) = tops
                    if any(n.parts == (top, METADATA_NAME) for n in names):
                        prefix = (top,)
                meta = "/".join(prefix + (METADATA_NAME,))
                if meta in raw:
                    self.metadata_name = f"{path}:{meta}"
                    with archive.open(raw[meta]) as stream:
                        self._set_metadata(stream.read(MAX_METADATA_BYTES + 1))
        except (zipfile.BadZipFile, OSError) as error:
            raise UserError(f"{path}: cannot read the zip: {error}") from None
        self.zip_path, self.prefix = path, prefix
        self.entries = {}
        for name in names:
            rest = name.parts[len(prefix):]
            if name.parts[:len(prefix)] != prefix or not rest or rest == (METADATA_NAME,):
                continue
            kind = "dir" if len(rest) > 1 or name in folders else "file"
            if self.entries.get(rest[0]) != "dir":
                self.entries[rest[0]] = kind


class MetadataRefused(UserError):
    """``submission_metadata.yml`` is beyond the bounds read (size, depth, aliases)."""


def _bounded_text(data: bytes, name: str) -> str:
    """The text of a metadata file read up to one byte past the bound."""
    if len(data) > MAX_METADATA_BYTES:
        raise MetadataRefused(f"{name}: refused: larger than {MAX_METADATA_BYTES} bytes")
    return _decode(data, name)


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UserError(f"{name}: not UTF-8 text (byte {error.start})") from None


# ---------------------------------------------------------------- Gradescope


def _gradescope(listing: _Listing) -> Roster:
    assert listing.metadata is not None
    if listing.refused is not None:
        raise listing.refused
    data, lines = parse_metadata(listing.metadata, listing.metadata_name)
    roster = Roster(source=listing.metadata_name)
    for key in sorted(data, key=_natural):
        where = f"{listing.metadata_name}:{lines.get(key, 0)}: {key}"
        entry = data[key]
        if not isinstance(entry, dict):
            raise UserError(f"{where}: expected a mapping with :submitters:, got "
                            f"{type(entry).__name__}")
        submitters = entry.get("submitters")
        if not isinstance(submitters, list) or not submitters:
            roster.warnings.append(f"{where}: no :submitters: list; listed under its key")
            submitters = [{}]
        when = _text(entry.get("submission_time") or entry.get("created_at"))
        for index, person in enumerate(submitters):
            if not isinstance(person, dict):
                raise UserError(f"{where}: submitter {index + 1} is not a mapping")
            roster.students.append(_student(key, index, person, when))
        if listing.entries.get(key) is None:
            roster.warnings.append(f"{where}: listed, but the export has no folder {key}")
    for name in sorted(set(listing.entries) - set(data), key=_natural):
        roster.warnings.append(f"{listing.path}/{name}: not in {METADATA_NAME}; "
                               "kept as a pseudo-student")
        roster.students.append(pseudo_student(name))
    return roster


def _student(key: str, index: int, person: dict[str, Any], when: str) -> Student:
    sid, email, name = (_text(person.get(k)) for k in ("sid", "email", "name"))
    ident = sid or email or (key if index == 0 else f"{key}-{index + 1}")
    return Student(key=key, id=ident, name=name or ident, email=email, sid=sid,
                   section=_text(person.get("section")), submitted_at=when)


def parse_metadata(text: str, name: str) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse ``submission_metadata.yml``: symbol keys lose their colon, Ruby tags become
    plain values, times become ISO strings. Returns the data and each top key's line.

    Bounded: a file over ``MAX_METADATA_BYTES``, nested deeper than ``MAX_METADATA_DEPTH``,
    with more than ``MAX_METADATA_ALIASES`` aliases or, aliases expanded, more than
    ``MAX_METADATA_NODES`` values (an alias bomb), or with a recursive alias raises
    :class:`MetadataRefused` naming the file, before anything is built from it."""
    import yaml

    if len(text) > MAX_METADATA_BYTES:
        raise MetadataRefused(f"{name}: refused: larger than {MAX_METADATA_BYTES} bytes")
    loader = _ruby_loader()(text)
    try:
        _check_events(text, name)
        node = loader.get_single_node()
        if node is not None:
            _check_expanded(node, name)
        data = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise UserError(f"{name}{line}: not valid YAML: {error.problem or error}") from None
    except yaml.YAMLError as error:
        raise UserError(f"{name}: not valid YAML: {error}") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise UserError(f"{name}:1: expected a mapping of submission folders to their "
                        f"metadata, got {type(data).__name__}")
    lines = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            lines[_symbol(key_node.value)] = key_node.start_mark.line + 1
    return _plain_data(data), lines


def _check_events(text: str, name: str) -> None:
    """Refuse deep nesting and many aliases from the event stream (no tree is built)."""
    import yaml

    depth = aliases = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_METADATA_DEPTH:
                raise MetadataRefused(f"{name}:{event.start_mark.line + 1}: refused: nested "
                                      f"deeper than {MAX_METADATA_DEPTH}")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_METADATA_ALIASES:
                raise MetadataRefused(f"{name}:{event.start_mark.line + 1}: refused: more "
                                      f"than {MAX_METADATA_ALIASES} aliases")


def _check_expanded(root: Any, name: str) -> None:
    """Refuse a node graph that, aliases expanded, holds more than ``MAX_METADATA_NODES``
    values, or that refers to itself. Each shared node is sized once (memoised)."""
    import yaml

    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: Any) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        if id(node) in open_nodes:
            raise MetadataRefused(f"{name}:{node.start_mark.line + 1}: refused: an alias "
                                  "refers to a value that holds it")
        total = 1
        if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)):
            open_nodes.add(id(node))
            children = node.value if isinstance(node, yaml.SequenceNode) else \
                [part for pair in node.value for part in pair]
            for child in children:
                total += size(child)
                if total > MAX_METADATA_NODES:
                    raise MetadataRefused(f"{name}: refused: more than {MAX_METADATA_NODES} "
                                          "values with its aliases expanded (an alias bomb?)")
            open_nodes.discard(id(node))
        sizes[id(node)] = total
        return total

    size(root)


@functools.cache
def _ruby_loader() -> type:
    """SafeLoader that reads Ruby-tagged nodes (``!ruby/...``) as their plain value."""
    import yaml

    class RubyLoader(yaml.SafeLoader):
        pass

    def construct_ruby(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            return loader.construct_mapping(node, deep=True)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node, deep=True)
        value = loader.construct_scalar(node)
        if suffix == "object:BigDecimal":  # "18:0.1E2": precision, then the number
            return float(value.split(":", 1)[-1])
        return value

    RubyLoader.add_multi_constructor("!ruby/", construct_ruby)
    return RubyLoader


def _plain_data(value: Any) -> Any:
    if isinstance(value, dict):
        return {_symbol(k): _plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_data(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return value


def _symbol(key: Any) -> Any:
    return key[1:] if isinstance(key, str) and key.startswith(":") else key


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# ---------------------------------------------------------------- plain folder


def _plain(listing: _Listing, known_export: bool = False) -> Roster:
    roster = Roster(source="")
    if not known_export and listing.entries and \
            all(_GRADESCOPE_FOLDER.match(n) for n in listing.entries):
        roster.warnings.append(f"{listing.path}: looks like a Gradescope export but has no "
                               f"{METADATA_NAME}; each folder is a pseudo-student")
    for stem, names in _by_stem(listing.entries).items():
        if len(names) > 1:
            roster.warnings.append(f"{listing.path}: {', '.join(names)} share the id {stem}; "
                                   "each is keyed by its full name")
            roster.students += [pseudo_student(name) for name in names]
        else:
            roster.students.append(pseudo_student(stem))
    return roster


def plain_keys(entries: dict[str, str]) -> dict[str, str]:
    """Each entry's key in a plain class folder (its stem, or its full name when two
    entries share a stem), mapped to the entry's name; ``entries``: name -> kind."""
    keys = {}
    for stem, names in _by_stem(entries).items():
        keys.update({stem: names[0]} if len(names) == 1 else {name: name for name in names})
    return keys


def _by_stem(entries: dict[str, str]) -> dict[str, list[str]]:
    by_stem: dict[str, list[str]] = {}
    for name, kind in entries.items():
        by_stem.setdefault(name if kind == "dir" else _stem(name), []).append(name)
    return {stem: sorted(by_stem[stem]) for stem in sorted(by_stem, key=_natural)}


def _stem(name: str) -> str:
    if name.lower().endswith(".tar.gz") and len(name) > 7:
        return name[:-7]
    return PurePosixPath(name).stem or name


def _natural(text: str) -> list[Any]:
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text)]
