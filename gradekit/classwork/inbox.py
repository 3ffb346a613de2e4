"""A class's submissions as a class grade takes them: a key, where the files are, a digest.

The class is a plain folder of submissions (zips, folders, notebooks, lone ``.py`` files)
or Gradescope's Export Submissions, as a folder or a zip (:mod:`gradekit.classwork.roster`
finds the keys). A submission inside a zipped export is unpacked only when it is graded,
into a folder of its own (:func:`unpack_tree`, which judges each entry as intake does,
:func:`gradekit.zips.entry_problem`, within the intake's size caps), so it is graded exactly
like the same export unpacked by hand.

The digest says when a submission changed: SHA-256 over every regular file's path and
bytes (a link counts by its target), or over the zip members' names, sizes and CRC-32s.
"""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from gradekit.classwork.roster import ClassListing, Roster, read_class
from gradekit.errors import UserError
from gradekit.grading.intake import IntakeLimits
from gradekit.zips import MAX_ENTRIES, entry_name, entry_problem, is_junk, open_zip

RESERVED = frozenset({"grades.csv", "canvas.csv", "checks.csv", "similarity.csv",
                      "similarity.json",
                      "report.html", "manifest.json", "logs"})
"""Names in a class grade's output folder that no submission may be keyed by."""


@dataclass(frozen=True)
class Submission:
    """One submission: its key, its files (``path``; or ``member`` of the zip at ``path``)."""

    key: str
    path: Path
    member: str | None = None
    digest: str = ""

    @property
    def packed(self) -> bool:
        """True when the files are inside a zipped export and must be unpacked first."""
        return self.member is not None


@dataclass
class Inbox:
    """Every submission of a class, in roster order, and what was odd about it."""

    submissions: list[Submission] = field(default_factory=list)
    roster: Roster = field(default_factory=Roster)
    warnings: list[str] = field(default_factory=list)


def read_inbox(path: Path) -> Inbox:
    """The submissions of the class folder or export at ``path``, each with its digest."""
    listing = read_class(Path(path))
    inbox = Inbox(roster=listing.roster, warnings=list(listing.roster.warnings))
    archive = open_zip(listing.zip_path) if listing.zip_path is not None else None
    try:
        members = _members_by_entry(archive, listing.zip_prefix) if archive else {}
        for key in listing.roster.keys():
            if key not in listing.entries:
                continue  # listed in the metadata with no folder: the roster warned
            problem = key_problem(key)
            if problem:
                inbox.warnings.append(f"{key}: not graded: {problem}")
                continue
            name, _kind = listing.entries[key]
            inbox.submissions.append(_submission(listing, key, name, members.get(name, [])))
    finally:
        if archive is not None:
            archive.close()
    return inbox


def key_problem(key: str) -> str:
    """Why ``key`` cannot name a folder of the output ('' when it can)."""
    if not key or key.startswith(".") or any(c in key for c in "/\\\0"):
        return "the name cannot be a folder of the output"
    if key in RESERVED:
        return f"the name {key!r} is taken by an output of the class grade"
    return ""


def _submission(listing: ClassListing, key: str, name: str,
                members: list[zipfile.ZipInfo]) -> Submission:
    if listing.zip_path is not None:
        member = f"{listing.zip_prefix}{name}"
        return Submission(key, listing.zip_path, member, _zip_digest(members, member))
    assert listing.folder is not None
    path = listing.folder / name
    return Submission(key, path, None, tree_digest(path))


def _members_by_entry(archive: zipfile.ZipFile, prefix: str) -> dict[str, list[zipfile.ZipInfo]]:
    found: dict[str, list[zipfile.ZipInfo]] = {}
    for info in archive.infolist():
        name = entry_name(info)
        if name.startswith(prefix) and len(name) > len(prefix):
            found.setdefault(name[len(prefix):].split("/", 1)[0], []).append(info)
    return found


def _zip_digest(members: list[zipfile.ZipInfo], member: str) -> str:
    digest = hashlib.sha256(b"zip\0")
    for info in sorted(members, key=entry_name):
        relative = entry_name(info)[len(member):]
        digest.update(f"{relative}\0{info.file_size}\0{info.CRC}\0{info.external_attr}\n"
                      .encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def tree_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, or of a folder's file paths and bytes (links by target)."""
    digest = hashlib.sha256()
    path = Path(path)
    if path.is_symlink():
        digest.update(b"link\0" + os.fsencode(os.readlink(path)))
    elif path.is_file():
        digest.update(b"file\0")
        _hash_file(digest, path)
    elif path.is_dir():
        digest.update(b"tree\0")
        count = 0
        for folder, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(files) + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
                count += 1
                if count > MAX_ENTRIES:
                    return digest.hexdigest()
                full = os.path.join(folder, name)
                relative = os.fsencode(os.path.relpath(full, path))
                info = os.lstat(full)
                if stat.S_ISLNK(info.st_mode):
                    digest.update(b"L" + relative + b"\0" + os.fsencode(os.readlink(full)) + b"\n")
                elif stat.S_ISREG(info.st_mode):
                    digest.update(b"F" + relative + b"\0")
                    _hash_file(digest, Path(full))
                    digest.update(b"\n")
    return digest.hexdigest()


def _hash_file(digest: hashlib._Hash, path: Path) -> None:
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError as error:
        digest.update(f"unreadable {error.errno}".encode())


def unpack(submission: Submission, destination: Path) -> tuple[Path, list[str]]:
    """The submission's files on disk: its own path, or, from a zipped export, a folder
    ``destination`` it was unpacked into. Returns the path and what was left out."""
    if not submission.packed:
        return submission.path, []
    assert submission.member is not None
    try:
        with open_zip(submission.path) as archive:
            left_out = unpack_tree(archive, submission.member, destination)
    except (zipfile.BadZipFile, OSError) as error:
        raise UserError(f"{submission.path}: cannot read the zip: {error}") from None
    return destination, left_out


def unpack_tree(archive: zipfile.ZipFile, member: str, destination: Path,
                limits: IntakeLimits = IntakeLimits()) -> list[str]:
    """Unpack ``member`` of ``archive`` (a file, or a folder and all below it; ``""``:
    the whole archive) into the folder ``destination``: the entries
    :func:`gradekit.zips.entry_problem` passes, within ``limits``, junk left out
    (:func:`gradekit.zips.is_junk`). Returns a note for each other entry left out."""
    destination.mkdir(parents=True, exist_ok=True)
    left_out: list[str] = []
    member = member.rstrip("/")
    total = 0
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        left_out.append(f"the zip has over {MAX_ENTRIES} entries; the rest were left out")
    for info in infos[:MAX_ENTRIES]:
        name = entry_name(info)
        if not member:
            relative = PurePosixPath(name)
        elif name == member and not info.is_dir():
            relative = PurePosixPath(PurePosixPath(name).name)
        elif name.startswith(member + "/"):
            relative = PurePosixPath(name[len(member) + 1:])
        else:
            continue
        if info.is_dir() or not relative.parts or is_junk(relative, hidden=True):
            continue  # junk is never graded: intake would pass over it
        why = entry_problem(info, limits.file_mb)
        if not why:
            target = destination.joinpath(*relative.parts)
            try:
                with archive.open(info) as source:
                    written, why = limits.copy(source, target, total)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError,
                    EOFError) as error:
                target.unlink(missing_ok=True)
                why = f"cannot be unpacked ({error})"
        if why:
            left_out.append(f"{relative}: {why}")
            continue
        total += written
    return left_out
