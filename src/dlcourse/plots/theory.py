"""Figures of the theory tasks: functions with their derivatives, gradient-descent paths."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from dlcourse.plots.print_size import FIGURE_WIDTH_IN


def function_and_derivative(x: np.ndarray, curves: dict[str, tuple[np.ndarray, np.ndarray]], cols: int = 4) -> Figure:
    """One panel per function: f(x) solid and f'(x) dashed, on the same x; one legend for all, below."""
    rows = -(-len(curves) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(FIGURE_WIDTH_IN, 2.1 * rows + 0.4), squeeze=False, layout="constrained"
    )
    for ax, (name, (f, df)) in zip(axes.flat, curves.items(), strict=False):
        ax.plot(x, f, color="C0")
        ax.plot(x, df, "--", color="C1")
        ax.axhline(0, color="0.6", lw=0.6)
        ax.axvline(0, color="0.6", lw=0.6)
        ax.set_title(name)
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(curves) :]:
        ax.set_visible(False)
    handles = [Line2D([], [], color="C0", label="f(x)"), Line2D([], [], color="C1", ls="--", label="f'(x)")]
    fig.legend(handles=handles, loc="outside lower center", ncols=2)
    return fig


def descent_paths(
    grid_x: np.ndarray, grid_y: np.ndarray, values: np.ndarray, paths: dict[str, np.ndarray], title: str = ""
) -> Figure:
    """Gradient-descent paths (one per label) over the contours of a 2-D function."""
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 5.2))
    ax.contour(grid_x, grid_y, values, levels=np.geomspace(values.min() + 1e-3, values.max(), 18), cmap="Greys")
    for label, path in paths.items():
        ax.plot(path[:, 0], path[:, 1], "-o", ms=2.5, lw=1, label=label)
    ax.plot(0, 0, "k*", ms=10)
    ax.set(xlim=(grid_x.min(), grid_x.max()), ylim=(grid_y.min(), grid_y.max()), xlabel="θ₁", ylabel="θ₂")
    ax.set_aspect("equal")
    ax.legend(loc="lower right")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
