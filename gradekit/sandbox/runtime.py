"""A read-only copy of what a worker needs to run, outside any checkout.

The worker boots from this folder, never from the grader's own files: it holds the
worker's side of the engine (``gradekit/__init__.py`` and the ``sandbox`` modules the
worker imports) and the packages it preloads (numpy, with the shared libraries its wheel
ships). Files are hard links where the file system allows, else copies; the folder is
built once per content and reused, owned by the grader and readable by all.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent
LAYOUT = 2
"""Bumped when what a runtime folder holds changes (a new folder is then built)."""
WORKER_MODULES = ("__init__.py", "sandbox/__init__.py", "sandbox/protocol.py",
                  "sandbox/worker.py", "sandbox/allocator.py",
                  "sandbox/standins.py", "sandbox/seeding.py")


@dataclass(frozen=True)
class Runtime:
    """Where the worker's engine and libraries are."""

    root: Path

    @property
    def engine(self) -> Path:
        return self.root / "engine" / "gradekit"

    @property
    def lib(self) -> Path:
        return self.root / "lib"


def package_folders(names: tuple[str, ...]) -> list[Path]:
    """The installed folders of packages ``names`` and their bundled-library folders (a
    single-file module: its file)."""
    folders: list[Path] = []
    for name in names:
        module = importlib.import_module(name)
        path = Path(module.__file__ or "").resolve()
        if path.name != "__init__.py":
            folders.append(path)
            continue
        folder = path.parent
        folders.append(folder)
        libs = folder.parent / f"{folder.name}.libs"
        if libs.is_dir():
            folders.append(libs)
    return folders


def installed(names: tuple[str, ...]) -> tuple[str, ...]:
    """Those of ``names`` this Python can import (found without importing them)."""
    return tuple(name for name in names if importlib.util.find_spec(name) is not None)


def build_runtime(parent: Path, preload: tuple[str, ...],
                  packages: tuple[str, ...] = ()) -> Runtime:
    """The runtime folder for ``preload`` and ``packages`` (also available, not imported)
    under ``parent``, built when missing; packages this Python lacks are left out."""
    names = tuple(dict.fromkeys(preload + installed(packages)))
    folders = package_folders(names)
    key = hashlib.sha256(f"layout {LAYOUT}\0".encode())
    for relative in WORKER_MODULES:
        key.update(relative.encode() + b"\0" + (ENGINE / relative).read_bytes())
    for folder in folders:
        stat = folder.stat()
        key.update(f"{folder}\0{stat.st_mtime_ns}\0{stat.st_ino}".encode())
    root = parent / f"runtime-{key.hexdigest()[:16]}"
    if (root / "complete").is_file():
        return Runtime(root)
    building = Path(tempfile.mkdtemp(prefix=".runtime-", dir=parent))
    try:
        for relative in WORKER_MODULES:
            target = building / "engine" / "gradekit" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ENGINE / relative, target)
        for folder in folders:
            if folder.is_file():
                (building / "lib").mkdir(parents=True, exist_ok=True)
                _link_or_copy(str(folder), str(building / "lib" / folder.name))
                continue
            shutil.copytree(folder, building / "lib" / folder.name, copy_function=_link_or_copy,
                            ignore=_left_out)
        (building / "complete").write_text("")
        _open_to_all(building)
        try:
            os.rename(building, root)
        except OSError:
            if not (root / "complete").is_file():  # another grade built it meanwhile
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    _prune(parent, keep=root)
    return Runtime(root)


def _prune(parent: Path, keep: Path, age: float = 3600.0) -> None:
    """Remove runtime folders of other versions unused for ``age`` seconds (no grade lasts
    that long, so none is in use)."""
    now = time.time()
    for folder in parent.glob("runtime-*"):
        try:
            if folder != keep and now - folder.stat().st_mtime > age:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _left_out(folder: str, names: list[str]) -> set[str]:
    """Caches, and the test modules of a package's test folders; the helpers there stay
    (``numpy.testing`` imports ``numpy._core.tests._natype``)."""
    left = {name for name in names if name == "__pycache__"}
    if os.path.basename(folder) == "tests":
        left |= {name for name in names if name.startswith("test_") and name.endswith(".py")}
    return left


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _open_to_all(root: Path) -> None:
    os.chmod(root, 0o755)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            os.chmod(os.path.join(folder, name), 0o755)
        for name in files:
            path = os.path.join(folder, name)
            if os.stat(path).st_nlink == 1:  # a hard link keeps its original's mode
                os.chmod(path, 0o644)
