"""The worker's side of a relayed call: one student callable run for trusted code elsewhere.

The controller re-runs a notebook's released cells in a process the student's code never
touched (:mod:`gradekit.grading.notebook.trusted`) and sends each call of a student
function or method here. Around the call this module

- puts numpy's global generator (and torch's, when loaded) in the state the trusted side
  has, and reports the state the call left;
- sets the attributes of the object whose method is called to the trusted side's copies,
  and reports those the call changed;
- reports the arguments the call changed in place.

Torch tensors cross as marked dicts of numpy arrays (:data:`TENSOR`). Nothing here is
trusted by the controller: what comes back decides only what the student's call
returned and changed, never what the trusted side prints.
"""

from __future__ import annotations

import ctypes
import hashlib
import sys
from typing import Any

import numpy as np

TENSOR = "__gradekit_tensor__"
"""The key of the dict a torch tensor crosses as: ``{TENSOR: array, "grad": bool}``."""
LAZY = "__gradekit_lazy__"
"""The key of the dict a large part of a result crosses as, ``{LAZY: <kept object>}``:
it stays in the worker until the controller reads it (see :func:`lazy`)."""
LAZY_LEAVES = 4
"""A container inside a result with more arrays than this stays in the worker until read
(a forward pass's cache, a dict of gradients the caller may never look at). Batch
normalization's caches hold 5 to 10 arrays: a numerical gradient check of its forward pass
(dozens of calls, only ``out`` read) then sends none of them; an affine layer's (x, w, b)
still crosses whole."""
DTYPE = "__gradekit_dtype__"
"""The key of the dict a numpy or torch dtype crosses as: ``{DTYPE: "float64", "of": "numpy"
| "numpy type" | "torch"}`` (``dtype=np.float64`` is a common argument)."""
MAX_DEPTH = 32


DESCEND = object()
"""What a :func:`transform` conversion returns to have a container rebuilt from its items."""


def transform(value: Any, convert: Any, depth: int = 0) -> Any:
    """``value`` converted top-down: ``convert(node)`` gives a node's replacement, or
    :data:`DESCEND` for a list, tuple or dict to be rebuilt from its converted items."""
    if depth > MAX_DEPTH:
        return value
    done = convert(value)
    if done is not DESCEND:
        return done
    kind = type(value)
    if kind is dict:
        return {key: transform(item, convert, depth + 1) for key, item in value.items()}
    items = [transform(item, convert, depth + 1) for item in value]
    return items if kind is list else tuple(items)


def to_wire(value: Any) -> Any:
    """``value`` with every torch tensor and dtype inside it as a marked dict."""
    return transform(value, wire_node)


def wire_node(value: Any) -> Any:
    """One node of :func:`to_wire` (:data:`DESCEND` for containers)."""
    if type(value) in (list, tuple, dict):
        return DESCEND
    if isinstance(value, np.dtype) and not value.hasobject and value.names is None:
        return {DTYPE: value.name, "of": "numpy"}
    if isinstance(value, type) and issubclass(value, np.generic) and value is not np.object_:
        return {DTYPE: np.dtype(value).name, "of": "numpy type"}
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor) and value.layout == torch.strided:
        array = value.detach().cpu().resolve_conj().resolve_neg().numpy().copy()
        return {TENSOR: array, "grad": bool(value.requires_grad)}
    if torch is not None and isinstance(value, torch.dtype):
        return {DTYPE: str(value).rpartition(".")[2], "of": "torch"}
    return value


def from_wire(value: Any) -> Any:
    """The reverse of :func:`to_wire` (a marked tensor needs torch loaded)."""
    return transform(value, unwire_node)


def unwire_node(value: Any) -> Any:
    """One node of :func:`from_wire` (:data:`DESCEND` for other containers)."""
    if type(value) is dict and DTYPE in value:
        return _dtype(value)
    if type(value) is dict and type(value.get(TENSOR)) is np.ndarray:
        torch = sys.modules.get("torch")
        if torch is not None:
            tensor = torch.from_numpy(value[TENSOR].copy())
            return tensor.requires_grad_(True) if value.get("grad") is True \
                and tensor.is_floating_point() else tensor
    return DESCEND if type(value) in (list, tuple, dict) else value


def _dtype(value: dict[str, Any]) -> Any:
    """The dtype a :data:`DTYPE` dict names (the dict itself when it names none)."""
    name, of = value.get(DTYPE), value.get("of")
    if not isinstance(name, str) or not name.isidentifier():
        return value
    if of == "torch":
        torch = sys.modules.get("torch")
        found = getattr(torch, name, None) if torch is not None else None
        return found if torch is not None and isinstance(found, torch.dtype) else value
    try:
        dtype = np.dtype(name)
    except TypeError:
        return value
    return dtype.type if of == "numpy type" else dtype


