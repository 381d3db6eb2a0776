"""Figures drawn from recorded data (histories, arrays), never from live models."""

from __future__ import annotations

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from dlcourse.train.history import History


def learning_curves(histories: dict[str, History], title: str = "") -> Figure:
    """Accuracy and loss against epoch: train (running mean over the epoch) dashed, test solid."""
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


def image_grid(images: np.ndarray, labels: list[str], cols: int = 6) -> Figure:
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
