"""torch's compiler, imported only when something compiles.

Eager torch code imports ``torch._dynamo`` (0.9 s of CPU, as much as torch itself) for
two calls that do nothing outside compilation: every optimizer's ``step`` calls
``torch._dynamo.graph_break()``, and the optimizer methods torch wraps in
``torch._disable_dynamo`` (``add_param_group``, ``zero_grad``, ...) ask
``torch._dynamo.disable`` for a wrapper that turns the compiler off while they run.

:func:`install` puts a stand-in at ``torch._dynamo`` that answers those two itself and
imports the real module the moment anything else is asked of it (``torch.compile``, any
other name, a submodule). What it answered stays right afterwards: a wrapper from its
``disable`` hands over to the real ``disable`` once the real module is loaded, and
``graph_break`` is looked up afresh at each ``step``. Nothing can be compiling before the
real module is loaded, so until then a graph break and a disabled compiler are no-ops:
results are the same, bit for bit.
"""

from __future__ import annotations

import functools
import importlib
import importlib.abc
import importlib.machinery
import sys
import types
from typing import Any, Callable

NAME = "torch._dynamo"


def _real() -> types.ModuleType | None:
    """The real ``torch._dynamo`` if it is loaded, else None."""
    module = sys.modules.get(NAME)
    return None if module is None or isinstance(module, DeferredDynamo) else module


class DeferredDynamo(types.ModuleType):
    """``torch._dynamo`` until something needs more than its two eager no-ops."""

    def __getattr__(self, name: str) -> Any:
        return getattr(load_real(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        # A submodule imported through the stand-in is set on the package it belongs to.
        real = _real()
        if real is None:
            super().__setattr__(name, value)
        else:
            setattr(real, name, value)

    @staticmethod
    def graph_break(msg: str = "") -> None:
        """A graph break: nothing to break while nothing compiles."""
        real = _real()
        if real is not None:
            real.graph_break(msg)

    @staticmethod
    def disable(fn: Callable[..., Any] | None = None, recursive: bool = True,
                **options: Any) -> Any:
        """``fn`` with the compiler off: ``fn`` itself while no compiler is loaded."""
        if fn is None:
            return lambda inner: DeferredDynamo.disable(inner, recursive, **options)
        handed_over: Callable[..., Any] | None = None

        def run(*args: Any, **kwargs: Any) -> Any:
            nonlocal handed_over
            if handed_over is None:
                real = _real()
                if real is None:
                    return fn(*args, **kwargs)
                handed_over = real.disable(fn, recursive, **options)
            return handed_over(*args, **kwargs)

        if options.get("wrapping", True):  # as the real one names what it wraps
            functools.update_wrapper(run, fn)
        return run


class _Loaded(importlib.abc.Loader):
    """Gives the import system a submodule the real package's import already loaded.

    Asking the stand-in for ``__path__`` (the first thing an import of
    ``torch._dynamo.config`` does) imports the real package, which may import that very
    submodule; the import system would then run its file a second time. This loader
    hands it the module already there instead, and puts its own spec back."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module = module
        self.spec = getattr(module, "__spec__", None)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return self.module

    def exec_module(self, module: types.ModuleType) -> None:
        module.__dict__["__spec__"] = self.spec  # (torch's config modules refuse setattr)


class _AlreadyLoaded(importlib.abc.MetaPathFinder):
    """Finds a ``torch._dynamo`` submodule that is loaded by the time it is looked for."""

    def find_spec(self, fullname: str, path: Any = None,
                  target: Any = None) -> importlib.machinery.ModuleSpec | None:
        module = sys.modules.get(fullname)
        if module is None or target is not None or not fullname.startswith(NAME + "."):
            return None  # (a reload passes its module as target: it is left alone)
        return importlib.machinery.ModuleSpec(fullname, _Loaded(module))


def load_real() -> types.ModuleType:
    """The real ``torch._dynamo``, imported now if the stand-in is still in place."""
    current = sys.modules.get(NAME)
    if isinstance(current, DeferredDynamo):
        del sys.modules[NAME]
        torch = sys.modules["torch"]
        if torch.__dict__.get("_dynamo") is current:
            del torch._dynamo
        try:
            return importlib.import_module(NAME)
        except BaseException:
            if NAME not in sys.modules:
                sys.modules[NAME] = torch._dynamo = current
            raise
    return importlib.import_module(NAME)


def install() -> bool:
    """Put the stand-in in place if torch is loaded and its compiler is not; whether it did."""
    torch = sys.modules.get("torch")
    if torch is None or NAME in sys.modules:
        return False
    stand_in = DeferredDynamo(NAME, "torch._dynamo, imported when first needed")
    sys.meta_path.insert(0, _AlreadyLoaded())
    sys.modules[NAME] = stand_in
    torch._dynamo = stand_in
    return True
