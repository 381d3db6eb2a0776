"""Figures of per-pair results (bath-a2 Tasks 1 and 2): accuracy heatmaps, weight images, error curves."""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

from dlcourse.plots.print_size import FIGURE_WIDTH_IN


def pair_heatmaps(tables: dict[str, np.ndarray], classes: Sequence[str], threshold: float | None = None) -> Figure:
    """One k x k panel per table of pairwise accuracies (as %), each cell annotated; cells at or above
    `threshold` are outlined. The colour scale is shared so panels compare directly. Two panels sit one
    above the other, each as wide as the page allows, so that the cells' numbers print at 8 pt."""
    finite = np.concatenate([t[np.isfinite(t)] for t in tables.values()])
    low = float(np.floor(100 * finite.min()))
    n = len(tables)
    fig, axes = plt.subplots(n, 1, figsize=(5.2, 4.3 * n), squeeze=False, layout="constrained")
    for ax, (title, table) in zip(axes[:, 0], tables.items(), strict=True):
        image = ax.imshow(100 * table, cmap="viridis", vmin=low, vmax=100)
        k = len(classes)
        for i in range(k):
            for j in range(k):
                if i == j:
                    continue
                value = 100 * table[i, j]
                dark = value < low + 0.6 * (100 - low)
                ax.text(j, i, f"{value:.1f}", ha="center", va="center", fontsize=8, color="w" if dark else "k")
                if threshold is not None and table[i, j] >= threshold:
                    ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec="red", lw=1.5))
        ax.set(xticks=range(k), yticks=range(k), xticklabels=classes, yticklabels=classes, title=title)
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="test accuracy (%)")
    return fig


def _weight_axes(ax: Axes, w: np.ndarray, title: str) -> AxesImage:
    edge = math.isqrt(w.size)
    limit = float(np.abs(w).max()) or 1.0
    image = ax.imshow(w.reshape(edge, edge), cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set(xticks=[], yticks=[])
    ax.set_title(title, fontsize=9)
    return image


def weight_image(w: np.ndarray, title: str) -> Figure:
    """A weight vector as a square image on a diverging colour map centred on 0, with its colour bar."""
    fig, ax = plt.subplots(figsize=(4.6, 4))
    image = _weight_axes(ax, w, title)
    fig.colorbar(image, ax=ax, label="weight")
    fig.tight_layout()
    return fig


def weight_grid(weights: np.ndarray, titles: Sequence[str], ncols: int = 5) -> Figure:
    """Many weight vectors as square images on one grid, each tile scaled to its own largest |w|
    (a perceptron's weights are only defined up to a positive factor). The tiles form one mosaic image,
    which draws far faster than a grid of axes; each is 1.6 inches wide, or less where `ncols` would not
    fit the printed page."""
    edge = math.isqrt(weights.shape[1])
    nrows, gap = -(-len(weights) // ncols), 2
    mosaic = np.full((nrows * (edge + gap), ncols * (edge + gap)), np.nan)
    for k, w in enumerate(weights):
        row, col = divmod(k, ncols)
        top, left = row * (edge + gap), col * (edge + gap)
        mosaic[top : top + edge, left : left + edge] = w.reshape(edge, edge) / (np.abs(w).max() or 1.0)
    tile = min(1.6, (FIGURE_WIDTH_IN - 0.9) / ncols)  # room for the colour bar
    fig, ax = plt.subplots(figsize=(tile * ncols + 0.9, (tile + 0.22) * nrows + 0.3))
    cmap = plt.get_cmap("RdBu_r").with_extremes(bad="white")
    image = ax.imshow(mosaic, cmap=cmap, vmin=-1, vmax=1, interpolation="nearest")
    for k, title in enumerate(titles):
        row, col = divmod(k, ncols)
        ax.text(col * (edge + gap) + edge / 2, row * (edge + gap) - 0.6, title, ha="center", va="bottom", fontsize=8)
    ax.set_ylim(nrows * (edge + gap) - gap - 0.5, -3)
    ax.axis("off")
    fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label="w / max|w|")
    return fig


def error_curves(curves: np.ndarray, labels: Sequence[str], highlight: Sequence[int] = ()) -> Figure:
    """Training error against iteration, one line per row of `curves` (NaN after a run stopped);
    the rows in `highlight` are drawn in colour and named, the rest in grey."""
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 4.2))
    iterations = np.arange(1, curves.shape[1] + 1)
    for i, curve in enumerate(curves):
        if i not in highlight:
            ax.plot(iterations, 100 * curve, color="0.6", lw=0.6, alpha=0.6)
    for n, i in enumerate(highlight):
        ax.plot(iterations, 100 * curves[i], color=f"C{n % 10}", lw=1.4, label=labels[i])
    ax.set(xlabel="iteration", ylabel="training error (%)", yscale="log")
    ax.grid(alpha=0.3, which="both")
    if len(highlight):
        ax.legend()
    fig.tight_layout()
    return fig
