"""The wire format between the controller and the sandboxed worker.

A message is one frame::

    b"GKP1" | header length (u32, little endian) | payload length (u64) | header | payload

The header is UTF-8 JSON; the payload holds raw array bytes, each array at the next
16-byte-aligned offset, in the order the header names them. Values are encoded as:

- JSON ``null``/``true``/``false``/integers/strings/arrays (lists) as themselves;
- finite floats as JSON numbers, others as ``{"t": "float", "v": "nan"|"inf"|"-inf"}``;
- ``{"t": "tuple", "v": [...]}``, ``{"t": "dict", "v": {...}}`` (string keys),
  ``{"t": "kdict", "v": [[key, value], ...]}`` (a dict with other keys: ints, tuples, ...),
  ``{"t": "complex", "v": [re, im]}``;
- ``{"t": "nd", "dtype": "<f8", "shape": [...], "off": N, "len": M}`` for a numpy array of
  a plain numeric or bool dtype; ``{"t": "np", "dtype": "<f8", "hex": "..."}`` for a numpy
  scalar;
- ``{"t": "remote", "id": N, "type": "Name"}`` for an object that stays in the worker.

Nothing is ever unpickled or evaluated. :func:`decode_message` is written for a hostile
sender: sizes are bounded, every node is validated, arrays may not overlap.
"""

from __future__ import annotations

import json
import os
import math
import struct
import zlib
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

MAGIC = b"GKP1"
PREFIX = struct.Struct("<4sIQ")
ALIGN = 16
MAX_HEADER = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 2_000_000
MAX_NDIM = 32

#: The array/scalar dtypes that may cross, as little-endian ``dtype.str`` values.
DTYPES = frozenset(
    np.dtype(name).newbyteorder("<").str
    for name in (
        "bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
        "float16", "float32", "float64", "complex64", "complex128",
    )
)
_DTYPE_CACHE = {code: np.dtype(code) for code in DTYPES}
_SCALAR_TYPES = frozenset(type(np.dtype(code).type(0)) for code in DTYPES)


class ProtocolError(Exception):
    """A frame or value that breaks the protocol (from a confused or hostile peer)."""


@dataclass(frozen=True)
class Remote:
    """A handle on an object that lives in the worker and never crosses the boundary.

    ``generation`` names the worker process it belongs to; a handle from a worker that
    has since been restarted is refused.
    """

    id: int
    type_name: str
    generation: int = 0

    def __repr__(self) -> str:
        return f"<remote {self.type_name} object>"


class Encoder:
    """Turns a value into a JSON-able tree plus payload buffers.

    ``strict`` (the worker side) accepts only exact built-in types and sends anything
    else through ``keep`` (which returns a :class:`Remote`); the controller side accepts
    subclasses of the plain types and rejects the rest with ``TypeError``.
    """

    def __init__(self, keep: Callable[[Any], Remote] | None = None,
                 handle: Callable[[Remote], int] | None = None) -> None:
        self.keep = keep
        self.handle = handle
        self.buffers: list[memoryview] = []
        self.size = 0

    def encode(self, value: Any, depth: int = 0) -> Any:
        kind = type(value)
        if value is None or kind is bool or kind is str:
            return value
        if kind is int:
            return value if abs(value) < 1 << 1024 else self._other(value)
        if kind is float:
            return value if math.isfinite(value) else {"t": "float", "v": repr(value)}
        if depth >= MAX_DEPTH:
            return self._other(value)
        if kind is np.ndarray:
            return self._array(value)
        if kind in _SCALAR_TYPES:
            code = value.dtype.newbyteorder("<").str
            return {"t": "np", "dtype": code, "hex": np.asarray(value, code).tobytes().hex()}
        if kind is list:
            return [self.encode(item, depth + 1) for item in value]
        if kind is tuple:
            return {"t": "tuple", "v": [self.encode(item, depth + 1) for item in value]}
        if kind is dict and all(type(key) is str for key in value):
            return {"t": "dict", "v": {k: self.encode(v, depth + 1) for k, v in value.items()}}
        if kind is dict:
            return {"t": "kdict", "v": [[self.encode(k, depth + 1), self.encode(v, depth + 1)]
                                        for k, v in value.items()]}
        if kind is complex:
            return {"t": "complex", "v": [self.encode(value.real), self.encode(value.imag)]}
        if kind is Remote:
            return {"t": "remote", "id": self.handle(value) if self.handle else value.id}
        return self._other(value)

    def _array(self, value: np.ndarray) -> Any:
        dtype = value.dtype
        if dtype.newbyteorder("<").str not in DTYPES:
            return self._other(value)
        if not dtype.isnative or dtype.byteorder == ">":
            value = value.astype(dtype.newbyteorder("<"))
        if not value.flags.c_contiguous:
            value = value.copy(order="C")
        offset = -(-self.size // ALIGN) * ALIGN
        if offset > self.size:
            self.buffers.append(memoryview(bytes(offset - self.size)))
        data = memoryview(value.reshape(-1).view(np.uint8)) if value.size else memoryview(b"")
        self.buffers.append(data)
        self.size = offset + data.nbytes
        node = {"t": "nd", "dtype": value.dtype.newbyteorder("<").str,
                "shape": list(value.shape), "off": offset, "len": data.nbytes}
        return node

    def _other(self, value: Any) -> Any:
        if self.keep is None:
            raise TypeError(f"cannot send a {type(value).__name__} to the sandbox")
        remote = self.keep(value)
        return {"t": "remote", "id": remote.id, "type": remote.type_name}


class LenientEncoder(Encoder):
    """Controller-side encoder: subclasses of plain types are converted, not refused."""

    def encode(self, value: Any, depth: int = 0) -> Any:
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, np.ndarray) and type(value) is not np.ndarray:
            value = np.asarray(value)
        elif isinstance(value, np.generic) and type(value) not in _SCALAR_TYPES:
            raise TypeError(f"cannot send a numpy {type(value).__name__} to the sandbox")
        elif not isinstance(value, (np.ndarray, np.generic, Remote)):
            for base in (int, float, str, complex, list, tuple, dict):
                if isinstance(value, base) and type(value) is not base:
                    value = base(value)
                    break
        return super().encode(value, depth)


