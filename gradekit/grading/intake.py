"""Take in a submission: keep only the expected files, as plain regular files.

A submission is a zip, a folder (Gradescope's submission folder too), a lone ``.py``
file or a lone notebook. Each expected path (``pkg/module.py``) is looked for up to
two folders deep (``homework2/pkg/module.py``); macOS and editor junk and hidden
files are ignored; symlinks, oversized files and unsafe zip entries are rejected. When a
path turns up more than once the shallowest copy wins (ties: alphabetical), with a note.
When the one expected notebook is missing and the submission holds exactly one notebook
of another name (``Lesson (1).ipynb``), that notebook is taken, with a note. An
optional file (``[grading] optional``) that is absent is not missing: it is said in one
line to be not handed in (optional).
"""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterator

from gradekit.errors import UserError
from gradekit.zips import MAX_ENTRIES, entry_name, entry_problem, is_junk, open_zip

MAX_DEPTH = 2


@dataclass(frozen=True)
class IntakeLimits:
    """Caps on what is taken from one submission: each file, and all of them together."""

    file_mb: int = 32
    total_mb: int = 128

    def copy(self, handle: BinaryIO, target: Path, taken: int) -> tuple[int, str]:
        """Copy ``handle`` to ``target`` (a plain file, mode 0644) within the caps, ``taken``
        bytes of the total already used, enforced while reading (a zip's sizes may lie).
        Returns the bytes written and '', or 0 and why nothing was (``target`` removed)."""
        cap = min(self.file_mb << 20, (self.total_mb << 20) - taken)
        try:
            return _write(target, handle, cap), ""
        except _TooLarge:
            target.unlink(missing_ok=True)
            return 0, (f"is larger than {self.file_mb} MB" if cap == self.file_mb << 20
                       else f"would take the submission over {self.total_mb} MB")


@dataclass
class Intake:
    """What intake found: ``found`` maps each expected path to where it came from;
    ``missing`` lists the required paths not found, ``not_handed_in`` the optional ones."""

    found: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    not_handed_in: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"Found {len(self.found)} of {len(self.found) + len(self.missing)} "
                 "expected files."]
        lines += [f"Missing: {path}" for path in self.missing]
        lines += [optional_line(path) for path in self.not_handed_in]
        lines += [f"Ignored {where}: {why}" for where, why in self.rejected]
        lines += self.notes
        return "\n".join(lines)


def optional_line(path: str) -> str:
    """The one line saying that the optional file ``path`` was left out."""
    return f"{path}: not handed in (optional)"


def needs(paths: list[str], optional: tuple[str, ...] | frozenset[str] = ()) -> str:
    """Why a check or a part that needs the absent ``paths`` scored 0 without running:
    the required ones are not in the submission; when all are optional, the line of
    :func:`optional_line` (a calm message: leaving them out was allowed)."""
    if paths and all(path in optional for path in paths):
        return "; ".join(optional_line(path) for path in paths)
    verb = "is" if len(paths) == 1 else "are"
    return f"needs {', '.join(paths)}, which {verb} not in your submission"


@dataclass(frozen=True)
class _Candidate:
    source: str        # as shown to the student
    relative: PurePosixPath
    size: int
    problem: str = ""


def take_in(submission: Path, expected: tuple[str, ...], destination: Path,
            limits: IntakeLimits = IntakeLimits(), optional: tuple[str, ...] = ()) -> Intake:
    """Copy the expected files of ``submission`` into ``destination``; those of
    ``optional`` (a subset of ``expected``) may be absent."""
    submission = Path(submission)
    if not submission.exists() and not submission.is_symlink():
        raise UserError(f"{submission}: no such file or folder")
    result = Intake()
    kind = os.lstat(submission).st_mode
    if not (stat.S_ISDIR(kind) or stat.S_ISREG(kind)):
        # Never opened: a FIFO or a device would block, a link could lead anywhere.
        why = "is a symbolic link" if stat.S_ISLNK(kind) else "is not a regular file or folder"
        result.rejected.append((submission.name, why))
        _absent(result, expected, optional)
        return result
    if submission.is_dir():
        zips = sorted(p for p in submission.iterdir() if p.suffix.lower() == ".zip"
                      and p.is_file() and not p.is_symlink())
        _from_folder(submission, expected, destination, limits, result)
        if not result.found and len(zips) == 1:
            result.notes.append(f"Looked inside {zips[0].name}.")
            result.rejected.clear()
            _from_zip(zips[0], expected, destination, limits, result)
    elif zipfile.is_zipfile(submission):
        _from_zip(submission, expected, destination, limits, result)
    elif submission.suffix in (".py", ".ipynb"):
        _from_single(submission, expected, destination, limits, result)
    else:
        result.rejected.append((submission.name, "is not a zip, a folder, a notebook or a .py "
                                "file"))
    _absent(result, expected, optional)
    return _shown(result)


