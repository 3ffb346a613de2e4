"""File trees in memory, written to folders or to reproducible zips.

A :data:`Tree` maps a relative POSIX path to a :class:`File`. Reading skips caches and
editor junk; writing a zip fixes everything that could vary between two runs: entry
order (sorted), timestamps (``SOURCE_DATE_EPOCH`` or 1980-01-01), permissions (0644, or
0755 for executables), compression level and the creating system.
"""

from __future__ import annotations

import os
import shutil
import stat
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

JUNK_NAMES = frozenset(
    {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".mypy_cache", ".DS_Store"}
)
JUNK_SUFFIXES = (".pyc", ".pyo")
_DOS_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can hold


@dataclass(frozen=True)
class File:
    """A file's bytes and whether it is executable."""

    data: bytes
    executable: bool = False


Tree = dict[str, File]


def is_junk(relative: str) -> bool:
    """Whether a relative path is a cache or editor leftover that is never shipped."""
    parts = relative.split("/")
    return any(part in JUNK_NAMES for part in parts) or relative.endswith(JUNK_SUFFIXES)


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


def write_zip(path: Path, tree: Tree) -> None:
    """Write ``tree`` to the zip ``path`` reproducibly (replacing it atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    date_time = zip_date_time()
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for relative in sorted(tree):
            file = tree[relative]
            info = zipfile.ZipInfo(relative, date_time)
            info.create_system = 3  # Unix, so that the permission bits below count
            info.external_attr = (0o100755 if file.executable else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, file.data, compresslevel=6)
    os.replace(partial, path)


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
