"""The report's pictures: PNG bytes from matplotlib (Agg, no pyplot, no global state).

The same numbers give the same bytes: no timestamps or software name in the PNG, a
fixed SVG hash salt, and the fonts matplotlib ships.
"""

from __future__ import annotations

import base64
import io

import numpy as np

_STYLE = {"svg.hashsalt": "gradekit", "font.family": "DejaVu Sans", "font.size": 10,
          "axes.spines.top": False, "axes.spines.right": False}
_COLOR = "#3b6ea8"


def histogram_png(totals: list[float], max_score: float) -> bytes:
    """Histogram of total scores, 0..max_score, about one bin per point (at most 40)."""
    from matplotlib import rc_context

    with rc_context(_STYLE):
        figure, axes = _figure(7.5, 3.0)
        top = max(max_score, max(totals, default=0.0), 1.0)
        bins = np.linspace(0, top, int(min(40, max(5, round(top)))) + 1)
        axes.hist(totals, bins=bins, color=_COLOR, edgecolor="white")
        axes.set_xlim(0, top)
        axes.set_xlabel(f"total score (out of {max_score:g})")
        axes.set_ylabel("submissions")
        return _png(figure)


def boxplot_png(totals: list[float], max_score: float) -> bytes:
    """A horizontal box plot of total scores on the histogram's axis."""
    from matplotlib import rc_context

    with rc_context(_STYLE):
        figure, axes = _figure(7.5, 1.3)
        top = max(max_score, max(totals, default=0.0), 1.0)
        if totals:
            axes.boxplot(totals, orientation="horizontal", widths=0.6, patch_artist=True,
                         boxprops={"facecolor": "#c9d8ec", "edgecolor": _COLOR},
                         medianprops={"color": "#b03a2e", "linewidth": 2})
        axes.set_xlim(0, top)
        axes.set_yticks([])
        axes.set_xlabel("total score")
        return _png(figure)


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _figure(width: float, height: float):  # type: ignore[no-untyped-def]
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _png(figure) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