def lazy(value: Any, keep: Any, depth: int = 0) -> Any:
    """``value`` (already :func:`to_wire`) with every container below the top holding more
    than :data:`LAZY_LEAVES` arrays replaced by ``{LAZY: keep(container)}``."""
    kind = type(value)
    if kind not in (list, tuple, dict) or depth > MAX_DEPTH:
        return value
    if depth > 0 and _leaves(value, LAZY_LEAVES + 1) > LAZY_LEAVES:
        return {LAZY: keep(value)}
    if kind is dict:
        if TENSOR in value or DTYPE in value:
            return value
        return {key: lazy(item, keep, depth + 1) for key, item in value.items()}
    items = [lazy(item, keep, depth + 1) for item in value]
    return items if kind is list else tuple(items)


def _leaves(value: Any, enough: int) -> int:
    """How many arrays ``value`` holds, counted up to ``enough``."""
    if type(value) is np.ndarray:
        return 1
    if type(value) in (list, tuple, dict):
        count = 0
        for item in (value.values() if type(value) is dict else value):
            count += _leaves(item, enough - count)
            if count >= enough:
                break
        return count
    return 0


def identity(value: Any) -> Any:
    """The value itself: the controller reads a lazy part of a result with it."""
    return value


def fingerprint(value: Any) -> bytes:
    """A digest of ``value``'s data: structure, plain values and array bytes."""
    hasher = hashlib.blake2b(digest_size=16)
    _feed(hasher, value, 0)
    return hasher.digest()


def _feed(hasher: Any, value: Any, depth: int) -> None:
    kind = type(value)
    hasher.update(kind.__name__.encode())
    if depth > MAX_DEPTH:
        return
    if kind is np.ndarray:
        hasher.update(f"{value.dtype.str}{value.shape}".encode())
        if not value.dtype.hasobject:
            hasher.update(np.ascontiguousarray(value).tobytes())
    elif kind in (list, tuple):
        hasher.update(str(len(value)).encode())
        for item in value:
            _feed(hasher, item, depth + 1)
    elif kind is dict:
        hasher.update(str(len(value)).encode())
        for key, item in value.items():
            _feed(hasher, key, depth + 1)
            _feed(hasher, item, depth + 1)
    elif kind in (int, float, str, bool, complex, bytes) or value is None \
            or isinstance(value, np.generic):
        hasher.update(repr(value).encode())
    else:
        torch = sys.modules.get("torch")
        if torch is not None and isinstance(value, torch.Tensor):
            _feed(hasher, wire_node(value), depth + 1)
        else:
            hasher.update(str(id(value)).encode())


def numpy_mark() -> bytes:
    """The global generator's raw MT19937 state (key and position), read in a microsecond:
    a changed mark shows a draw, where ``np.random.get_state()`` takes ~80 us. (A normal
    served from the legacy cache of one leaves the mark as it is: such a call is missed.)"""
    try:
        generator = np.random.mtrand._rand._bit_generator
        return ctypes.string_at(generator.ctypes.state_address, 624 * 4 + 4)
    except (AttributeError, TypeError, ValueError):
        return b""


def _torch_state() -> Any:
    torch = sys.modules.get("torch")
    return None if torch is None else torch.get_rng_state().numpy().copy()


class Around:
    """What one relayed call needs before and reports after (``sync`` from the controller:
    ``numpy``/``torch`` generator states, ``push`` attributes to set on ``owner``, ``pull``
    attribute names to report)."""

    def __init__(self, sync: dict[str, Any], owner: Any, args: list[Any],
                 kwargs: dict[str, Any]) -> None:
        self.owner = owner
        self.eager = sync.get("eager") is True
        self.pull = [name for name in sync.get("pull", []) if isinstance(name, str)]
        if sync.get("numpy") is not None:
            np.random.set_state(tuple(sync["numpy"]))
        torch = sys.modules.get("torch")
        if torch is not None and type(sync.get("torch")) is np.ndarray:
            torch.set_rng_state(torch.from_numpy(sync["torch"].astype(np.uint8)))
        for name, value in (sync.get("push") or {}).items():
            setattr(owner, name, from_wire(value))
        self.numpy = numpy_mark()
        self.torch = _torch_state()
        self.args = [fingerprint(a) for a in args]
        self.kwargs = {k: fingerprint(v) for k, v in kwargs.items()}
        self.attrs = {name: fingerprint(getattr(owner, name, None)) for name in self.pull}

    def report(self, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
        """What the call changed: generator states, arguments, the owner's attributes."""
        changes: dict[str, Any] = {}
        if numpy_mark() != self.numpy or not self.numpy:
            changes["numpy"] = np.random.get_state()
        torch_state = _torch_state()
        if torch_state is not None and (self.torch is None
                                        or not np.array_equal(torch_state, self.torch)):
            changes["torch"] = torch_state
        changes["args"] = {str(i): to_wire(a) for i, a in enumerate(args)
                           if fingerprint(a) != self.args[i]}
        changes["kwargs"] = {k: to_wire(v) for k, v in kwargs.items()
                             if fingerprint(v) != self.kwargs.get(k)}
        changes["attrs"] = {}
        for name in self.pull:
            value = getattr(self.owner, name, None)
            if fingerprint(value) != self.attrs[name]:
                changes["attrs"][name] = to_wire(value)
        return changes
