"""A read-only copy of what a worker needs to run, outside any checkout.

The worker boots from this folder, never from the grader's own files: it holds the
worker's side of the engine (``gradekit/__init__.py`` and the ``sandbox`` modules the
worker imports) and the packages it preloads (numpy, with the shared libraries its wheel
ships; and those an assignment adds, with the packages they require). Files are hard
links where the file system allows, else copies; the folder is built once per content
and reused, owned by the grader and readable by all.
"""

from __future__ import annotations

import compileall
import functools
import hashlib
import importlib
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from gradekit.zips import write_atomically

ENGINE = Path(__file__).resolve().parent.parent
LAYOUT = 4
"""Bumped when what a runtime folder holds changes (a new folder is then built)."""
WORKER_MODULES = ("__init__.py", "sandbox/__init__.py", "sandbox/protocol.py",
                  "sandbox/worker.py", "sandbox/allocator.py",
                  "sandbox/standins.py", "sandbox/seeding.py", "sandbox/relay.py",
                  "sandbox/deferred_dynamo.py")


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


def package_folders(names: tuple[str, ...], cache: Path | None = None) -> list[Path]:
    """Where packages ``names`` (import names) are installed, with every package their
    distributions require (recursively, leaving out optional extras) and the folders of
    bundled libraries (``numpy.libs``): folders, or files for single-module packages.
    Found without importing anything; a required package that is not installed is left out.
    ``cache``, a folder of the grader's own, keeps the requirements read from the installed
    metadata until something is installed or removed (see :func:`_with_requirements`).
    """
    paths: list[Path] = []
    for name in _with_requirements(names, cache):
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin in ("built-in", "frozen"):
            continue
        if not spec.origin:  # a namespace package (CUDA torch's ``nvidia``): its folders
            found = [Path(p).resolve() for p in spec.submodule_search_locations or ()]
        else:
            origin = Path(spec.origin).resolve()
            found = [origin.parent if spec.submodule_search_locations else origin]
        for path in found:
            if path in paths:
                continue
            paths.append(path)
            libs = path.parent / f"{name}.libs"
            if libs.is_dir():
                paths.append(libs)
    return paths


def available(names: tuple[str, ...]) -> tuple[str, ...]:
    """Those of ``names`` (import names) installed here."""
    return tuple(name for name in names if importlib.util.find_spec(name) is not None)


