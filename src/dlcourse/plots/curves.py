"""Learning curves, and accuracy against model size, drawn from recorded histories and tables."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from dlcourse.plots.print_size import FIGURE_WIDTH_IN
from dlcourse.train.history import History


def learning_curves(histories: dict[str, History], title: str = "") -> Figure:
    """Accuracy and loss against epoch: train (running mean over the epoch) dashed, test solid, validation
    (when recorded) dotted."""
    fig, (ax_acc, ax_loss) = plt.subplots(1, 2, figsize=(FIGURE_WIDTH_IN, 3.6), layout="constrained")
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
        ax.xaxis.get_major_locator().set_params(integer=True)
    handles, labels = ax_acc.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(3, len(labels)))  # one legend, off the data
    if title:
        fig.suptitle(title)
    return fig


def accuracy_vs_parameters(families: dict[str, list[dict]], title: str = "") -> Figure:
    """Test accuracy against parameter count (log scale), one marker series per model family;
    each point is labelled with its model's name (unique, where hidden-layer counts repeat)."""
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 4.2))
    for family, rows in families.items():
        params = [r["parameters"] for r in rows]
        accs = [100 * r["test_acc"] for r in rows]
        ax.plot(params, accs, "o", ms=7, label=family)
        for r, p, a in zip(rows, params, accs, strict=True):
            ax.annotate(r["model"], (p, a), textcoords="offset points", xytext=(5, 4), fontsize=8)
    ax.set(xscale="log", xlabel="parameters (weights + biases)", ylabel="test accuracy (%)", title=title)
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig
