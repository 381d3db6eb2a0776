"""The evaluation image of a trained classifier: learning curves beside its test confusion matrix."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from dlcourse.plots.print_size import FIGURE_WIDTH_IN
from dlcourse.train.history import History


def confusion_axes(ax: Axes, matrix: np.ndarray, classes: Sequence[str], title: str = "") -> None:
    """Counts in each cell, coloured by the share of the true class (the row), so classes of different
    sizes read alike."""
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    ticks = np.arange(len(classes))
    ax.set_xticks(ticks, classes, rotation=60, ha="right")
    ax.set_yticks(ticks, classes)
    ax.set(xlabel="predicted", ylabel="true", title=title or f"confusion matrix ({int(matrix.sum()):,} images)")
    for i, j in np.ndindex(matrix.shape):
        color = "white" if shares[i, j] > 0.5 else "black"
        ax.text(j, i, f"{matrix[i, j]}", ha="center", va="center", fontsize=8, color=color)


def column_by_run(histories: dict[str, History], column: str, ylabel: str) -> Figure:
    """One history column (an accuracy, as a percentage) against epoch, one line per run."""
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 4.2))
    for label, history in histories.items():
        ax.plot(history.column("epoch"), [100 * v for v in history.column(column)], "-o", ms=3, label=label)
    ax.set(xlabel="epoch", ylabel=ylabel)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return fig


def evaluation_image(history: History, matrix: np.ndarray, classes: Sequence[str], title: str = "") -> Figure:
    """Accuracy and loss per epoch for training (running mean over the epoch, dashed) and validation (or
    test, when no validation set was held out) side by side, and the test confusion matrix below them, large
    enough for its counts to print at 8 pt."""
    fig = plt.figure(figsize=(FIGURE_WIDTH_IN, 7.6), layout="constrained")
    grid = fig.add_gridspec(2, 2, height_ratios=(1, 1.9))
    ax_acc, ax_loss, ax_cm = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, :])
    held = "val" if "val_acc" in history.last else "test"
    epochs = history.column("epoch")
    for ax, metric, scale in ((ax_acc, "acc", 100.0), (ax_loss, "loss", 1.0)):
        ax.plot(epochs, [v * scale for v in history.column(f"train_{metric}")], "--o", ms=3, label="train")
        if f"{held}_{metric}" in history.last:
            ax.plot(epochs, [v * scale for v in history.column(f"{held}_{metric}")], "-o", ms=3, label=held)
        ax.grid(alpha=0.3)
        ax.legend()
        ax.xaxis.get_major_locator().set_params(integer=True)
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    ax_loss.set(xlabel="epoch", ylabel="loss", title="loss")
    confusion_axes(ax_cm, matrix, classes, f"test confusion matrix ({int(matrix.sum()):,} images)")
    if title:
        fig.suptitle(title)
    return fig
