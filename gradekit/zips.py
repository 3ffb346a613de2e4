"""File trees in memory, written to folders or to reproducible zips; zips from outside.

A :data:`Tree` maps a relative POSIX path to a :class:`File`. Reading skips caches and
editor junk; every file is written whole or not at all (:func:`atomic_file`); writing a
zip fixes everything that could vary between two runs: entry
order (sorted), timestamps (``SOURCE_DATE_EPOCH`` or 1980-01-01), permissions (0644, or
0755 for executables), compression level and the creating system.

Zips made elsewhere (a hand-in, a class's export) are opened with :func:`open_zip` and
each entry is named by :func:`entry_name` and judged by :func:`entry_problem`, the one
rule every flow that unpacks such a zip follows.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import stat
import struct
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterator

JUNK_NAMES = frozenset({
    "__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".mypy_cache",  # caches
    ".DS_Store", "__MACOSX", "Thumbs.db", "desktop.ini",  # left by macOS and Windows
    ".git", ".hg", ".svn",  # version control
})
"""Names of files and folders that are junk wherever they appear in a path."""
JUNK_SUFFIXES = (".pyc", ".pyo", "~", ".swp", ".swo")
"""Endings of junk files: compiled Python, editor backups and swap files."""
_DOS_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can hold
MAX_ENTRIES = 20_000
"""At most this many entries of a zip or folder from outside are looked at."""
UNSAFE_PATH = "has an unsafe path"


@dataclass(frozen=True)
class File:
    """A file's bytes and whether it is executable."""

    data: bytes
    executable: bool = False


Tree = dict[str, File]


def is_junk(relative: str | PurePosixPath, hidden: bool = False) -> bool:
    """Whether a relative path is, or lies in, a cache, system or editor leftover that is
    never shipped nor graded. ``hidden=True`` (a hand-in, a class folder): every hidden
    file or folder (``.name``) is junk too."""
    parts = PurePosixPath(relative).parts
    return any(part in JUNK_NAMES or (hidden and part.startswith(".") and part != "..")
               for part in parts) or str(relative).endswith(JUNK_SUFFIXES)


def read_file(path: Path) -> File:
    return File(path.read_bytes(), bool(path.stat().st_mode & stat.S_IXUSR))


def read_tree(folder: Path, suffixes: tuple[str, ...] = ()) -> Tree:
    """Every regular file under ``folder`` (optionally only those ending in ``suffixes``)."""
    tree: Tree = {}
    for directory, subdirs, names in os.walk(folder):
        subdirs[:] = [name for name in subdirs if name not in JUNK_NAMES]
        for name in names:
            path = Path(directory, name)
            relative = path.relative_to(folder).as_posix()
            if path.is_file() and not is_junk(relative) and relative.endswith(suffixes or ""):
                tree[relative] = read_file(path)
    return tree


def under(prefix: str, tree: Tree) -> Tree:
    """The same files, placed under the folder ``prefix``."""
    return {f"{prefix}/{relative}": file for relative, file in tree.items()}


def zip_date_time() -> tuple[int, int, int, int, int, int]:
    """The timestamp every entry gets: ``SOURCE_DATE_EPOCH`` if set, else 1980-01-01."""
    epoch = max(int(os.environ.get("SOURCE_DATE_EPOCH", _DOS_EPOCH)), _DOS_EPOCH)
    return time.gmtime(epoch)[:6]


@contextlib.contextmanager
def atomic_file(path: Path, mode: int = 0o644) -> Iterator[BinaryIO]:
    """A binary file to write ``path`` through, whole or not at all: a temporary file in
    the same folder, flushed to disk, then renamed over ``path`` (with ``mode``); removed,
    leaving ``path`` as it was, when the block fails."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".partial",
                                     dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: str | bytes, mode: int = 0o644) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` whole or not at all (:func:`atomic_file`)."""
    with atomic_file(path, mode) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)


def write_zip(path: Path, tree: Tree) -> None:
    """Write ``tree`` to the zip ``path`` reproducibly (replacing it atomically)."""
    date_time = zip_date_time()
    with atomic_file(path) as handle, zipfile.ZipFile(
            handle, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for relative in sorted(tree):
            file = tree[relative]
            info = zipfile.ZipInfo(relative, date_time)
            info.create_system = 3  # Unix, so that the permission bits below count
            info.external_attr = (0o100755 if file.executable else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, file.data, compresslevel=6)


def write_folder(tree: Tree, folder: Path) -> None:
    """Make ``folder`` hold exactly ``tree`` (built beside it, then swapped in)."""
    fresh = folder.with_name(f".{folder.name}.new")
    shutil.rmtree(fresh, ignore_errors=True)
    for relative, file in tree.items():
        target = fresh / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file.data)
        target.chmod(0o755 if file.executable else 0o644)
    fresh.mkdir(parents=True, exist_ok=True)
    if folder.exists():
        shutil.rmtree(folder)
    fresh.rename(folder)


