"""Re-run released cells in the controller, with only the student's callables in the worker.

A notebook's printed numbers must come from what the student's code *returns*, never
from a process the student's code has prepared: student modules imported into a worker
can patch ``print``, ``sys.stdout``, numpy or the frames of the code that runs the cell.
So the released cells run here, in a namespace of the controller, against the released
copies of the package (``support_root``); in the modules the student submits, every
top-level function and class the released file defines is replaced by a proxy that
calls the student's version in the sandbox worker (:meth:`Sandbox.relayed`; the
package is set up by :mod:`.released`).

What crosses stays data. Arguments go over as values; what the call changed in them
comes back and is written into the caller's objects in place, as Python would have
done. numpy's (and torch's) global generator is kept in step with the worker's, so
draws inside student code advance the stream the cell sees. An object built by a
student class stays in the worker (:class:`RemoteObject`): its methods are called
there, and its data attributes read here are mirrored (sent back before each of its
method calls, refreshed after). Any other object a student call returns is
:class:`Opaque`: it can be handed back to student code but not looked into, so no
student object can decide what the trusted code prints. What a student call prints
itself is kept in the cell's output where the call printed it.
"""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import numpy as np

from gradekit.sandbox import relay as wire
from gradekit.sandbox.protocol import Remote

MIN_CALL_SECONDS = 0.2
OBJECT_TEXT = "<an object of your code>"
"""How an object kept in the worker prints here: never its type's name, which the
student's code chooses (a name can hold the numbers a cell should print)."""


class CellTimeUp(BaseException):
    """The cell's time ran out (in the released code, or before a student call).

    A BaseException, so the released cell's own ``except Exception`` cannot swallow it."""


class BrokenReply(Exception):
    """The worker's account of what a call changed is malformed (the student's doing)."""


# ---------------------------------------------------------------- crossing values
class Opaque:
    """An object a student call returned that is not data: it can be passed back to
    student code, never looked into here."""

    __slots__ = ("remote",)

    def __init__(self, remote: Remote) -> None:
        self.remote = remote

    def __getattr__(self, name: str) -> Any:
        raise TypeError(f"the grader cannot look into the {self.remote.type_name} object your "
                        f"code returned (reading .{name}); return arrays, numbers, tuples, "
                        "lists or dicts")

    def __repr__(self) -> str:
        return OBJECT_TEXT


class Lazy:
    """A large part of a student call's result, left in the worker until it is read here:
    any use but handing it back to the student's code fetches it (one round trip)."""

    __slots__ = ("remote", "_relay", "_value", "_read")

    def __init__(self, relay: Relay, remote: Remote) -> None:
        self.remote, self._relay, self._value, self._read = remote, relay, None, False

    def value(self) -> Any:
        if not self._read:
            self._value, self._read = self._relay.read(self.remote), True
        return self._value

    def __getattr__(self, name: str) -> Any:
        return getattr(self.value(), name)

    def __repr__(self) -> str:
        return repr(self.value())

    def __str__(self) -> str:
        return str(self.value())

    def __format__(self, spec: str) -> str:
        return format(self.value(), spec)


def _delegate(name: str) -> Callable[..., Any]:
    def method(self: Lazy, *args: Any) -> Any:
        return getattr(self.value(), name)(*args)
    method.__name__ = name
    return method


for _name in ("__getitem__", "__setitem__", "__delitem__", "__iter__", "__len__",
              "__contains__", "__bool__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__",
              "__ge__", "__hash__", "__reversed__", "__add__", "__radd__", "__mul__",
              "__rmul__"):
    setattr(Lazy, _name, _delegate(_name))


def _outgoing(value: Any) -> Any:
    """A value for a student call: proxies as their handles, tensors and dtypes marked."""
    def convert(node: Any) -> Any:
        if isinstance(node, (RemoteObject, Opaque)):
            return node.remote
        if isinstance(node, Lazy):
            return node.remote if not node._read else _outgoing(node._value)
        if isinstance(node, _Member):
            raise TypeError("the grader cannot pass a method of your object to your code")
        return wire.wire_node(node)
    return wire.transform(value, convert)


def _incoming(value: Any, relay: Relay) -> Any:
    """A value from the worker: objects that are not data as :class:`Opaque`, large
    parts left there as :class:`Lazy`, tensors and dtypes rebuilt."""
    def convert(node: Any) -> Any:
        if isinstance(node, Remote):
            return Opaque(node)
        if type(node) is dict and len(node) == 1 and isinstance(node.get(wire.LAZY), Remote):
            return Lazy(relay, node[wire.LAZY])
        return wire.unwire_node(node)
    return wire.transform(value, convert)


