"""The released package, imported in the controller with the student's callables proxied.

While a notebook's cells are re-run (:mod:`.rerun`), ``import`` of a package that holds
submitted files loads the released copies (``support_root``, trusted); in each submitted
module, every top-level function and class the released file defines is replaced by a
proxy that calls the student's version in the worker (:mod:`.trusted`). Modules of those
packages imported before are put back afterwards.
"""

from __future__ import annotations

import ast
import importlib.abc
import importlib.machinery
import sys
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterator

from gradekit.grading.notebook.trusted import ClassProxy, Relay, function_proxy


def module_name(path: str) -> str | None:
    """``"pkg/sub/mod.py"`` -> ``"pkg.sub.mod"`` (None for a file that is no module)."""
    if not path.endswith(".py"):
        return None
    parts = path[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) if parts and all(p.isidentifier() for p in parts) else None


def defined_names(source: str) -> list[tuple[str, bool]]:
    """``(name, is_class)`` of every top-level function and class ``source`` defines."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [(node.name, isinstance(node, ast.ClassDef)) for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]


class _Proxying(importlib.abc.Loader):
    """Loads a released module, then puts proxies in place of what it defines."""

    def __init__(self, loader: Any, replace: Callable[[ModuleType], None]) -> None:
        self.loader, self.replace = loader, replace

    def create_module(self, spec: Any) -> Any:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        self.replace(module)


class _Released(importlib.abc.MetaPathFinder):
    """Finds the modules of ``tops`` under ``root`` only (the released copies)."""

    def __init__(self, root: Path, tops: set[str],
                 proxied: dict[str, Callable[[ModuleType], None]]) -> None:
        self.root, self.tops, self.proxied = root, tops, proxied

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname.partition(".")[0] not in self.tops:
            return None
        search = [str(self.root)] if "." not in fullname else path
        spec = importlib.machinery.PathFinder.find_spec(fullname, search)
        if spec is not None and spec.loader is not None and fullname in self.proxied:
            spec.loader = _Proxying(spec.loader, self.proxied[fullname])
        return spec


@contextmanager
def released_package(root: Path, submitted: list[str], relay: Relay) -> Iterator[None]:
    """While active, ``import`` of the submitted files' packages loads the released
    copies under ``root``, with each top-level function and class of a submitted module
    replaced by a proxy to the student's (the modules imported before are put back after)."""
    modules = {name for name in (module_name(path) for path in submitted) if name}
    tops = {name.partition(".")[0] for name in modules}

    def replacer(name: str) -> Callable[[ModuleType], None]:
        def replace(module: ModuleType) -> None:
            origin = getattr(module, "__file__", None)
            source = Path(origin).read_text(encoding="utf-8") if origin else ""
            for defined, is_class in defined_names(source):
                target = f"{name}.{defined}"
                setattr(module, defined, ClassProxy(relay, target, defined) if is_class
                        else function_proxy(relay, target, defined))
        return replace

    finder = _Released(root, tops, {name: replacer(name) for name in modules})
    saved = {name: module for name, module in sys.modules.items()
             if name.partition(".")[0] in tops}
    for name in saved:
        del sys.modules[name]
    writes = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        sys.dont_write_bytecode = writes
        for name in [name for name in sys.modules if name.partition(".")[0] in tops]:
            del sys.modules[name]
        sys.modules.update(saved)
