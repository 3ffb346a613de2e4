"""Long commands stop cleanly on SIGTERM and SIGHUP, as they do on Ctrl-C.

Inside :func:`stop_on_signals` the signal raises an exception (:class:`Stopped`, a
``KeyboardInterrupt``) in the main thread, so every ``finally`` and ``with`` on the way
out runs: temporary folders are removed, notebook kernels and sandboxes shut down. The
command line prints one line and exits with 128 + the signal's number.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Callable, Iterable, Iterator


class Stopped(KeyboardInterrupt):
    """A signal stopped the command; ``signum`` says which, ``what`` what it stopped."""

    def __init__(self, signum: int, what: str = "stopped") -> None:
        self.signum = signum
        super().__init__(f"{what} by {signal.Signals(signum).name}")


STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                     if hasattr(signal, name))
"""The signals that stop a command (SIGINT already raises ``KeyboardInterrupt``; Windows
has no SIGHUP)."""


@contextlib.contextmanager
def on_signals(handle: Callable[[int], None],
               numbers: Iterable[int] = STOP_SIGNALS) -> Iterator[None]:
    """Within the block, each signal of ``numbers`` calls ``handle(signum)``; the previous
    handlers come back after it. Elsewhere than in the main thread, where Python delivers
    no signal, nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, lambda signum, _frame: handle(signum))
                for number in numbers}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def stop_on_signals(stopped: Callable[[int], BaseException] = Stopped
                    ) -> contextlib.AbstractContextManager[None]:
    """Within the block, SIGTERM and SIGHUP raise ``stopped(signum)``."""
    def stop(signum: int) -> None:
        raise stopped(signum)

    return on_signals(stop)