def refresh(local: Any, new: Any) -> Any:
    """``new`` written into ``local`` where it can be (same-shaped arrays and tensors,
    dicts, lists), so that every name holding ``local`` sees it; returns what to keep."""
    if type(local) is np.ndarray and type(new) is np.ndarray and local.shape == new.shape \
            and local.dtype == new.dtype and local.flags.writeable:
        np.copyto(local, new)
        return local
    if type(local) is dict and type(new) is dict:
        for key in [key for key in local if key not in new]:
            del local[key]
        for key, value in new.items():
            local[key] = refresh(local[key], value) if key in local else value
        return local
    if type(local) is list and type(new) is list:
        local[:] = [refresh(local[i], v) if i < len(local) else v for i, v in enumerate(new)]
        return local
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(local, torch.Tensor) and isinstance(new, torch.Tensor) \
            and local.shape == new.shape and local.dtype == new.dtype:
        with torch.no_grad():
            local.copy_(new)
        return local
    return new


# ---------------------------------------------------------------- the relay
class Relay:
    """Sends the student's calls to the worker and keeps the shared state in step.

    ``output`` collects what the student's calls print; ``clock`` returns the seconds
    left for the current cell and for the whole re-run."""

    def __init__(self, sandbox: Any, clock: Callable[[], tuple[float, float]],
                 output: Callable[[str], Any]) -> None:
        self.sandbox = sandbox
        self.clock = clock
        self.output = output
        self.numpy_known = b""  # the mark (relay.numpy_mark) of the state the worker has
        self.torch_known: Any = None
        self.calling = False  # inside a call to the worker: the alarm waits for it
        self.rang = False

    def call(self, target: Any, args: tuple[Any, ...], kwargs: dict[str, Any],
             owner: RemoteObject | None = None, construct: bool = False) -> Any:
        left = min(self.clock())
        if left < MIN_CALL_SECONDS or self.rang:
            raise CellTimeUp
        sync = self._generators()
        if owner is not None:
            sync["push"], sync["pull"] = owner._pushes(), list(owner._mirrors)
        self.calling = True
        try:
            result, changes = self.sandbox.relayed(
                target, [_outgoing(a) for a in args],
                {k: _outgoing(v) for k, v in kwargs.items()}, sync, timeout=round(left, 1))
        finally:
            self.calling = False
        if self.rang:
            raise CellTimeUp
        if result.stdout:
            self.output(result.stdout)
        self._apply(changes, args, kwargs, owner)
        value = result.value
        if construct and isinstance(value, Remote):
            return RemoteObject(self, value)
        return _incoming(value, self)

    def attribute(self, owner: RemoteObject, name: str) -> Any:
        """The attribute as data (dtypes and tensors too), or a Remote when it is not."""
        value = self._eager("builtins.getattr", [owner.remote, name])
        return value if isinstance(value, Remote) else _incoming(value, self)

    def read(self, remote: Remote) -> Any:
        """A lazy part of a result, fetched."""
        return _incoming(self._eager("gradekit.sandbox.relay.identity", [remote]), self)

    def _eager(self, target: str, args: list[Any]) -> Any:
        result, _ = self.sandbox.relayed(target, args, {}, {"eager": True},
                                         timeout=round(max(min(self.clock()), 1.0), 1))
        return result.value

    def set_attribute(self, owner: RemoteObject, name: str, value: Any) -> None:
        """Set it in the worker as :meth:`attribute` reads it (tensors and dtypes rebuilt)."""
        self._eager("builtins.setattr", [owner.remote, name, _outgoing(value)])

    def _generators(self) -> dict[str, Any]:
        sync: dict[str, Any] = {}
        mark = wire.numpy_mark()
        if mark != self.numpy_known or not mark:
            sync["numpy"] = np.random.get_state()
            self.numpy_known = mark
        torch = sys.modules.get("torch")
        if torch is not None:
            now = torch.get_rng_state().numpy().copy()
            if self.torch_known is None or not np.array_equal(now, self.torch_known):
                sync["torch"] = now
                self.torch_known = now
        return sync

    def _apply(self, changes: Any, args: tuple[Any, ...], kwargs: dict[str, Any],
               owner: RemoteObject | None) -> None:
        if type(changes) is not dict:
            raise BrokenReply("the worker's report of the call is malformed")
        if "numpy" in changes:
            try:
                np.random.set_state(changes["numpy"])
            except (TypeError, ValueError) as error:
                raise BrokenReply(f"the worker sent a broken generator state ({error})") from None
            self.numpy_known = wire.numpy_mark()
        torch = sys.modules.get("torch")
        if torch is not None and type(changes.get("torch")) is np.ndarray:
            try:
                torch.set_rng_state(torch.from_numpy(changes["torch"].astype(np.uint8)))
            except (RuntimeError, TypeError, ValueError) as error:
                raise BrokenReply(f"the worker sent a broken generator state ({error})") from None
            self.torch_known = changes["torch"]
        changed_args, changed_kwargs = changes.get("args", {}), changes.get("kwargs", {})
        if type(changed_args) is not dict or type(changed_kwargs) is not dict:
            raise BrokenReply("the worker's report of changed arguments is malformed")
        for key, value in changed_args.items():
            if isinstance(key, str) and key.isdigit() and int(key) < len(args):
                refresh(args[int(key)], _incoming(value, self))
        for key, value in changed_kwargs.items():
            if key in kwargs:
                refresh(kwargs[key], _incoming(value, self))
        if owner is not None:
            attrs = changes.get("attrs", {})
            if type(attrs) is not dict:
                raise BrokenReply("the worker's report of changed attributes is malformed")
            owner._pulled(attrs)


