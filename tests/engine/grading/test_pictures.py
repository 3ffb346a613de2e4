"""Placeholder pictures are told from plots (gradekit.grading.notebook.pictures)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest

from gradekit.grading.notebook.pictures import problem

matplotlib = pytest.importorskip("matplotlib", reason="drawing a real plot needs matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def drawn(fmt: str) -> bytes:
    figure, axes = plt.subplots(figsize=(3, 2), dpi=72)
    axes.plot([0, 1, 2], [1, 0, 2], label="loss")
    axes.set_title("training loss")
    axes.legend()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt)
    plt.close(figure)
    return buffer.getvalue()


def test_real_plots_pass():
    assert problem("image/png", drawn("png")) is None
    assert problem("image/svg+xml", drawn("svg")) is None
    assert problem("image/jpeg", drawn("jpeg")) is None


def png(width: int, height: int, rows: bytes, idat: bytes | None = None) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows) if idat is None else idat) + chunk(b"IEND", b""))


@pytest.mark.parametrize("picture, said", [
    (png(1, 1, b"\x00\x00\x00\x00"), "is 1x1 pixels"),
    (png(300, 200, (b"\x00" + b"\xff" * 900) * 200), "is blank (one colour)"),
    (png(300, 200, b"", idat=b"not zlib data"), "is a damaged PNG picture"),
    (b"GIF89a", "is not a PNG picture"),
])
def test_placeholders_are_named(picture, said):
    assert said in problem("image/png", picture)


def test_empty_drawings_and_tiny_jpegs_are_not_plots():
    assert problem("image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    assert problem("image/jpeg", b"\xff\xd8\xff" + b"\x00" * 100) == "is a 103-byte picture"


def test_a_plot_below_a_wide_blank_margin_is_still_a_plot():
    width = 1200                                   # rows of 3600 bytes: 300 of them are a
    white = (b"\x00" + b"\xff" * 3 * width) * 300  # megabyte, four slices of inflated rows
    drawn_rows = b"".join(b"\x00" + bytes((i * 7 + j) % 256 for j in range(3 * width))
                          for i in range(100))
    assert problem("image/png", png(width, 400, white + drawn_rows)) is None
    assert "is blank" in problem("image/png", png(width, 400, white * 2))
