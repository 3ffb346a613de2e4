"""Draw which activations share their statistics in four normalizations:
assignment/assignment2/normalization.png (shown in ConvolutionalNetworks.ipynb).

Each panel is a batch of activations drawn as a box: N data points along one edge,
C channels along another and the H x W positions, flattened, along the third. The
shaded cells are the values of one normalization set, which share a mean and a
variance. Panels, left to right: batch norm (one channel over all data points and
positions), layer norm (one data point over all channels and positions), instance
norm (one data point and one channel), group norm (one data point and a group of
C / G consecutive channels, G = 2 here).

Run from anywhere:  .venv/bin/python assignment/assignment2/tools/draw_normalization.py
The PNG is committed; keep it small. It holds no words, only the axis letters, so
every language variant can show it; what it shows is said in the notebook.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Polygon  # noqa: E402

OUTPUT = Path(__file__).resolve().parent.parent / "normalization.png"

N_CELLS, C_CELLS, HW_CELLS = 4, 6, 4
# The depth axis (H x W) is drawn as an oblique projection.
DX, DY = 0.45, 0.35
SHADE, PLAIN, EDGE = "#4a90d9", "#f2f2f2", "#333333"


def front(ax, n, c, x0, fill):
    """The cell of data point n and channel c on the front face (the first position)."""
    ax.add_patch(Polygon([(x0 + c, n), (x0 + c + 1, n), (x0 + c + 1, n + 1), (x0 + c, n + 1)],
                         closed=True, facecolor=fill, edgecolor=EDGE, linewidth=0.6))


def top(ax, c, d, x0, fill):
    """The cell of channel c and position d on the top face (the last data point)."""
    x, y = x0 + c + d * DX, N_CELLS + d * DY
    ax.add_patch(Polygon([(x, y), (x + 1, y), (x + 1 + DX, y + DY), (x + DX, y + DY)],
                         closed=True, facecolor=fill, edgecolor=EDGE, linewidth=0.6))


def side(ax, n, d, x0, fill):
    """The cell of data point n and position d on the right face (the last channel)."""
    x, y = x0 + C_CELLS + d * DX, n + d * DY
    ax.add_patch(Polygon([(x, y), (x + DX, y + DY), (x + DX, y + 1 + DY), (x, y + 1)],
                         closed=True, facecolor=fill, edgecolor=EDGE, linewidth=0.6))


def panel(ax, x0, shaded):
    """One box; `shaded(n, c)` says whether data point n, channel c is in the set."""
    for n in range(N_CELLS):
        for c in range(C_CELLS):
            front(ax, n, c, x0, SHADE if shaded(n, c) else PLAIN)
    for c in range(C_CELLS):
        for d in range(HW_CELLS):
            top(ax, c, d, x0, SHADE if shaded(N_CELLS - 1, c) else PLAIN)
    for n in range(N_CELLS):
        for d in range(HW_CELLS):
            side(ax, n, d, x0, SHADE if shaded(n, C_CELLS - 1) else PLAIN)
    ax.text(x0 - 0.35, N_CELLS / 2, r"$N$", ha="right", va="center", fontsize=13)
    ax.text(x0 + C_CELLS / 2, -0.35, r"$C$", ha="center", va="top", fontsize=13)
    ax.text(x0 + C_CELLS + HW_CELLS * DX + 0.25, N_CELLS + HW_CELLS * DY / 2 - 0.2,
            r"$H\!\cdot\!W$", ha="left", va="center", fontsize=12)


def main() -> None:
    sets = [
        lambda n, c: c == 1,                       # batch norm: one channel
        lambda n, c: n == N_CELLS - 1,             # layer norm: one data point
        lambda n, c: n == N_CELLS - 1 and c == 1,  # instance norm: both
        lambda n, c: n == N_CELLS - 1 and c < C_CELLS // 2,  # group norm, G = 2
    ]
    fig, ax = plt.subplots(figsize=(12, 2.6))
    step = C_CELLS + HW_CELLS * DX + 2.2
    for k, shaded in enumerate(sets):
        panel(ax, k * step, shaded)
    ax.set_xlim(-1.2, 4 * step - 0.6)
    ax.set_ylim(-1.0, N_CELLS + HW_CELLS * DY + 0.3)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.savefig(OUTPUT, dpi=80, bbox_inches="tight")
    print(f"{OUTPUT}: {OUTPUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
