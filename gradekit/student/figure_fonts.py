"""Chinese text in a notebook's figures: matplotlib given the CJK font of the answers PDF.

Stock Linux and Colab have no Chinese font, so a translated figure title shows empty
boxes, in the notebook and in the answers PDF. The ``pdf`` extra already installs Noto
Sans CJK (:data:`gradekit.extras.CJK_FONT_PACKAGE`) for the PDF; :func:`use_cjk_font`
hands the same font (or a well-known system one, in the order :mod:`.pdf_fonts` looks) to
matplotlib. A translated release (``cjk_figures = true`` on its variant) calls it from a
cell of its own before the notebook's first cell
(:data:`gradekit.release.notebooks.CJK_FONT_CELL`).
"""

from __future__ import annotations

from gradekit.extras import CJK_FONT_PACKAGE, PDF_INSTALL_COMMAND

LATIN = "DejaVu Sans"
"""matplotlib's own default family, kept first for Latin text and numbers."""
"""The code of the cell a ``cjk_figures`` variant starts with."""


def use_cjk_font(quiet: bool = False) -> str | None:
    """Make matplotlib fall back to a CJK font for the glyphs its default font lacks;
    return the CJK family, or None
    (with one line saying how to get one) when this machine has none."""
    import matplotlib
    from matplotlib import font_manager

    family = _packaged(font_manager) or _system(font_manager)
    if family is None:
        if not quiet:
            print(f"No Chinese font found: Chinese text in figures may show as boxes. "
                  f"Install one with `{PDF_INSTALL_COMMAND}` (it brings {CJK_FONT_PACKAGE}) "
                  "and restart the kernel.")
        return None
    rc = matplotlib.rcParams
    # Named families in font.family fall back glyph by glyph (matplotlib 3.6+): Latin text
    # keeps the default look, Chinese comes from the CJK font. A notebook's later change
    # of the sans-serif list does not undo it.
    rc["font.family"] = [LATIN, family]
    rc["axes.unicode_minus"] = False  # the CJK fonts' minus sign is not the math one
    return family


def _packaged(font_manager) -> str | None:  # type: ignore[no-untyped-def]
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return None
    path = str(noto_cjk_sans_otc.FONT_PATH)
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def _system(font_manager) -> str | None:  # type: ignore[no-untyped-def]
    """The first family of the answers PDF's search order (:mod:`.pdf_fonts`) that this
    machine has, its folder's fonts added to matplotlib."""
    from gradekit.student.pdf_fonts import _candidates

    for folder, families, _origin in _candidates():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*")):
            if path.suffix.lower() in (".ttf", ".otf", ".ttc"):
                try:
                    font_manager.fontManager.addfont(str(path))
                except (OSError, RuntimeError, ValueError):
                    continue
        known = {font.name for font in font_manager.fontManager.ttflist}
        for family in families:
            if family in known:
                return family
    return None
