"""Figures for the tell-the-time task (leiden-a1 Task 2), drawn from recorded arrays."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from dlcourse.plots.print_size import FIGURE_WIDTH_IN
from dlcourse.telltime.error import DIAL
from dlcourse.train.history import History


def hhmm(total: float) -> str:
    """Minutes since 12:00 as h:mm (the nearest whole minute), 12 shown as 0 like the labels."""
    rounded = int(np.rint(total)) % DIAL
    return f"{rounded // 60}:{rounded % 60:02d}"


def clock_grid(images: np.ndarray, titles: list[str], cols: int = 8, title: str = "") -> Figure:
    """Clock images (N x H x W, uint8) tiled into one picture, each captioned above (e.g. with its time).

    One image in one axes rather than an axes per clock: many small axes make matplotlib slow.
    """
    n, h, w = images.shape
    cols = min(cols, n)
    rows = -(-n // cols)
    # Each clock is drawn as wide as the printed page allows for `cols` of them (at most 1.5 inches).
    inches = min(1.5, (FIGURE_WIDTH_IN - 0.08 * (cols - 1)) / cols) / w
    lines = max((text.count("\n") + 1 for text in titles), default=0)
    gap = round(0.08 / inches)
    caption = round((0.16 * lines + 0.04) / inches) if lines else 0  # room above each row for its caption
    canvas = np.full((rows * (h + caption + gap), cols * (w + gap) - gap), 255, dtype=np.uint8)
    for k, image in enumerate(images):
        top, left = (k // cols) * (h + caption + gap) + caption, (k % cols) * (w + gap)
        canvas[top : top + h, left : left + w] = image
    head = 0.45 if title else 0.0
    fig = plt.figure(figsize=(canvas.shape[1] * inches, canvas.shape[0] * inches + head))
    ax = fig.add_axes((0, 0, 1, canvas.shape[0] * inches / (canvas.shape[0] * inches + head)))
    ax.imshow(canvas, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
    for k, text in enumerate(titles):
        x, y = (k % cols) * (w + gap) + w / 2, (k // cols) * (h + caption + gap) + caption
        ax.text(x, y - 0.03 / inches, text, ha="center", va="bottom", fontsize=8, linespacing=1.1)
    ax.axis("off")
    if title:
        fig.suptitle(title, y=1 - 0.1 / (canvas.shape[0] * inches + head), va="top")
    return fig


def error_histograms(errors: dict[str, np.ndarray], title: str = "") -> Figure:
    """Common-sense errors per representation: one histogram panel each, on a shared logarithmic axis
    (errors run from fractions of a minute to 6 hours; errors under 0.1 min are counted at 0.1)."""
    cols = min(3, len(errors))
    rows = -(-len(errors) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(FIGURE_WIDTH_IN, 2.3 * rows + 0.3), squeeze=False, sharey=True, layout="constrained"
    )
    # Drawn on log10 of the error with hand-made ticks: a true log axis costs more than the rest of the figure.
    edges = np.linspace(-1, np.log10(360), 37)
    ticks = [0.1, 1, 10, 100]
    for ax in axes.flat[len(errors) :]:
        ax.set_visible(False)
    for ax, (name, err) in zip(axes.flat, errors.items(), strict=False):
        counts, _ = np.histogram(np.log10(np.clip(err, 0.1, 360)), bins=edges)
        ax.stairs(counts, edges, fill=True, color="tab:blue")
        ax.axvline(
            np.log10(max(float(np.median(err)), 0.1)), color="k", ls="--", lw=1, label=f"median {np.median(err):.1f}"
        )
        ax.axvline(np.log10(max(float(np.mean(err)), 0.1)), color="tab:red", lw=1, label=f"mean {np.mean(err):.1f}")
        ax.set_xticks(np.log10(ticks), [f"{t:g}" for t in ticks])
        ax.set(title=name, xlabel="common-sense error (min)", xlim=(edges[0], edges[-1]))
        ax.legend(loc="upper left")
    for row in axes:
        row[0].set_ylabel("test clocks")
    if title:
        fig.suptitle(title)
    return fig


def error_by_time(errors: dict[str, np.ndarray], true_minutes: np.ndarray, title: str = "") -> Figure:
    """Mean common-sense error against the true time, in half-hour bins: shows where on the dial a
    representation fails (a plain regression fails near 12 o'clock, where the number jumps from 12 to 0)."""
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 3.4), layout="constrained")
    bins = (np.asarray(true_minutes) // 30).astype(int)
    centres = np.arange(24) * 0.5 + 0.25
    for name, err in errors.items():
        means = np.array([err[bins == b].mean() if (bins == b).any() else np.nan for b in range(24)])
        ax.plot(centres, means, "-o", ms=3, label=name)
    ax.set(xlabel="true time (hours after 12:00)", ylabel="mean error (min)", xticks=range(13), xlim=(0, 12))
    ax.grid(alpha=0.3)
    fig.legend(loc="outside lower center", ncols=min(4, len(errors)))  # below the axes, off the curves
    if title:
        ax.set_title(title)
    return fig


def error_cdfs(errors: dict[str, np.ndarray], title: str = "") -> Figure:
    """Share of test clocks read within x minutes, one curve per representation."""
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 3.8))
    for name, err in errors.items():
        ordered = np.sort(err)
        ax.plot(np.maximum(ordered, 0.05), np.arange(1, len(ordered) + 1) / len(ordered) * 100, label=name)
    for x in (1, 5, 10):
        ax.axvline(x, color="0.7", lw=0.8, ls=":")
    ax.set(xscale="log", xlabel="common-sense error (min)", ylabel="test clocks within (%)", ylim=(0, 100))
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="lower right")  # the curves rise from the lower left to the upper right
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def training_curves(histories: dict[str, History], tolerance: float, title: str = "") -> Figure:
    """Per epoch: the share of clocks read within `tolerance` minutes (train dashed, validation solid) and
    the training loss as a share of its first epoch's, one colour per representation (the losses differ in
    kind, so only their shapes compare)."""
    fig, (ax_share, ax_loss) = plt.subplots(1, 2, figsize=(FIGURE_WIDTH_IN, 3.4), layout="constrained")
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (name, history) in enumerate(histories.items()):
        color = colors[i % len(colors)]
        epochs = history.column("epoch")
        ax_share.plot(epochs, [100 * v for v in history.column("train_acc")], "--", color=color)
        ax_share.plot(epochs, [100 * v for v in history.column("val_acc")], "-o", ms=3, color=color, label=name)
        losses = history.column("train_loss")
        ax_loss.plot(epochs, [v / losses[0] for v in losses], "-", color=color, label=name)
    ax_share.set(xlabel="epoch", ylabel=f"within {tolerance:g} min (%)", title="train (dashed), validation")
    ax_loss.set(xlabel="epoch", ylabel="training loss / epoch 1's", ylim=(0, None), title="training loss")
    for ax in (ax_share, ax_loss):
        ax.grid(alpha=0.3)
    fig.legend(*ax_share.get_legend_handles_labels(), loc="outside lower center", ncols=min(4, len(histories)))
    if title:
        fig.suptitle(title)
    return fig
