"""Figures of the theory tasks: functions with their derivatives, gradient-descent paths."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


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
