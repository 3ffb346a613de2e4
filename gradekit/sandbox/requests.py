"""Requests to the worker: the calls, attribute reads and writes the checks and the
notebook relay make (the base of :class:`~gradekit.sandbox.controller.Sandbox`).

Every reply is decoded as hostile input; a reply that breaks the protocol kills the worker.
A student function that timed out is remembered and never run again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, NoReturn

from gradekit.sandbox import protocol
from gradekit.sandbox.errors import BudgetExhausted, ProtocolViolation, StudentTimeout
from gradekit.sandbox.protocol import Remote


@dataclass
class CallResult:
    """What one call returned and did."""

    value: Any
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    stdout: str
    wall_seconds: float
    cpu_seconds: float | None = None


class WorkerRequests:
    """The request API of a sandbox. The class using it provides ``handles``,
    ``timed_out``, ``seed``, ``calls``, ``limits``, ``deadline``, ``budget``, ``_link``,
    ``wait_ready()`` and ``_kill()`` (see :class:`~gradekit.sandbox.controller.Sandbox`)."""

    # ------------------------------------------------------------------ API
    def call(self, target: str | Remote | tuple[Remote, str], *args: Any,
             timeout: float | None = None, keep: bool = False, measure_cpu: bool = False,
             echo: bool = True, **kwargs: Any) -> CallResult:
        """Call ``target`` (``"pkg.mod.func"``, a Remote, or ``(Remote, "method")``).

        ``echo=False``: the worker does not send the arguments back (``args`` and ``kwargs``
        of the result are empty), so a timed call pays nothing for encoding its arguments.
        """
        what = _describe_target(target)
        encoder = protocol.LenientEncoder(handle=self.handles.ident)
        # A timed call whose value stays in the worker also answers with a fingerprint of
        # it, checked by fetch(): the work cannot be put off until after the clock stops.
        fingerprint = bool(keep and measure_cpu)
        header = self._call_header(target, list(args), kwargs, encoder)
        header.update({"keep": bool(keep), "digest": fingerprint})
        if not echo:
            header["echo"] = False
        reply, decoder, stdout, wall, cpu = self._call(target, header, encoder, timeout,
                                                       measure_cpu, what)
        value, call_args, call_kwargs = self._decode(
            decoder, what, reply.get("value"), reply.get("args"), reply.get("kwargs"))
        if type(call_args) is not list or type(call_kwargs) is not dict:
            self._violation(what, "bad argument echo")
        if not echo:
            call_args, call_kwargs = [], {}
        if fingerprint:
            if type(reply.get("digest")) is not int or not isinstance(value, Remote):
                self._violation(what, "a timed call came back without its fingerprint")
            self.handles.remember(value, reply["digest"])
        return CallResult(value, tuple(call_args), call_kwargs, stdout, wall, cpu)

    def relayed(self, target: str | tuple[Remote, str] | Remote, args: list[Any],
                kwargs: dict[str, Any], sync: dict[str, Any], *,
                timeout: float | None = None) -> tuple[CallResult, Any]:
        """Call ``target`` for trusted code that runs here (:mod:`gradekit.sandbox.relay`):
        ``sync`` sets the worker's generators and the owner's attributes first. Returns the
        call's result and what the worker says the call changed (hostile data: check it)."""
        what = _describe_target(target)
        encoder = protocol.LenientEncoder(handle=self.handles.ident)
        header = self._call_header(target, args, kwargs, encoder)
        header.update({"relay": encoder.encode(sync), "echo": False})
        reply, decoder, stdout, wall, cpu = self._call(target, header, encoder, timeout,
                                                       False, what)
        value, changes = self._decode(decoder, what, reply.get("value"), reply.get("relay"))
        return CallResult(value, (), {}, stdout, wall, cpu), changes

    def getattr(self, remote: Remote, name: str, *, timeout: float | None = None,
                keep: bool = False) -> Any:
        """The attribute ``name`` of a remote object, as plain data or a Remote."""
        header = {"op": "getattr", "obj": self.handles.ident(remote), "name": str(name),
                  "keep": keep}
        return self._simple(header, protocol.Encoder(), timeout, f"reading .{name}")

    def setattr(self, remote: Remote, name: str, value: Any, *,
                timeout: float | None = None) -> None:
        """Set the attribute ``name`` of a remote object to ``value``."""
        encoder = protocol.LenientEncoder(handle=self.handles.ident)
        header = {"op": "setattr", "obj": self.handles.ident(remote), "name": str(name),
                  "value": encoder.encode(value)}
        self._simple(header, encoder, timeout, f"setting .{name}")

    def fetch(self, remote: Remote, *, timeout: float | None = None) -> Any:
        """The remote object itself, if it is plain data (else the same Remote back)."""
        header = {"op": "fetch", "obj": self.handles.ident(remote)}
        value = self._simple(header, protocol.Encoder(), timeout, "fetching a value")
        if not self.handles.check(remote, value):
            self._violation("fetching a timed result",
                            "the result changed after its timed call had answered")
        return value

    # ------------------------------------------------------------------ requests
    def _call_header(self, target: Any, args: list[Any], kwargs: dict[str, Any],
                     encoder: protocol.Encoder) -> dict[str, Any]:
        header = {"op": "call", "target": self._target(target), "keep": False,
                  "args": encoder.encode(args), "kwargs": encoder.encode(kwargs),
                  "seed": [self.seed, self.calls + 1]}
        if self.timed_out:
            header["timed_out"] = sorted(self.timed_out)
        return header

    def _call(self, target: Any, header: dict[str, Any], encoder: protocol.Encoder,
              timeout: float | None, measure_cpu: bool, what: str
              ) -> tuple[dict[str, Any], protocol.Decoder, str, float, float | None]:
        """A call request; a student function that timed out is remembered (and refused at
        once from then on)."""
        remembered = _remembered(target)
        if remembered in self.timed_out:
            raise StudentTimeout(what, self.timed_out[remembered], earlier=True)
        try:
            return self._request(header, encoder, timeout, measure_cpu, what)
        except StudentTimeout as error:
            if remembered:
                self.timed_out[remembered] = error.seconds
            raise

    def _simple(self, header: dict[str, Any], encoder: protocol.Encoder,
                timeout: float | None, what: str) -> Any:
        reply, decoder, _, _, _ = self._request(header, encoder, timeout, False, what)
        return self._decode(decoder, what, reply.get("value"))[0]

    def _decode(self, decoder: protocol.Decoder, what: str, *nodes: Any) -> list[Any]:
        """Decode reply values; anything malformed is the student's process's doing."""
        try:
            values = [decoder.decode(node) for node in nodes]
            decoder.finish()
        except protocol.ProtocolError as error:
            self._violation(what, str(error))
        return values

    def _target(self, target: Any) -> Any:
        if isinstance(target, str):
            if not all(part.isidentifier() for part in target.split(".")):
                raise ValueError(f"bad call target {target!r}")
            return target
        if isinstance(target, Remote):
            return {"remote": self.handles.ident(target)}
        if isinstance(target, tuple) and len(target) == 2 and isinstance(target[1], str):
            return {"remote": self.handles.ident(target[0]), "attr": target[1]}
        raise TypeError(f"bad call target {target!r}")

    def _request(self, header: dict[str, Any], encoder: protocol.Encoder,
                 timeout: float | None, measure_cpu: bool, what: str
                 ) -> tuple[dict[str, Any], protocol.Decoder, str, float, float | None]:
        timeout = timeout or self.limits.timeout
        if self._link is not None and self._link.stray_data():
            self._kill()
        self.wait_ready()
        link = self._link
        assert link is not None
        budget_left = self._budget_left()
        if budget_left is not None and budget_left <= 0:
            raise BudgetExhausted(what, self.budget)
        allowed = timeout if budget_left is None else min(timeout, budget_left)
        self.calls += 1
        header["id"] = self.handles.request_id()
        drops = self.handles.take_drops()
        if drops:
            header["drop"] = drops
        frame = protocol.encode_message(header, encoder)
        try:
            reply, payload, output, wall, cpu = link.exchange(frame, header["id"], allowed,
                                                              measure_cpu, what)
        except StudentTimeout:
            if allowed < timeout:
                raise BudgetExhausted(what, self.budget) from None
            raise
        if not reply.get("ok"):
            raise link.failure(reply.get("error"), what)
        return reply, protocol.Decoder(payload, self.handles.make), output, wall, cpu

    def _budget_left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def _violation(self, what: str, detail: str) -> NoReturn:
        """Kill the worker for breaking the protocol and raise the error."""
        self._kill()
        raise ProtocolViolation(what, detail)



def _remembered(target: Any) -> str:
    """The name a timed-out ``target`` is remembered by: a student function's dotted name
    ('' for calls that are not one: the engine's own drivers, methods of kept objects)."""
    if isinstance(target, str) and target.partition(".")[0] not in ("builtins", "os"):
        return target
    return ""


def _describe_target(target: Any) -> str:
    if isinstance(target, str):
        return target
    if isinstance(target, tuple):
        return f"{target[0].type_name}.{target[1]}"
    return f"your {getattr(target, 'type_name', 'object')}"
