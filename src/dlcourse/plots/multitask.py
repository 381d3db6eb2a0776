"""The multi-task trade-off figure (bath-a2 Task 6.2)."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from dlcourse.plots.print_size import FIGURE_WIDTH_IN


def accuracy_vs_task_weight(
    lambdas: list[float],
    accuracies: dict[str, list[float]],
    single_task: dict[str, float],
    chance: dict[str, float],
    title: str = "",
) -> Figure:
    """Test accuracy of each head against the task-1 loss weight λ, with the single-task network's accuracy
    (dashed) and chance (dotted) for each task as horizontal lines."""
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 4.6), layout="constrained")
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for color, (name, values) in zip(colors, accuracies.items(), strict=False):
        ax.plot(lambdas, [100 * v for v in values], "-o", color=color, label=f"{name} (multi-task)")
        if name in single_task:
            ax.axhline(100 * single_task[name], color=color, ls="--", lw=1, label=f"{name}: single-task network")
        ax.axhline(100 * chance[name], color=color, ls=":", lw=1, label=f"{name}: chance")
    ax.set(xlabel="λ (weight of the item loss; 1 - λ weighs the group loss)", ylabel="test accuracy (%)", title=title)
    ax.set_xticks(lambdas)
    ax.grid(alpha=0.3)
    fig.legend(loc="outside lower center", ncols=3)  # below the axes: the lines fill the plot's width
    return fig