# ---------------------------------------------------------------- proxies
class RemoteObject:
    """An object a student class built, kept in the worker; its data attributes are
    mirrored here, its methods run there."""

    def __init__(self, relay: Relay, remote: Remote) -> None:
        object.__setattr__(self, "_relay", relay)
        object.__setattr__(self, "remote", remote)
        object.__setattr__(self, "_mirrors", {})
        object.__setattr__(self, "_marks", {})
        object.__setattr__(self, "_members", {})

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        if name in self._mirrors:
            return self._mirrors[name]
        if name in self._members:
            return self._members[name]
        value = self._relay.attribute(self, name)
        if isinstance(value, Remote):
            self._members[name] = _Member(self, name)
            return self._members[name]
        self._mirrors[name] = value
        self._marks[name] = wire.fingerprint(value)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        self._relay.set_attribute(self, name, value)
        self._members.pop(name, None)
        self._mirrors[name] = value
        self._marks[name] = wire.fingerprint(value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._relay.call((self.remote, "__call__"), args, kwargs, owner=self)

    def __repr__(self) -> str:
        return OBJECT_TEXT

    def _pushes(self) -> dict[str, Any]:
        """The mirrored attributes changed here since the worker last had them."""
        pushes = {}
        for name, value in self._mirrors.items():
            mark = wire.fingerprint(value)
            if mark != self._marks[name]:
                pushes[name] = _outgoing(value)
                self._marks[name] = mark  # what the worker will have
        return pushes

    def _pulled(self, attrs: dict[str, Any]) -> None:
        """The attributes the call changed in the worker, written into the mirrors."""
        for name, value in attrs.items():
            if name in self._mirrors:
                self._mirrors[name] = refresh(self._mirrors[name], _incoming(value, self._relay))
                self._marks[name] = wire.fingerprint(self._mirrors[name])


class _Member:
    """A method (or other callable member) of a :class:`RemoteObject`."""

    def __init__(self, owner: RemoteObject, name: str) -> None:
        self.owner, self.name = owner, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.owner._relay.call((self.owner.remote, self.name), args, kwargs,
                                      owner=self.owner)

    def __getattr__(self, name: str) -> Any:
        raise TypeError(f"the grader cannot look into {self.name} of your object "
                        f"(reading .{self.name}.{name})")


def function_proxy(relay: Relay, target: str, name: str) -> Callable[..., Any]:
    def student_function(*args: Any, **kwargs: Any) -> Any:
        return relay.call(target, args, kwargs)

    student_function.__name__ = student_function.__qualname__ = name
    return student_function


class ClassProxy:
    """A student class: calling it builds the object in the worker."""

    def __init__(self, relay: Relay, target: str, name: str) -> None:
        self.relay, self.target, self.__name__ = relay, target, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.relay.call(self.target, args, kwargs, construct=True)

    def __repr__(self) -> str:
        return f"<your class {self.__name__}>"


@contextmanager
def alarm(relay: Relay, seconds: float) -> Iterator[None]:
    """Stop the released code running in this block after ``seconds`` (raising
    :class:`CellTimeUp`), but never inside a call to the worker, which its own timeout
    bounds. Only in the main thread (signals go there); elsewhere only student calls are
    bounded."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def ring(_signal: int, _frame: Any) -> None:
        relay.rang = True
        if not relay.calling:
            raise CellTimeUp

    relay.rang = False
    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        relay.rang = False
