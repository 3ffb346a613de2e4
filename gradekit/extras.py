"""The engine's optional features and the packages that install them (pyproject extras).

Shared by the features themselves and by the release, which tells students what to
install; a test checks these pins against ``pyproject.toml``.
"""

from __future__ import annotations

CJK_FONT_PACKAGE = "noto-cjk-sans-otc"
PDF_PACKAGES = ("typst==0.15.0", "tex2typst==0.1.7", f"{CJK_FONT_PACKAGE}==0.0.1")
"""What ``pip install`` needs for the answers PDF: the ``pdf`` extra."""
PDF_INSTALL_COMMAND = "pip install " + " ".join(PDF_PACKAGES)

DASK_PACKAGES = ("dask[distributed]==2026.8.0", "distributed==2026.8.0")
"""What ``pip install`` needs for ``gradekit grade-class --executor dask``: the ``dask`` extra."""
DASK_INSTALL_COMMAND = "pip install " + " ".join(f"'{p}'" for p in DASK_PACKAGES)
