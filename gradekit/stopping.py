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
from typing import Callable, Iterator


class Stopped(KeyboardInterrupt):
    """A signal stopped the command; ``signum`` says which, ``what`` what it stopped."""

    def __init__(self, signum: int, what: str = "stopped") -> None:
        self.signum = signum
        super().__init__(f"{what} by {signal.Signals(signum).name}")


@contextlib.contextmanager
def stop_on_signals(stopped: Callable[[int], BaseException] = Stopped) -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise ``stopped(signum)`` (SIGINT already
    raises ``KeyboardInterrupt``; Windows has no SIGHUP). Elsewhere than in the main
    thread, where Python delivers no signal, nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise stopped(signum)

    numbers = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {number: signal.signal(number, stop) for number in numbers}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
