"""Remote handles: the controller's names for values that stay in the worker.

Every kept value gets a fresh id; a handle is valid only for the worker generation that
made it (a restarted worker has lost its objects). When the controller drops a handle,
its id is sent with the next request so the worker can free the object. A timed call
that keeps its value records a fingerprint of it, which :meth:`Handles.check` compares
on fetch.
"""

from __future__ import annotations

import weakref

from gradekit.sandbox import protocol
from gradekit.sandbox.errors import StudentError
from gradekit.sandbox.protocol import Remote


class Handles:
    """Ids of kept values for the current worker generation."""

    def __init__(self) -> None:
        self.generation = 0
        self.next_request = 1
        self.drop: list[int] = []
        self.fingerprints: dict[int, int] = {}

    def new_generation(self) -> None:
        """The worker died: every handle made so far is void."""
        self.generation += 1
        self.drop.clear()
        self.fingerprints.clear()

    def request_id(self) -> int:
        ident, self.next_request = self.next_request, self.next_request + 1
        return ident

    def take_drops(self) -> list[int]:
        drops, self.drop = self.drop, []
        return drops

    def ident(self, remote: Remote) -> int:
        """The worker's id of ``remote``, refused when it is from an earlier worker."""
        if not isinstance(remote, Remote):
            raise TypeError(f"expected a Remote handle, got {type(remote).__name__}")
        if remote.generation != self.generation:
            raise StudentError("this value came from an earlier run of your code that "
                               "crashed or timed out, so it is gone")
        return remote.id

    def make(self, ident: int, type_name: str) -> Remote:
        """A handle for an id the worker sent (called by the decoder)."""
        if ident < 0:
            raise protocol.ProtocolError("bad remote handle")
        remote = Remote(ident, type_name, self.generation)
        weakref.finalize(remote, self._release, self.generation, ident)
        return remote

    def remember(self, remote: Remote, fingerprint: int) -> None:
        self.fingerprints[remote.id] = fingerprint

    def check(self, remote: Remote, value: object) -> bool:
        """False when ``value`` is not what a timed call answered for ``remote``."""
        expected = self.fingerprints.pop(remote.id, None)
        return expected is None or protocol.digest(value) == expected

    def _release(self, generation: int, ident: int) -> None:
        if generation == self.generation:
            self.drop.append(ident)
            self.fingerprints.pop(ident, None)