def _absent(result: Intake, expected: tuple[str, ...], optional: tuple[str, ...]) -> None:
    """Sort the expected paths not found into missing (required) and not handed in."""
    absent = [path for path in expected if path not in result.found]
    result.missing = [path for path in absent if path not in optional]
    result.not_handed_in = [path for path in absent if path in optional]


def _shown(result: Intake) -> Intake:
    """The intake with every submitted name made printable (a name that is not UTF-8 keeps
    its odd bytes as ``\\xNN``), so that it can reach results.json and a terminal."""
    result.found = {path: shown_name(source) for path, source in result.found.items()}
    result.rejected = [(shown_name(where), shown_name(why)) for where, why in result.rejected]
    result.notes = [shown_name(note) for note in result.notes]
    return result


def shown_name(name: str) -> str:
    """A file name as text that encodes as UTF-8 (bytes it could not decode as ``\\xNN``)."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        data = name.encode("utf-8", "surrogateescape") if _only_escapes(name) else \
            name.encode("utf-8", "surrogatepass")
        return data.decode("utf-8", "backslashreplace")


def _only_escapes(name: str) -> bool:
    return all(not 0xD800 <= ord(c) <= 0xDFFF or 0xDC80 <= ord(c) <= 0xDCFF for c in name)


def _from_single(path: Path, expected: tuple[str, ...], destination: Path,
                 limits: IntakeLimits, result: Intake) -> None:
    matches = [e for e in expected if PurePosixPath(e).name == path.name]
    notebooks = [e for e in expected if e.lower().endswith(".ipynb")]
    if not matches and path.suffix.lower() == ".ipynb" and len(notebooks) == 1:
        matches = notebooks
        result.notes.append(_lone_note(notebooks[0], path.name))
    if not matches:
        result.rejected.append((path.name, "is not one of the files to hand in "
                                f"({', '.join(expected)})"))
        return
    size = path.stat().st_size
    if size > limits.file_mb << 20:
        result.rejected.append((path.name, f"is larger than {limits.file_mb} MB"))
        return
    with path.open("rb") as handle:
        _write(destination / matches[0], handle, limits.file_mb << 20)
    result.found[matches[0]] = path.name


def _from_folder(root: Path, expected: tuple[str, ...], destination: Path,
                 limits: IntakeLimits, result: Intake) -> None:
    deepest = max((len(PurePosixPath(e).parts) for e in expected), default=1) + MAX_DEPTH
    candidates = list(_walk(root, root, deepest, [0]))
    chosen = _choose(candidates, expected, result)
    total = 0
    for path, candidate in chosen.items():
        source = root / candidate.relative
        try:
            handle = _open_regular(source)
        except OSError as error:
            result.rejected.append((candidate.source, f"cannot be read ({error.strerror})"))
            continue
        with handle:
            total += _copy_checked(handle, destination / path, candidate, limits, total, result)
        if candidate.source in dict(result.rejected):
            continue
        result.found[path] = candidate.source


def _walk(root: Path, folder: Path, deepest: int, count: list[int]) -> Iterator[_Candidate]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        count[0] += 1
        if count[0] > MAX_ENTRIES:
            return
        relative = PurePosixPath(Path(entry.path).relative_to(root).as_posix())
        if is_junk(relative, hidden=True):
            continue
        if entry.is_symlink():
            yield _Candidate(relative.as_posix(), relative, 0, "is a symbolic link")
        elif entry.is_dir(follow_symlinks=False):
            if len(relative.parts) < deepest:
                yield from _walk(root, Path(entry.path), deepest, count)
        elif entry.is_file(follow_symlinks=False):
            size = entry.stat(follow_symlinks=False).st_size
            yield _Candidate(relative.as_posix(), relative, size)


def _from_zip(path: Path, expected: tuple[str, ...], destination: Path,
              limits: IntakeLimits, result: Intake) -> None:
    try:
        archive = open_zip(path, limits.total_mb << 20)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        result.rejected.append((path.name, f"is not a readable zip ({error})"))
        return
    with archive:
        infos = archive.infolist()[:MAX_ENTRIES]
        candidates = [_zip_candidate(info, limits) for info in infos if not info.is_dir()]
        by_name = {info.filename: info for info in infos}
        chosen = _choose([c for c in candidates if c is not None], expected, result)
        total = 0
        for target, candidate in chosen.items():
            info = by_name[candidate.source]
            try:
                with archive.open(info) as handle:
                    total += _copy_checked(handle, destination / target, candidate, limits,
                                           total, result)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError,
                    EOFError) as error:
                result.rejected.append((candidate.source, f"cannot be unpacked ({error})"))
                (destination / target).unlink(missing_ok=True)
                continue
            if candidate.source not in dict(result.rejected):
                result.found[target] = candidate.source


def _zip_candidate(info: zipfile.ZipInfo, limits: IntakeLimits) -> _Candidate | None:
    relative = PurePosixPath(entry_name(info))
    if is_junk(relative, hidden=True):
        return None
    return _Candidate(info.filename, relative, info.file_size,
                      entry_problem(info, limits.file_mb))


def _choose(candidates: list[_Candidate], expected: tuple[str, ...],
            result: Intake) -> dict[str, _Candidate]:
    """Pick one candidate per expected path: exact suffix first, shallowest, then by name."""
    chosen: dict[str, _Candidate] = {}
    for target in expected:
        want = PurePosixPath(target).parts
        exact = [c for c in candidates if _suffix_depth(c.relative.parts, want) is not None]
        loose = [c for c in candidates if c.relative.name == want[-1]
                 and len(c.relative.parts) <= 1 + MAX_DEPTH]
        pool = exact or loose
        usable = [c for c in pool if not c.problem]
        for candidate in pool:
            if candidate.problem:
                result.rejected.append((candidate.source, candidate.problem))
        if not usable:
            continue
        usable.sort(key=lambda c: (len(c.relative.parts), c.source))
        pick = usable[0]
        if len(usable) > 1:
            others = ", ".join(c.source for c in usable[1:])
            result.notes.append(f"{target}: used {pick.source}, ignored {others}.")
        elif not exact:
            result.notes.append(f"{target}: used {pick.source}.")
        chosen[target] = pick
    _lone_notebook(candidates, expected, chosen, result)
    return chosen


def _lone_notebook(candidates: list[_Candidate], expected: tuple[str, ...],
                   chosen: dict[str, _Candidate], result: Intake) -> None:
    """Take the only notebook handed in for the one expected notebook it does not match
    by name (``Lesson (1).ipynb``, as a browser saves a second download)."""
    notebooks = [e for e in expected if e.lower().endswith(".ipynb")]
    if len(notebooks) != 1 or notebooks[0] in chosen:
        return
    handed_in = [c for c in candidates if c.relative.suffix.lower() == ".ipynb"
                 and len(c.relative.parts) <= 1 + MAX_DEPTH]
    if len(handed_in) != 1 or handed_in[0].problem:
        return
    chosen[notebooks[0]] = handed_in[0]
    result.notes.append(_lone_note(notebooks[0], handed_in[0].source))


def _lone_note(target: str, source: str) -> str:
    return (f"{target}: used {source}, the only notebook in your submission "
            f"(named {PurePosixPath(target).name} in the assignment).")


def _suffix_depth(parts: tuple[str, ...], want: tuple[str, ...]) -> int | None:
    extra = len(parts) - len(want)
    if 0 <= extra <= MAX_DEPTH and parts[extra:] == want:
        return extra
    return None


def _open_regular(path: Path):  # type: ignore[no-untyped-def]
    """Open ``path`` for reading without following a symlink; only regular files."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(0, "not a regular file")
    return os.fdopen(fd, "rb")