def _normal(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


@functools.lru_cache(maxsize=16)
def _with_requirements(names: tuple[str, ...], cache: Path | None = None) -> tuple[str, ...]:
    """``names`` and the top-level import names of what their distributions require.

    Reading them costs a tenth to a quarter of a second (every installed distribution's
    metadata), so they are read once per process, and kept in ``cache`` under a name that
    changes when a distribution is installed, upgraded or removed (:func:`_installed_stamp`):
    one grade after another reads them once.
    """
    stored = cache / f"requirements-{_installed_stamp(names)}.json" if cache else None
    if stored is not None:
        try:
            found = json.loads(stored.read_text(encoding="utf-8"))
            if isinstance(found, list) and all(isinstance(name, str) for name in found):
                return tuple(found)
        except (OSError, ValueError):
            pass
    found = _read_requirements(names)
    if stored is not None:
        try:  # whole or not at all: grades in other slots may read it
            write_atomically(stored, json.dumps(found))
        except OSError:
            pass  # read again next time
    return found


def _installed_stamp(names: tuple[str, ...]) -> str:
    """A digest of ``names`` and of the ``sys.path`` folders that hold distributions
    (``*.dist-info``, ``*.egg-info``) with their modification times: installing or
    removing one there changes it. Other folders are left out: they add no requirement
    (and the current folder, first on the path of ``python -m``, changes whenever a file
    is written there)."""
    digest = hashlib.sha256("\0".join(names).encode())
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as found:
                holds = any(item.name.endswith((".dist-info", ".egg-info")) for item in found)
            if holds:  # whole seconds, as an image's layers keep them
                digest.update(f"\0{os.path.abspath(entry or '.')}"
                              f"\0{int(os.stat(entry or '.').st_mtime)}".encode())
        except OSError:
            continue
    return digest.hexdigest()[:20]


def _read_requirements(names: tuple[str, ...]) -> tuple[str, ...]:
    """:func:`_with_requirements`, read from the installed distributions' metadata."""
    by_module = importlib.metadata.packages_distributions()
    modules_of: dict[str, list[str]] = {}
    for module, distributions in by_module.items():
        for distribution in distributions:
            modules_of.setdefault(_normal(distribution), []).append(module)
    found = list(dict.fromkeys(names))
    queue = [_normal(d) for name in names for d in by_module.get(name, ())]
    seen: set[str] = set()
    while queue:
        distribution = queue.pop()
        if distribution in seen:
            continue
        seen.add(distribution)
        for module in sorted(modules_of.get(distribution, ())):
            if module not in found and module.isidentifier():
                found.append(module)
        try:
            requires = importlib.metadata.requires(distribution) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for requirement in requires:
            if "extra" in requirement.partition(";")[2]:
                continue
            match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
            if match:
                queue.append(_normal(match.group(1)))
    return tuple(found)


def build_runtime(parent: Path, preload: tuple[str, ...]) -> Runtime:
    """The runtime folder for ``preload`` under ``parent``, built when missing."""
    folders = package_folders(preload, cache=parent)
    key = hashlib.sha256(f"layout {LAYOUT}\0".encode())
    for relative in WORKER_MODULES:
        key.update(relative.encode() + b"\0" + (ENGINE / relative).read_bytes())
    for folder in folders:  # whole seconds, no inode numbers: an image's layers keep no more
        key.update(f"{folder}\0{int(folder.stat().st_mtime)}".encode())
    root = parent / f"runtime-{key.hexdigest()[:16]}"
    if (root / "complete").is_file():
        _touch(root)
        return Runtime(root)
    building = Path(tempfile.mkdtemp(prefix=".runtime-", dir=parent))
    try:
        for relative in WORKER_MODULES:
            target = building / "engine" / "gradekit" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ENGINE / relative, target)
        compileall.compile_dir(building / "engine", quiet=2)  # the worker cannot write it
        (building / "lib").mkdir(parents=True, exist_ok=True)
        for folder in folders:
            if folder.is_dir():  # dirs_exist_ok: the portions of a namespace package merge
                shutil.copytree(folder, building / "lib" / folder.name, dirs_exist_ok=True,
                                copy_function=_link_or_copy, ignore=_left_out)
            else:
                _link_or_copy(str(folder), str(building / "lib" / folder.name))
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


def _touch(root: Path) -> None:
    """Mark a runtime folder as used now (:func:`_prune` goes by that time)."""
    try:
        os.utime(root)
    except OSError:
        pass


def _prune(parent: Path, keep: Path, age: float = 3600.0) -> None:
    """Remove runtime folders of other versions unused for ``age`` seconds (every grade
    that takes one marks it used, and no grade lasts that long, so none is in use), and
    kept requirements and other kept files (:mod:`gradekit.grading.kept`) as old (of
    packages since installed or removed, of files since changed: a grade that still needs
    them derives them again)."""
    now = time.time()
    for path in [*parent.glob("runtime-*"), *parent.glob("requirements-*.json"),
                 *parent.glob("kept-*")]:
        try:
            if path != keep and now - path.stat().st_mtime > age:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink()
        except OSError:
            continue


def _left_out(folder: str, names: list[str]) -> set[str]:
    """The test modules of a package's test folders (the helpers there stay:
    ``numpy.testing`` imports ``numpy._core.tests._natype``) and, in ``__pycache__``
    folders, the bytecode of other interpreters. This interpreter's bytecode stays: the
    worker cannot write to the runtime, so without it every import compiles its module
    again, in every worker (importing torch that way costs twice the CPU). The files are
    the grader's own, written by pip or the grader, never by a worker (no worker can
    write to the packages or the runtime), and Python checks each against its source's
    size and time."""
    left: set[str] = set()
    if os.path.basename(folder) == "tests":
        left |= {name for name in names if name.startswith("test_") and name.endswith(".py")}
    if os.path.basename(folder) == "__pycache__":
        tag = f".{sys.implementation.cache_tag}."
        left |= {name for name in names if tag not in name}
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
