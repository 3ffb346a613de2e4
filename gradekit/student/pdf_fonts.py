"""Fonts for the answers PDF, found the same way on every run.

Typst brings its own Latin, math and monospace fonts. Chinese (and Japanese, Korean) text
needs a CJK font, looked for in a fixed order: the ``noto-cjk-sans-otc`` package of the
``pdf`` extra first, then the usual system places of a few well-known CJK fonts. System
fonts are never scanned as a whole, so the same notebook gives the same bytes on a machine
whatever else it has installed.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from gradekit.extras import CJK_FONT_PACKAGE
"""The PyPI package (pinned in the ``pdf`` extra) that ships Noto Sans CJK."""

_NOTO = ("Noto Sans CJK SC", "Noto Sans Mono CJK SC")


@dataclass(frozen=True)
class CjkFont:
    """A CJK font family Typst can use, and the folder it was loaded from."""

    folder: Path
    family: str
    mono_family: str
    has_bold: bool
    origin: str


def _candidates() -> list[tuple[Path, tuple[str, ...], str]]:
    """(folder, families in order of preference, where it comes from)."""
    found: list[tuple[Path, tuple[str, ...], str]] = []
    try:
        import noto_cjk_sans_otc  # the pdf extra

        found.append((Path(str(noto_cjk_sans_otc.FONT_PATH)).parent, _NOTO,
                      f"Python package {CJK_FONT_PACKAGE}"))
    except (ImportError, AttributeError):
        pass
    linux = [
        ("/usr/share/fonts/opentype/noto", _NOTO),                  # Debian, Ubuntu
        ("/usr/share/fonts/google-noto-cjk", _NOTO),                # Fedora
        ("/usr/share/fonts/noto-cjk", _NOTO),                       # Arch
        ("/usr/share/fonts/truetype/wqy", ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei")),
    ]
    mac = [("/System/Library/Fonts", ("PingFang SC", "Hiragino Sans GB", "Heiti SC")),
           ("/Library/Fonts", ("Songti SC",))]
    windows = os.path.join(os.environ.get("WINDIR", r"C:\Windows"), "Fonts")
    system = {"darwin": mac, "win32": [(windows, ("Microsoft YaHei", "SimHei", "SimSun"))]}
    for folder, families in system.get(sys.platform, linux):
        found.append((Path(folder), families, f"system fonts in {folder}"))
    return found


@lru_cache(maxsize=1)
def find_cjk_font() -> CjkFont | None:
    """The first CJK font of the fixed search order that is installed, or None."""
    import typst

    for folder, families, origin in _candidates():
        if not folder.is_dir():
            continue
        fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                            font_paths=[str(folder)])
        present = set(fonts.families())
        for family in families:
            if family in present:
                mono = family.replace(" Sans CJK", " Sans Mono CJK")
                bold = any(info.family == family and info.weight >= 600
                           for info in fonts.fonts())
                return CjkFont(folder, family, mono if mono in present else family, bold,
                               origin)
    return None


def typst_fonts(cjk: CjkFont | None) -> Any:
    """Typst's font set: its embedded fonts, plus the CJK font's folder when there is one."""
    import typst

    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True,
                       font_paths=[str(cjk.folder)] if cjk else [])
