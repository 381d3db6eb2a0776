"""Figures of a 2-D embedding (bath-a2 Task 1): points by class, class centres and spread, the scree plot."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse

from dlcourse.plots.print_size import FIGURE_WIDTH_IN

MARKERS = ("o", "s", "^", "v", "D", "P", "X", "*", "<", ">")


def _style(i: int) -> tuple[str, str]:
    return plt.get_cmap("tab10")(i % 10), MARKERS[i % len(MARKERS)]


def embedding_scatter(
    points: np.ndarray,
    labels: np.ndarray,
    classes: Sequence[str],
    centroids: np.ndarray,
    covariances: np.ndarray,
    axis_labels: tuple[str, str] = ("PC 1", "PC 2"),
) -> Figure:
    """Left: every point, coloured and marked by class (small, translucent, so 60,000 stay readable).
    Right: each class's centroid with its one- and two-standard-deviation ellipses."""
    fig, (ax_pts, ax_ctr) = plt.subplots(
        1, 2, figsize=(FIGURE_WIDTH_IN, 4.3), sharex=True, sharey=True, layout="constrained"
    )
    alpha = float(np.clip(9000 / max(len(points), 1), 0.15, 0.6))
    order = np.random.default_rng(0).permutation(len(points))  # no class is drawn entirely on top
    pts, lab = points[order], labels[order]
    for i, _ in enumerate(classes):
        color, marker = _style(i)
        mask = lab == i
        ax_pts.scatter(pts[mask, 0], pts[mask, 1], s=3, c=[color], marker=marker, alpha=alpha, lw=0, rasterized=True)
    handles = [
        Line2D([], [], ls="", marker=_style(i)[1], color=_style(i)[0], ms=8, label=name)
        for i, name in enumerate(classes)
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=5)  # below both panels, off the points
    ax_pts.set(xlabel=axis_labels[0], ylabel=axis_labels[1], title=f"{len(points):,} training images")
    for i, name in enumerate(classes):
        color, marker = _style(i)
        values, vectors = np.linalg.eigh(covariances[i])
        angle = np.degrees(np.arctan2(vectors[1, -1], vectors[0, -1]))
        for k, ls in ((1, "-"), (2, ":")):
            width, height = 2 * k * np.sqrt(np.maximum(values[::-1], 0))
            ax_ctr.add_patch(Ellipse(centroids[i], width, height, angle=angle, fill=False, ec=color, ls=ls, lw=1.5))
        ax_ctr.plot(*centroids[i], marker=marker, color=color, ms=9, mec="k")
        ax_ctr.annotate(name, centroids[i], xytext=(4, 4), textcoords="offset points", fontsize=8, weight="bold")
    ax_ctr.set(xlabel=axis_labels[0], title="class centroids\n1 sd (solid), 2 sd (dotted) ellipses")
    for ax in (ax_pts, ax_ctr):
        ax.grid(alpha=0.3)
    return fig


def scree(ratios: np.ndarray) -> Figure:
    """Explained-variance ratio of each principal component (bars) and the cumulative share (line)."""
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 3.4))
    ks = np.arange(1, len(ratios) + 1)
    ax.bar(ks, 100 * ratios, color="C0", label="per component")
    ax.set(xlabel="principal component", ylabel="explained variance (%)", xlim=(0.3, len(ratios) + 0.7))
    twin = ax.twinx()
    twin.plot(ks, 100 * np.cumsum(ratios), "-o", color="C3", ms=3, label="cumulative")
    twin.set(ylabel="cumulative (%)", ylim=(0, 100))
    for k in (2, len(ratios)):
        twin.annotate(
            f"{100 * ratios[:k].sum():.1f}%",
            (k, 100 * ratios[:k].sum()),
            xytext=(4, -12),
            textcoords="offset points",
            color="C3",
        )
    fig.legend(loc="center right", bbox_to_anchor=(0.85, 0.5))
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
