"""Draw the computation graph of batch normalization: assignment/batchnorm_graph.png.

The picture shows the forward pass for one feature (one column of the input):

    x -> mu, x -> v, mu -> v, v -> sigma, (x, mu, sigma) -> y, (y, gamma, beta) -> out

Run from anywhere:  .venv/bin/python assignment/tools/draw_batchnorm_graph.py
The PNG is committed; keep it small (a few tens of KB at most). It holds no words, only
formulas, so every language variant can show it; what it shows is said in the notebook.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch  # noqa: E402

OUTPUT = Path(__file__).resolve().parent.parent / "batchnorm_graph.png"

RADIUS = 0.42
# name: (x, y, label in the circle, formula written under the circle, is a parameter)
NODES = {
    "x": (0.0, 0.0, r"$x$", r"$x_1,\dots,x_N$", False),
    "mu": (2.6, 0.0, r"$\mu$", r"$\mu=\frac{1}{N}\sum_k x_k$", False),
    "v": (4.6, 1.7, r"$v$", r"$v=\frac{1}{N}\sum_k (x_k-\mu)^2$", False),
    "sigma": (7.0, 1.7, r"$\sigma$", r"$\sigma=\sqrt{v+\epsilon}$", False),
    "y": (8.8, 0.0, r"$y$", r"$y_i=\dfrac{x_i-\mu}{\sigma}$", False),
    "gamma": (10.0, 1.7, r"$\gamma$", "", True),
    "beta": (10.0, -1.7, r"$\beta$", "", True),
    "out": (11.2, 0.0, r"out", r"out$_i=\gamma y_i+\beta$", False),
}
# (from, to, curvature of the arrow)
EDGES = [
    ("x", "mu", 0.0),
    ("x", "v", 0.0),
    ("mu", "v", 0.0),
    ("v", "sigma", 0.0),
    ("x", "y", 0.42),
    ("mu", "y", 0.0),
    ("sigma", "y", 0.0),
    ("y", "out", 0.0),
    ("gamma", "out", 0.0),
    ("beta", "out", 0.0),
]


def main() -> None:
    fig, ax = plt.subplots(figsize=(8.0, 3.4), dpi=100)
    ax.set_xlim(-0.7, 12.2)
    ax.set_ylim(-2.4, 2.8)
    ax.set_aspect("equal")
    ax.axis("off")

    for x, y, label, formula, is_param in NODES.values():
        face = "#fdf0d5" if is_param else "#dbe9f6"
        ax.add_patch(Circle((x, y), RADIUS, facecolor=face, edgecolor="#33495d", lw=1.4, zorder=3))
        ax.text(x, y, label, ha="center", va="center", fontsize=14, zorder=4)
        if formula:
            dy = RADIUS + 0.38
            ax.text(x, y + dy if y > 0.5 else y - dy, formula, ha="center", va="center", fontsize=11, color="#222222")

    for start, end, rad in EDGES:
        x0, y0 = NODES[start][:2]
        x1, y1 = NODES[end][:2]
        ax.add_patch(
            FancyArrowPatch(
                (x0, y0),
                (x1, y1),
                connectionstyle=f"arc3,rad={rad}",
                arrowstyle="-|>",
                mutation_scale=14,
                lw=1.3,
                color="#33495d",
                shrinkA=RADIUS * 32,
                shrinkB=RADIUS * 32,
                zorder=2,
            )
        )

    fig.savefig(OUTPUT, dpi=100, bbox_inches="tight", pad_inches=0.05)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