def differences(tree: Tree, folder: Path) -> list[str]:
    """Relative paths where ``folder`` differs from ``tree`` (content or executable bit)."""
    on_disk = read_tree(folder) if folder.is_dir() else {}
    return sorted(
        relative
        for relative in set(tree) | set(on_disk)
        if tree.get(relative) != on_disk.get(relative)
    )


# ---------------------------------------------------------------- zips from outside


def open_zip(path: Path, max_bytes: int = 128 << 20) -> zipfile.ZipFile:
    """Open a zip made elsewhere. One whose entries claim UTF-8 names that are not UTF-8
    (zipfile refuses it) is read into memory, at most ``max_bytes``, with those names read
    as the historical code page instead. Raises :class:`zipfile.BadZipFile` (or OSError)."""
    try:
        return zipfile.ZipFile(path)
    except UnicodeDecodeError as error:
        if Path(path).stat().st_size > max_bytes:
            raise zipfile.BadZipFile(f"a name is not UTF-8 ({error.reason})") from None
        try:
            return zipfile.ZipFile(io.BytesIO(_without_false_utf8(Path(path).read_bytes())))
        except (ValueError, UnicodeDecodeError, struct.error) as inner:
            raise zipfile.BadZipFile(str(inner)) from None


_UTF8_FLAG = 0x800


def _without_false_utf8(data: bytes) -> bytes:
    """Clear the UTF-8 flag of every entry (central and local header) whose name is not
    UTF-8. Raises ValueError when the central directory cannot be walked."""
    data = bytearray(data)
    end = data.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(data):
        raise ValueError("no end of central directory")
    count, _, start = struct.unpack_from("<HII", data, end + 10)
    position = start
    for _ in range(count):
        if data[position:position + 4] != b"PK\x01\x02":
            raise ValueError("broken central directory")
        flags = struct.unpack_from("<H", data, position + 8)[0]
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data,
                                                                       position + 28)
        local = struct.unpack_from("<I", data, position + 42)[0]
        name = bytes(data[position + 46:position + 46 + name_length])
        if flags & _UTF8_FLAG:
            try:
                name.decode("utf-8")
            except UnicodeDecodeError:
                struct.pack_into("<H", data, position + 8, flags & ~_UTF8_FLAG)
                if data[local:local + 4] == b"PK\x03\x04":
                    local_flags = struct.unpack_from("<H", data, local + 6)[0]
                    struct.pack_into("<H", data, local + 6, local_flags & ~_UTF8_FLAG)
        position += 46 + name_length + extra_length + comment_length
    return bytes(data)


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name with ``/`` between folders (old Windows tools write ``\\``)."""
    return info.filename.replace("\\", "/")


def unsafe_path(name: str) -> bool:
    """Whether an entry named ``name`` (after :func:`entry_name`) could land outside the
    folder it is unpacked into: absolute, a ``..`` part, a drive or stream (``:``), a NUL."""
    return name.startswith("/") or any(
        part == ".." or ":" in part or "\0" in part for part in name.split("/"))


def entry_problem(info: zipfile.ZipInfo, file_mb: int | None = None) -> str:
    """Why the zip entry ``info`` may not be unpacked, '' when it may: an unsafe path,
    a link, a device or anything else that is not a regular file or folder, encryption,
    or (``file_mb`` given) a stated size over ``file_mb`` MB. Sizes are stated by the zip:
    whoever unpacks still caps what it reads."""
    if unsafe_path(entry_name(info)):
        return UNSAFE_PATH
    kind = stat.S_IFMT(info.external_attr >> 16)
    if stat.S_ISLNK(kind):
        return "is a symbolic link"
    if kind and not stat.S_ISREG(kind) and not (stat.S_ISDIR(kind) and info.is_dir()):
        return "is not a regular file"
    if info.flag_bits & 0x1:
        return "is encrypted"
    if file_mb is not None and info.file_size > file_mb << 20:
        return f"is larger than {file_mb} MB"
    return ""

