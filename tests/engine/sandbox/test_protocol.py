"""The wire format: exact round trips, and a decoder that survives a hostile sender."""

from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest

from gradekit.sandbox import protocol
from gradekit.sandbox.protocol import Decoder, Encoder, LenientEncoder, ProtocolError, Remote


def roundtrip(value, encoder=None):
    encoder = encoder or LenientEncoder()
    frame = protocol.encode_message({"value": encoder.encode(value)}, encoder)
    data = b"".join(bytes(part) for part in frame)
    header_len, payload_len = protocol.parse_prefix(data[:16], 1 << 30)
    header = protocol.load_header(data[16:16 + header_len])
    payload = bytearray(data[16 + header_len:])
    assert len(payload) == payload_len
    decoder = Decoder(payload, lambda ident, name: Remote(ident, name))
    result = decoder.decode(header["value"])
    decoder.finish()
    return result


@pytest.mark.parametrize("dtype", sorted(protocol.DTYPES))
def test_arrays_of_every_allowed_dtype_cross_exactly(dtype):
    array = (np.arange(24) % 7).astype(dtype).reshape(2, 3, 4)
    back = roundtrip(array)
    assert type(back) is np.ndarray
    assert back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array)
    assert back.flags.writeable and back.flags.c_contiguous


def test_awkward_arrays_cross_as_plain_c_contiguous_little_endian():
    base = np.arange(30.0).reshape(5, 6)
    for array in (base[:, ::2], base.T, np.zeros((0, 3)), np.array(2.5),
                  np.arange(4, dtype=">f8")):
        back = roundtrip(array)
        assert back.shape == array.shape and np.array_equal(back, array)
        assert back.dtype.byteorder in ("<", "=", "|")


def test_python_scalars_and_containers_keep_their_types():
    value = {"a": [1, 2.5, True, None, "s"], "b": (float("inf"), -math.inf, 3 + 4j),
             "big": 2 ** 100, "neg0": -0.0}
    back = roundtrip(value)
    assert back["a"] == [1, 2.5, True, None, "s"]
    assert type(back["a"][0]) is int and type(back["a"][2]) is bool
    assert type(back["b"]) is tuple and back["b"][:2] == (math.inf, -math.inf)
    assert back["b"][2] == 3 + 4j and back["big"] == 2 ** 100
    assert math.copysign(1, back["neg0"]) == -1
    assert math.isnan(roundtrip(float("nan")))


def test_numpy_scalars_are_tagged_not_turned_into_python_numbers():
    for scalar in (np.float32(1.5), np.int64(-3), np.bool_(True), np.float64(np.nan)):
        back = roundtrip(scalar)
        assert type(back) is type(scalar)
        assert back.dtype == scalar.dtype


def test_arrays_in_one_message_do_not_share_memory():
    a, b = roundtrip([np.ones(3), np.ones(3)])
    a[0] = 7
    assert b[0] == 1


def test_worker_side_encoder_keeps_non_plain_values_remote():
    kept = []

    def keep(value):
        kept.append(value)
        return Remote(len(kept), type(value).__name__)

    class Sub(np.ndarray):
        pass

    class MyStr(str):
        pass

    values = [np.zeros(2).view(Sub), np.array([object()]), MyStr("x"),
              object(), np.zeros(2, dtype="U3")]
    encoder = Encoder(keep)
    nodes = [encoder.encode(v) for v in values]
    assert all(node["t"] == "remote" for node in nodes)
    assert len(kept) == len(values)


def test_controller_encoder_refuses_what_cannot_cross():
    with pytest.raises(TypeError):
        LenientEncoder().encode(object())
    with pytest.raises(TypeError):
        LenientEncoder().encode(np.array(["text"]))


def test_deep_nesting_is_cut_off_in_the_worker():
    value: list = []
    for _ in range(200):
        value = [value]
    encoder = Encoder(lambda v: Remote(1, "list"))
    node = encoder.encode(value)
    depth = 0
    while isinstance(node, list):
        node, depth = node[0], depth + 1
    assert node["t"] == "remote" and depth <= protocol.MAX_DEPTH


def frame(header_text: bytes, payload: bytes = b"") -> bytes:
    return protocol.PREFIX.pack(protocol.MAGIC, len(header_text), len(payload)) + header_text


def decode_node(node, payload=b""):
    decoder = Decoder(bytearray(payload), lambda ident, name: Remote(ident, name))
    value = decoder.decode(node)
    decoder.finish()
    return value