def digest(value: Any) -> int:
    """A cheap fingerprint of every numpy array inside ``value`` (nested tuples, lists, dicts).

    A worker reports it inside a timed call; the controller recomputes it on the value it
    fetches afterwards. A match shows the arrays were final when the clock stopped: no
    work could be put off until the untimed fetch. It sums the raw bytes as 64-bit words
    (about 25 us per MB), so it cannot be known without the arrays themselves.
    """
    total = 0
    for array in _arrays(value):
        data = np.ascontiguousarray(array).reshape(-1).view(np.uint8)
        words = data[: data.size - data.size % 8].view(np.uint64)
        tail = int.from_bytes(data[words.size * 8:].tobytes(), "little")
        part = int(words.sum(dtype=np.uint64)) + tail + zlib.crc32(f"{array.dtype.str}{array.shape}".encode())
        total = (total * 1_000_003 + part) % (1 << 64)
    return total


def _arrays(value: Any) -> list[np.ndarray]:
    if isinstance(value, np.ndarray):
        return [] if value.dtype.hasobject else [value]  # object arrays never cross anyway
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [array for item in value for array in _arrays(item)]
    return []


def encode_message(header: dict[str, Any], encoder: Encoder) -> list[memoryview]:
    """Frame ``header`` (already encoded by ``encoder``) with the encoder's payload."""
    text = json.dumps(header, separators=(",", ":"), allow_nan=False).encode()
    prefix = PREFIX.pack(MAGIC, len(text), encoder.size)
    return [memoryview(prefix + text), *encoder.buffers]


def parse_prefix(data: bytes, max_payload: int) -> tuple[int, int]:
    """Return (header length, payload length) of a frame prefix, validated."""
    magic, header_len, payload_len = PREFIX.unpack(data)
    if magic != MAGIC:
        raise ProtocolError("bad frame marker")
    if header_len > MAX_HEADER:
        raise ProtocolError(f"header of {header_len} bytes is too large")
    if payload_len > max_payload:
        raise ProtocolError(f"message of {payload_len} bytes is too large")
    return header_len, payload_len


def load_header(data: bytes) -> dict[str, Any]:
    """Parse a frame header; the top level must be a JSON object."""
    try:
        header = json.loads(data.decode("utf-8"), parse_constant=_no_constants)
    except (ValueError, RecursionError) as error:
        raise ProtocolError(f"header is not valid JSON: {str(error)[:200]}") from None
    if not isinstance(header, dict):
        raise ProtocolError("header is not a JSON object")
    return header


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


