"""Stand-ins, in the worker, for modules a student's environment has but the worker does not.

A student's files may import what their own machine has and the grade never uses: an
editor's automatic ``from matplotlib.pyplot import imshow``, or the Python 2 support
imports of older kits (``from future import standard_library``, ``from past.builtins
import xrange``, ``import six``). Such an import must not change a grade, so the worker
answers these names with small modules of its own:

- ``matplotlib`` (and any submodule): display only. Every attribute is a no-op that
  accepts anything and returns another no-op; nothing is ever drawn or shown.
- ``future``, ``past``, ``six``: what old kits use of them, with Python 3 meanings.

The finder goes first on ``sys.meta_path`` for these top-level names only, so the grade
is the same whether or not the real package happens to be installed next to the worker.
"""

from __future__ import annotations

import builtins
import functools
import importlib.abc
import importlib.machinery
import io
import pickle
import sys
from types import ModuleType
from typing import Any

DISPLAY_ONLY = ("matplotlib",)
OLD_KITS = ("future", "past", "six")


class _NoOp:
    """Accepts any call, attribute, item or context use, and does nothing."""

    def __init__(self, name: str = "") -> None:
        self._name = name

    def __call__(self, *args: Any, **kwargs: Any) -> _NoOp:
        return self

    def __getattr__(self, name: str) -> _NoOp:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _NoOp(f"{self._name}.{name}")

    def __getitem__(self, key: Any) -> _NoOp:
        return self

    def __setitem__(self, key: Any, value: Any) -> None:
        pass

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(())

    def __enter__(self) -> _NoOp:
        return self

    def __exit__(self, *exc: object) -> bool:
        return False

    def __repr__(self) -> str:
        return f"<stand-in {self._name} (the grader draws nothing)>"


class _DisplayModule(ModuleType):
    """A module whose every public attribute is a no-op."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        value = _NoOp(f"{self.__name__}.{name}")
        setattr(self, name, value)
        return value


def _display(module: ModuleType) -> None:
    module.__dict__.setdefault("__version__", "0.0+grader-stand-in")


def _future(module: ModuleType) -> None:
    pass


def _future_standard_library(module: ModuleType) -> None:
    module.install_aliases = lambda: None
    module.install_hooks = lambda: None
    module.remove_hooks = lambda: None
    module.hooks = _NoOp("future.standard_library.hooks")


def _future_utils(module: ModuleType) -> None:
    module.PY2, module.PY3 = False, True
    module.iteritems = lambda d, **kw: iter(d.items(**kw))
    module.itervalues = lambda d, **kw: iter(d.values(**kw))
    module.iterkeys = lambda d, **kw: iter(d.keys(**kw))
    module.string_types, module.text_type, module.binary_type = (str,), str, bytes
    module.integer_types = (int,)
    module.native_str = str
    module.with_metaclass = _with_metaclass


def _builtins_py2(module: ModuleType) -> None:
    """The Python 2 names old code takes from ``past.builtins`` or ``future.builtins``."""
    module.xrange = range
    module.range = range
    module.basestring = str
    module.unicode = str
    module.str = str
    module.bytes = bytes
    module.long = int
    module.int = int
    module.raw_input = builtins.input
    module.input = builtins.input
    module.reduce = functools.reduce
    module.unichr = chr
    module.object = object
    module.map, module.zip, module.filter = map, zip, filter
    module.dict, module.list, module.round = dict, list, round
    module.cmp = lambda a, b: (a > b) - (a < b)


def _six(module: ModuleType) -> None:
    _future_utils(module)
    module.class_types = (type,)
    module.StringIO, module.BytesIO = io.StringIO, io.BytesIO
    module.add_metaclass = _add_metaclass
    module.print_ = builtins.print
    module.b = lambda text: text.encode("latin-1")
    module.u = lambda text: text
    module.moves = _moves_module("six.moves")
    sys.modules["six.moves"] = module.moves


def _moves_module(name: str) -> ModuleType:
    moves = ModuleType(name)
    moves.range = moves.xrange = range
    moves.zip, moves.map, moves.filter = zip, map, filter
    moves.input = builtins.input
    moves.reduce = functools.reduce
    moves.cPickle = pickle
    moves.StringIO = io.StringIO
    moves.builtins = builtins
    return moves


def _with_metaclass(meta: type, *bases: type) -> type:
    return meta("NewBase", bases or (object,), {})


def _add_metaclass(meta: type):  # type: ignore[no-untyped-def]
    def wrap(cls: type) -> type:
        body = {k: v for k, v in vars(cls).items() if k not in ("__dict__", "__weakref__")}
        return meta(cls.__name__, cls.__bases__, body)
    return wrap


_FILLERS = {
    "future": _future,
    "future.standard_library": _future_standard_library,
    "future.utils": _future_utils,
    "future.builtins": _builtins_py2,
    "past": _future,
    "past.builtins": _builtins_py2,
    "six": _six,
}
_PACKAGES = {"future", "past", "six"}


class StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds the stand-in modules (see the module docstring)."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None):  # type: ignore[no-untyped-def]
        top = fullname.partition(".")[0]
        if top in DISPLAY_ONLY:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        if top in OLD_KITS and fullname in _FILLERS:
            return importlib.machinery.ModuleSpec(fullname, self,
                                                  is_package=fullname in _PACKAGES)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        if spec.name.partition(".")[0] in DISPLAY_ONLY:
            return _DisplayModule(spec.name)
        return ModuleType(spec.name)

    def exec_module(self, module: ModuleType) -> None:
        module.__grader_stand_in__ = True
        if module.__name__.partition(".")[0] in DISPLAY_ONLY:
            _display(module)
        else:
            _FILLERS[module.__name__](module)


def install() -> None:
    """Put the stand-ins' finder first on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, StandInFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, StandInFinder())
