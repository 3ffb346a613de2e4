"""Is a stored picture a plot, or a placeholder typed into the notebook?

A plot saved by Jupyter is at least a hundred pixels on each side and has many shades
(text, lines and their anti-aliasing); a stand-in made to pass for one is tiny, or one
colour. Read from the bytes alone, without decoding libraries: a PNG's size from its
header and the variety of its decompressed rows, a JPEG's and an SVG's size and drawing
elements. A determined forger can still paste a real picture; this catches the cheap ones.
"""

from __future__ import annotations

import re
import struct
import zlib

import numpy

MIN_SIDE = 100
"""Pixels a plot has at least on each side (matplotlib's smallest inline figures: ~200)."""
MIN_SHADES = 8
"""Distinct byte values a plot's decompressed PNG rows have at least (one colour: 2-3)."""
MIN_JPEG_BYTES = 2000
MIN_SVG_ELEMENTS = 5
_ROWS_READ = 4_000_000
_SLICE = 262_144
_PNG = b"\x89PNG\r\n\x1a\n"
_SVG_ELEMENT = re.compile(rb"<(?:path|line|polyline|polygon|rect|circle|text|use|image)\b")


def problem(mime: str, content: bytes) -> str | None:
    """Why ``content`` (a picture of type ``mime``) is not a plot, or None when it may be."""
    if mime == "image/png":
        return _png_problem(content)
    if mime == "image/jpeg":
        return None if len(content) >= MIN_JPEG_BYTES else f"is a {len(content)}-byte picture"
    if mime == "image/svg+xml":
        found = len(_SVG_ELEMENT.findall(content[:_ROWS_READ]))
        return None if found >= MIN_SVG_ELEMENTS else "is a drawing with nothing plotted in it"
    return None


def _png_problem(content: bytes) -> str | None:
    if not content.startswith(_PNG) or len(content) < 33 or content[12:16] != b"IHDR":
        return "is not a PNG picture"
    width, height = struct.unpack(">II", content[16:24])
    if width < MIN_SIDE or height < MIN_SIDE:
        return f"is {width}x{height} pixels, too small for a plot"
    shades = _shades(content)
    if shades is None:
        return "is a damaged PNG picture"
    if shades < MIN_SHADES:
        return "is blank (one colour)"
    return None


def _shades(content: bytes) -> int | None:
    """How many distinct byte values the first rows hold once decompressed, counted until
    there are :data:`MIN_SHADES` (None: damaged). Rows are inflated a slice at a time, so
    a plot is seen to be one after its first slices, a blank picture after all of them."""
    data = bytearray()
    position = 8
    while position + 8 <= len(content):
        length, kind = struct.unpack(">I4s", content[position:position + 8])
        if kind == b"IDAT":
            data += content[position + 8:position + 8 + length]
        elif kind == b"IEND":
            break
        position += 12 + length
    inflate, pending = zlib.decompressobj(), bytes(data)
    seen = numpy.zeros(256, dtype=bool)
    read = 0
    try:
        while read < _ROWS_READ:
            rows = inflate.decompress(pending, min(_SLICE, _ROWS_READ - read))
            pending = inflate.unconsumed_tail
            if not rows:
                break
            read += len(rows)
            seen[numpy.frombuffer(rows, dtype=numpy.uint8)] = True
            if numpy.count_nonzero(seen) >= MIN_SHADES:
                break
    except zlib.error:
        return None
    return int(numpy.count_nonzero(seen)) if read else None
