"""Images on grids: weights, kernels, activation maps, samples with their labels."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from dlcourse.plots.print_size import FIGURE_WIDTH_IN


def image_grid(
    images: list,
    titles: list[str] | None = None,
    ncols: int = 8,
    cmap: str = "gray",
    symmetric: bool = False,
    title: str = "",
    panel: float = 1.1,
) -> Figure:
    """Images on a grid, one shared colour scale (symmetric around 0 when `symmetric`), with a colour bar.
    Each image is `panel` inches wide, or less where `ncols` of them would not fit the printed page."""
    nrows = -(-len(images) // ncols)
    panel = min(panel, (FIGURE_WIDTH_IN - 0.7) / ncols)  # room for the colour bar
    rows_in = (panel + (0.2 if titles else 0.05)) * nrows + (0.35 if title else 0.1)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel * ncols + 0.7, rows_in), squeeze=False)
    stack = np.concatenate([np.ravel(im) for im in images])
    stack = stack[np.isfinite(stack)]
    vmax = float(np.abs(stack).max()) if symmetric else float(stack.max())
    vmin = -vmax if symmetric else float(stack.min())
    shown = None
    for k, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if k < len(images):
            shown = ax.imshow(images[k], cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
            if titles:
                ax.set_title(titles[k], fontsize=8, pad=2)
        else:
            ax.axis("off")
    if shown is not None:
        fig.colorbar(shown, ax=axes.ravel().tolist(), shrink=0.8, fraction=0.02)
    if title:
        fig.suptitle(title)
    return fig


def mosaic(array, title: str, symmetric: bool = True, size: tuple[float, float] = (FIGURE_WIDTH_IN, 3.5)) -> Figure:
    """One large array (e.g. every kernel of a layer) as a single image; NaN gaps are drawn blank."""
    fig, ax = plt.subplots(figsize=size)
    vmax = float(np.nanmax(np.abs(array)))
    cmap = plt.get_cmap("RdBu_r").with_extremes(bad="white")
    shown = ax.imshow(array, cmap=cmap, vmin=-vmax if symmetric else None, vmax=vmax, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title)
    fig.colorbar(shown, ax=ax, fraction=0.02)
    return fig


def labelled_images(images: np.ndarray, labels: list[str], cols: int = 6) -> Figure:
    """Grayscale images (N x H x W) in a grid, each titled with its label."""
    rows = -(-len(images) // cols)
    edge = min(1.4, FIGURE_WIDTH_IN / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(edge * cols, (edge + 0.2) * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, image, label in zip(axes.flat, images, labels, strict=False):
        ax.imshow(image, cmap="gray_r")
        ax.set_title(label, fontsize=9 if edge >= 1 else 8)  # 8 pt: a narrow column's longest label fits
    fig.tight_layout()
    return fig
