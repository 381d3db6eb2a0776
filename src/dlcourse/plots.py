"""Figures drawn from recorded data (histories, arrays), never from live models."""

from __future__ import annotations

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from dlcourse.train.history import History


def learning_curves(histories: dict[str, History], title: str = "") -> Figure:
    """Accuracy and loss against epoch: train (running mean over the epoch) dashed, test solid, validation
    (when recorded) dotted."""
    fig, (ax_acc, ax_loss) = plt.subplots(1, 2, figsize=(10, 3.8))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (label, history) in enumerate(histories.items()):
        color = colors[i % len(colors)]
        epochs = history.column("epoch")
        prefix = f"{label}: " if len(histories) > 1 else ""
        for ax, metric, scale in ((ax_acc, "acc", 100.0), (ax_loss, "loss", 1.0)):
            ax.plot(
                epochs,
                [v * scale for v in history.column(f"train_{metric}")],
                "--o",
                ms=3,
                color=color,
                label=f"{prefix}train",
            )
            if "test_acc" in history.last:
                ax.plot(
                    epochs,
                    [v * scale for v in history.column(f"test_{metric}")],
                    "-o",
                    ms=3,
                    color=color,
                    label=f"{prefix}test",
                )
            if "val_acc" in history.last:
                values = [v * scale for v in history.column(f"val_{metric}")]
                ax.plot(epochs, values, ":s", ms=3, color=color, label=f"{prefix}validation")
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy", title="loss", yscale="log")
    for ax in (ax_acc, ax_loss):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        ax.xaxis.get_major_locator().set_params(integer=True)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def accuracy_vs_parameters(families: dict[str, list[dict]], title: str = "") -> Figure:
    """Test accuracy against parameter count (log scale), one marker series per model family;
    each point is labelled with its number of hidden layers."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for family, rows in families.items():
        params = [r["parameters"] for r in rows]
        accs = [100 * r["test_acc"] for r in rows]
        ax.plot(params, accs, "o", ms=7, label=family)
        for r, p, a in zip(rows, params, accs, strict=True):
            ax.annotate(f"{r['hidden_layers']}L", (p, a), textcoords="offset points", xytext=(5, 4), fontsize=8)
    ax.set(xscale="log", xlabel="parameters (weights + biases)", ylabel="test accuracy (%)", title=title)
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    fig.tight_layout()
    return fig


def image_grid(
    images: list,
    titles: list[str] | None = None,
    ncols: int = 8,
    cmap: str = "gray",
    symmetric: bool = False,
    title: str = "",
    panel: float = 1.1,
) -> Figure:
    """Images on a grid, one shared colour scale (symmetric around 0 when `symmetric`), with a colour bar."""
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel * ncols, panel * nrows + 0.4), squeeze=False)
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
                ax.set_title(titles[k], fontsize=7)
        else:
            ax.axis("off")
    if shown is not None:
        fig.colorbar(shown, ax=axes.ravel().tolist(), shrink=0.8, fraction=0.02)
    if title:
        fig.suptitle(title)
    return fig


def mosaic(array, title: str, symmetric: bool = True, size: tuple[float, float] = (10, 5)) -> Figure:
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


def function_and_derivative(x: np.ndarray, curves: dict[str, tuple[np.ndarray, np.ndarray]], cols: int = 4) -> Figure:
    """One panel per function: f(x) solid and f'(x) dashed, on the same x."""
    rows = -(-len(curves) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.6 * rows), squeeze=False)
    for ax, (name, (f, df)) in zip(axes.flat, curves.items(), strict=False):
        ax.plot(x, f, label=name)
        ax.plot(x, df, "--", label=f"{name}'")
        ax.axhline(0, color="0.6", lw=0.6)
        ax.axvline(0, color="0.6", lw=0.6)
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    for ax in axes.flat[len(curves) :]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


def descent_paths(
    grid_x: np.ndarray, grid_y: np.ndarray, values: np.ndarray, paths: dict[str, np.ndarray], title: str = ""
) -> Figure:
    """Gradient-descent paths (one per label) over the contours of a 2-D function."""
    fig, ax = plt.subplots(figsize=(7, 5.2))
    ax.contour(grid_x, grid_y, values, levels=np.geomspace(values.min() + 1e-3, values.max(), 18), cmap="Greys")
    for label, path in paths.items():
        ax.plot(path[:, 0], path[:, 1], "-o", ms=2.5, lw=1, label=label)
    ax.plot(0, 0, "k*", ms=10)
    ax.set(xlim=(grid_x.min(), grid_x.max()), ylim=(grid_y.min(), grid_y.max()), xlabel="θ₁", ylabel="θ₂")
    ax.set_aspect("equal")
    ax.legend(fontsize=8, loc="lower right")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def labelled_images(images: np.ndarray, labels: list[str], cols: int = 6) -> Figure:
    """Grayscale images (N x H x W) in a grid, each titled with its label."""
    rows = -(-len(images) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.4 * cols, 1.55 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, image, label in zip(axes.flat, images, labels, strict=False):
        ax.imshow(image, cmap="gray_r")
        ax.set_title(label, fontsize=9)
    fig.tight_layout()
    return fig