def _copy_checked(handle: BinaryIO, target: Path, candidate: _Candidate,
                  limits: IntakeLimits, total: int, result: Intake) -> int:
    """Copy within the size caps; return the bytes written (0 and a rejection if over)."""
    written, why = limits.copy(handle, target, total)
    if why:
        result.rejected.append((candidate.source, why))
    return written


class _TooLarge(Exception):
    pass


def _write(target: Path, handle, cap: int) -> int:  # type: ignore[no-untyped-def]
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with open(target, "wb") as out:
        while True:
            chunk = handle.read(1 << 16)
            if not chunk:
                break
            written += len(chunk)
            if written > cap:
                raise _TooLarge
            out.write(chunk)
    os.chmod(target, 0o644)
    return written


def copy_support(support_root: Path, destination: Path, skip: list[Path],
                 submitted: tuple[str, ...], max_mb: int = 16) -> list[str]:
    """Copy the support files (all but ``submitted`` and the ``skip`` folders) into place.

    Hidden files, junk folders, symlinks and files over ``max_mb`` (data sets a student
    downloaded into their folder) are left out; returns the paths left out for size.
    """
    support_root = Path(support_root).resolve()
    skipped = {Path(p).resolve() for p in skip}
    submitted_set = set(submitted)
    too_large = []
    for folder, dirs, files in os.walk(support_root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not is_junk(d, hidden=True)
                         and (here / d).resolve() not in skipped)
        for name in sorted(files):
            source = here / name
            relative = source.relative_to(support_root).as_posix()
            if relative in submitted_set or is_junk(relative, hidden=True) or source.is_symlink():
                continue
            if source.stat().st_size > max_mb << 20:
                too_large.append(relative)
                continue
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            os.chmod(target, 0o644)
    return too_large
