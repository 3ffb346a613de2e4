"""The controller's end of the worker's three pipes: requests, replies, printed output.

A :class:`Channel` sends one request frame and reads one reply frame within a deadline,
draining the worker's printed output meanwhile (capped). It knows framing, not meaning:
the controller decides what a reply says. Everything read here is hostile input; sizes
are checked before anything is allocated.
"""

from __future__ import annotations

import errno
import math
import os
import select
import time
from typing import Any

from gradekit.sandbox import protocol

CHUNK = 1 << 16


class ChannelTimeout(Exception):
    """No whole reply came before the deadline."""


class ChannelClosed(Exception):
    """The worker closed its reply pipe (it died)."""


class Channel:
    """The pipes to one worker process; non-blocking, polled together."""

    def __init__(self, request_w: int, response_r: int, output_r: int, *,
                 max_payload: int, output_cap: int) -> None:
        self.request_w, self.response_r, self.output_r = request_w, response_r, output_r
        self.max_payload = max_payload
        self.output_cap = output_cap
        for fd in (request_w, response_r, output_r):
            os.set_blocking(fd, False)
        self.poller = select.poll()
        self.poller.register(response_r, select.POLLIN)
        self.poller.register(output_r, select.POLLIN)

    def close(self) -> None:
        for fd in (self.request_w, self.response_r, self.output_r):
            try:
                os.close(fd)
            except OSError:
                pass

    def stray_data(self) -> bool:
        """True when the worker wrote a reply between calls (or died)."""
        poller = select.poll()
        poller.register(self.response_r, select.POLLIN)
        return bool(poller.poll(0))

    def exchange(self, frame: list[memoryview] | None, timeout: float
                 ) -> tuple[FrameBuffer, OutputBuffer, float]:
        """Send ``frame`` (None: only read) and read one reply within ``timeout`` seconds.

        Returns the reply, the output printed meanwhile and the wall time. Raises
        :class:`ChannelTimeout`, :class:`ChannelClosed` or ``protocol.ProtocolError``.
        """
        output = OutputBuffer(self.output_cap)
        reader = FrameBuffer(self.max_payload)
        sending = list(frame or ())
        if len(sending) > 1 and sum(part.nbytes for part in sending) <= CHUNK:
            sending = [memoryview(b"".join(sending))]
        start = time.perf_counter()
        deadline = start + timeout
        writing = bool(sending) and send_some(self.request_w, sending)
        if writing:
            self.poller.register(self.request_w, select.POLLOUT)
        try:
            while not reader.done:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    raise ChannelTimeout()
                for fd, event in self.poller.poll(math.ceil(remaining * 1000)):
                    if fd == self.output_r:
                        if not output.drain(fd):
                            self.poller.unregister(fd)
                    elif fd == self.request_w:
                        if event & (select.POLLERR | select.POLLHUP) or not send_some(fd, sending):
                            self.poller.unregister(fd)
                            writing = False
                            sending.clear()
                    elif not reader.feed(fd):
                        self.drain_output(output)
                        raise ChannelClosed(output.text())
        finally:
            if writing:
                self.poller.unregister(self.request_w)
        if reader.extra or sending:
            raise protocol.ProtocolError("extra bytes on the channel")
        return reader, output, time.perf_counter() - start

    def drain_output(self, output: OutputBuffer) -> None:
        output.drain(self.output_r)


class FrameBuffer:
    """Accumulates one reply frame from a non-blocking descriptor."""

    def __init__(self, max_payload: int) -> None:
        self.max_payload = max_payload
        self.prefix = bytearray()
        self.header_bytes = bytearray()
        self.payload = bytearray()
        self.sizes: tuple[int, int] | None = None
        self.filled = 0
        self.done = False
        self.extra = False

    def feed(self, fd: int) -> bool:
        """Read what is available; False at end of file."""
        if self.sizes is not None and self.sizes[1] - self.filled >= CHUNK:
            view = memoryview(self.payload)[self.filled:]
            try:
                count = os.readv(fd, [view])
            except BlockingIOError:
                return True
            if count == 0:
                return False
            self.filled += count
            self.done = self.filled == self.sizes[1]
            return True
        try:
            data = os.read(fd, CHUNK)
        except BlockingIOError:
            return True
        if not data:
            return False
        self._take(memoryview(data))
        return True

    def _take(self, data: memoryview) -> None:
        if self.sizes is None:
            need = protocol.PREFIX.size - len(self.prefix)
            self.prefix += data[:need]
            data = data[need:]
            if len(self.prefix) < protocol.PREFIX.size:
                return
            header_len, payload_len = protocol.parse_prefix(bytes(self.prefix), self.max_payload)
            self.sizes = (header_len, payload_len)
            self.payload = bytearray(payload_len)
        header_len, payload_len = self.sizes
        need = header_len - len(self.header_bytes)
        if need:
            self.header_bytes += data[:need]
            data = data[need:]
        take = min(len(data), payload_len - self.filled)
        self.payload[self.filled:self.filled + take] = data[:take]
        self.filled += take
        if len(data) > take:
            self.extra = True
        self.done = len(self.header_bytes) == header_len and self.filled == payload_len

    def header(self) -> dict[str, Any]:
        return protocol.load_header(bytes(self.header_bytes))


class OutputBuffer:
    """Printed output of one call, capped."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.chunks: list[bytes] = []
        self.size = 0
        self.dropped = 0

    def drain(self, fd: int) -> bool:
        """Read what is available; False at end of file."""
        while True:
            try:
                data = os.read(fd, CHUNK)
            except BlockingIOError:
                return True
            except OSError:
                return False
            if not data:
                return False
            room = self.cap - self.size
            if room > 0:
                self.chunks.append(data[:room])
                self.size += min(room, len(data))
            self.dropped += max(0, len(data) - max(room, 0))

    def text(self) -> str:
        text = b"".join(self.chunks).decode("utf-8", errors="replace")
        if self.dropped:
            text += f"\n[... {self.dropped} more bytes of output not shown]"
        return text


def send_some(fd: int, buffers: list[memoryview]) -> bool:
    """Write what the pipe takes now; False once everything is sent or the pipe broke."""
    while buffers:
        try:
            count = os.write(fd, buffers[0][:1 << 20])
        except BlockingIOError:
            return True
        except OSError as error:
            if error.errno in (errno.EPIPE, errno.EBADF):
                return False
            raise
        if count == buffers[0].nbytes:
            buffers.pop(0)
        else:
            buffers[0] = buffers[0][count:]
    return False