@pytest.mark.parametrize("node,payload", [
    ({"t": "nd", "dtype": "|O", "shape": [1], "off": 0, "len": 8}, bytes(8)),
    ({"t": "nd", "dtype": "<U1", "shape": [1], "off": 0, "len": 4}, bytes(4)),
    ({"t": "nd", "dtype": ">f8", "shape": [1], "off": 0, "len": 8}, bytes(8)),
    ({"t": "nd", "dtype": "<f8", "shape": [2], "off": 0, "len": 8}, bytes(8)),
    ({"t": "nd", "dtype": "<f8", "shape": [-1], "off": 0, "len": 8}, bytes(8)),
    ({"t": "nd", "dtype": "<f8", "shape": [True], "off": 0, "len": 8}, bytes(8)),
    ({"t": "nd", "dtype": "<f8", "shape": [4], "off": 0, "len": 32}, bytes(8)),
    ({"t": "nd", "dtype": "<f8", "shape": [1], "off": 8, "len": 8}, bytes(16)),
    ({"t": "nd", "dtype": "<f8", "shape": [1], "off": 0, "len": 8}, bytes(24)),
    ({"t": "nd", "dtype": "<f8", "shape": [1] * 40, "off": 0, "len": 8}, bytes(8)),
    ({"t": "float", "v": "1e999"}, b""),
    ({"t": "np", "dtype": "<f8", "hex": "00"}, b""),
    ({"t": "np", "dtype": "<f8", "hex": "zz" * 8}, b""),
    ({"t": "complex", "v": [1]}, b""),
    ({"t": "complex", "v": ["a", "b"]}, b""),
    ({"t": "tuple", "v": {"not": "a list"}}, b""),
    ({"t": "dict", "v": [1, 2]}, b""),
    ({"t": "remote", "id": "1"}, b""),
    ({"t": "pickle", "v": "gASVAAAAAAAAAAB9lC4="}, b""),
    ({"no": "tag"}, b""),
])
def test_hostile_values_are_refused(node, payload):
    with pytest.raises(ProtocolError):
        decode_node(node, payload)


def test_overlapping_arrays_are_refused():
    node = [{"t": "nd", "dtype": "<f8", "shape": [2], "off": 0, "len": 16},
            {"t": "nd", "dtype": "<f8", "shape": [2], "off": 0, "len": 16}]
    with pytest.raises(ProtocolError):
        decode_node(node, bytes(16))


def test_hostile_frames_are_refused():
    with pytest.raises(ProtocolError):
        protocol.parse_prefix(protocol.PREFIX.pack(b"EVIL", 2, 0), 100)
    with pytest.raises(ProtocolError):
        protocol.parse_prefix(protocol.PREFIX.pack(protocol.MAGIC, protocol.MAX_HEADER + 1, 0),
                              100)
    with pytest.raises(ProtocolError):
        protocol.parse_prefix(protocol.PREFIX.pack(protocol.MAGIC, 2, 101), 100)
    for text in (b"{", b"[1, 2]", b'{"v": NaN}', b"\xff\xfe", b"[" * 100000 + b"]" * 100000):
        with pytest.raises(ProtocolError):
            protocol.load_header(text)


def test_too_many_nodes_are_refused():
    with pytest.raises(ProtocolError):
        decode_node([0] * (protocol.MAX_NODES + 1))


def test_frame_reader_reads_whole_frames_and_reports_end_of_input():
    read_fd, write_fd = os.pipe()
    encoder = LenientEncoder()
    big = np.arange(100_000.0)
    header = {"value": encoder.encode(big)}
    pid = os.fork()
    if pid == 0:  # a writer that sends two frames, then closes
        os.close(read_fd)
        protocol.write_frame(write_fd, protocol.encode_message(header, encoder))
        protocol.write_frame(write_fd, protocol.encode_message({"n": 2}, Encoder()))
        os._exit(0)
    os.close(write_fd)
    reader = protocol.FrameReader(read_fd, 1 << 30)
    first, payload = reader.read()
    assert np.array_equal(Decoder(payload, None).decode(first["value"]), big)
    second, _ = reader.read()
    assert second == {"n": 2}
    assert reader.read() is None
    os.waitpid(pid, 0)
    os.close(read_fd)


def test_headers_are_compact_json():
    encoder = LenientEncoder()
    parts = protocol.encode_message({"value": encoder.encode([1.5, "x"])}, encoder)
    text = bytes(parts[0])[16:]
    assert json.loads(text) == {"value": [1.5, "x"]}


def test_digest_follows_every_array_value_and_ignores_memory_layout():
    digest = protocol.digest
    values = np.arange(12.0).reshape(3, 4)
    same = digest((values, {"k": [np.int8(1), values[0]]}))
    assert digest((np.asfortranarray(values), {"k": [np.int8(1), values[0].copy()]})) == same
    changed = values.copy()
    changed[2, 3] = np.nextafter(changed[2, 3], 99.0)
    assert digest((changed, {"k": [np.int8(1), values[0]]})) != same
    assert digest((values.astype(np.float32), {"k": [np.int8(1), values[0]]})) != same
    assert digest(values.reshape(4, 3)) != digest(values)