class Decoder:
    """Rebuilds values from a header tree and its payload, validating everything."""

    def __init__(self, payload: bytearray | bytes, remote: Callable[[int, str], Any]) -> None:
        self.payload = payload
        self.remote = remote
        self.cursor = 0
        self.nodes = 0

    def decode(self, node: Any, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH + 2:
            raise ProtocolError("value is too large or too deeply nested")
        kind = type(node)
        if node is None or kind is bool or kind is str or kind is float:
            return node
        if kind is int:
            return node
        if kind is list:
            return [self.decode(item, depth + 1) for item in node]
        if kind is not dict:
            raise ProtocolError(f"unexpected {kind.__name__} in value")
        tag = node.get("t")
        if tag == "nd":
            return self._array(node)
        if tag == "float":
            text = node.get("v")
            if text not in ("nan", "inf", "-inf"):
                raise ProtocolError("bad float")
            return float(text)
        if tag == "tuple":
            return tuple(self.decode(item, depth + 1) for item in _expect(node, "v", list))
        if tag == "dict":
            items = _expect(node, "v", dict)
            return {key: self.decode(value, depth + 1) for key, value in items.items()}
        if tag == "kdict":
            pairs = _expect(node, "v", list)
            if not all(type(pair) is list and len(pair) == 2 for pair in pairs):
                raise ProtocolError("bad dict pairs")
            decoded = {}
            for key, value in pairs:
                key = self.decode(key, depth + 1)
                try:
                    decoded[key] = self.decode(value, depth + 1)
                except TypeError:
                    raise ProtocolError("unhashable dict key") from None
            return decoded
        if tag == "np":
            dtype = self._dtype(node)
            raw = _expect(node, "hex", str)
            try:
                data = bytes.fromhex(raw)
            except ValueError:
                raise ProtocolError("bad scalar bytes") from None
            if len(data) != dtype.itemsize:
                raise ProtocolError("bad scalar size")
            return np.frombuffer(data, dtype)[0]
        if tag == "complex":
            parts = _expect(node, "v", list)
            if len(parts) != 2:
                raise ProtocolError("bad complex")
            real, imag = (self.decode(part, depth + 1) for part in parts)
            if not all(type(part) is float for part in (real, imag)):
                raise ProtocolError("bad complex")
            return complex(real, imag)
        if tag == "remote":
            ident = _expect(node, "id", int)
            name = node.get("type", "object")
            if not isinstance(name, str):
                raise ProtocolError("bad remote type name")
            return self.remote(ident, name[:200])
        raise ProtocolError(f"unknown value tag {str(tag)[:40]!r}")

    def _dtype(self, node: dict[str, Any]) -> np.dtype:
        dtype = _DTYPE_CACHE.get(node.get("dtype"))  # type: ignore[arg-type]
        if dtype is None:
            raise ProtocolError(f"dtype {str(node.get('dtype'))[:40]!r} is not allowed")
        return dtype

    def _array(self, node: dict[str, Any]) -> np.ndarray:
        dtype = self._dtype(node)
        shape = _expect(node, "shape", list)
        if len(shape) > MAX_NDIM or not all(type(n) is int and n >= 0 for n in shape):
            raise ProtocolError("bad array shape")
        offset, length = _expect(node, "off", int), _expect(node, "len", int)
        count = math.prod(shape)
        expected_offset = -(-self.cursor // ALIGN) * ALIGN
        if offset != expected_offset or length != count * dtype.itemsize:
            raise ProtocolError("array bytes do not match its shape and place")
        if offset + length > len(self.payload):
            raise ProtocolError("array runs past the end of the message")
        self.cursor = offset + length
        array = np.frombuffer(self.payload, dtype, count, offset) if count else np.empty(0, dtype)
        return array.reshape(shape)

    def finish(self) -> None:
        """Refuse payload bytes that no array claimed."""
        if self.cursor != len(self.payload):
            raise ProtocolError("message carries bytes no value uses")


def _expect(node: dict[str, Any], key: str, kind: type) -> Any:
    value = node.get(key)
    if type(value) is not kind:
        raise ProtocolError(f"field {key!r} should be {kind.__name__}")
    return value


def write_frame(fd: int, buffers: list[memoryview]) -> None:
    """Write a whole frame to a blocking file descriptor."""
    total = sum(buffer.nbytes for buffer in buffers)
    if total <= 1 << 16:
        buffers = [memoryview(b"".join(buffers))]
    for buffer in buffers:
        position = 0
        while position < buffer.nbytes:
            position += os.write(fd, buffer[position:])


class FrameReader:
    """Reads whole frames from a blocking file descriptor (the worker's side)."""

    def __init__(self, fd: int, max_payload: int) -> None:
        self.fd = fd
        self.max_payload = max_payload
        self.pending = bytearray()

    def read(self) -> tuple[dict[str, Any], bytearray] | None:
        """Return (header, payload), or None at end of input."""
        prefix = self._exact(PREFIX.size)
        if prefix is None:
            return None
        header_len, payload_len = parse_prefix(bytes(prefix), self.max_payload)
        header_bytes = self._exact(header_len)
        payload = self._exact(payload_len)
        if header_bytes is None or payload is None:
            raise ProtocolError("message cut short")
        return load_header(bytes(header_bytes)), payload

    def _exact(self, size: int) -> bytearray | None:
        data = bytearray(size)
        view = memoryview(data)
        have = min(size, len(self.pending))
        view[:have] = self.pending[:have]
        del self.pending[:have]
        while have < size:
            if size - have >= 1 << 16:
                count = os.readv(self.fd, [view[have:]])
                if count == 0:
                    return None
                have += count
                continue
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                return None
            take = min(len(chunk), size - have)
            view[have:have + take] = chunk[:take]
            self.pending += chunk[take:]
            have += take
        return data
