"""Figures of hyper-parameter sweeps: the score per value of each hyper-parameter, and a transfer comparison."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from dlcourse.plots.print_size import FIGURE_WIDTH_IN


def marginal_scores(marginals: dict[str, dict[str, list[float]]], title: str, score: str = "validation") -> Figure:
    """One panel per hyper-parameter: every trial's accuracy (%) at the value it took (dots, jittered
    vertically), and each value's mean (a bar). Values keep the order they were first seen in."""
    names = list(marginals)
    cols = 2 if len(names) > 1 else 1
    rows = math.ceil(len(names) / cols)
    height = max(len(v) for v in marginals.values()) * 0.32 + 0.9
    fig, axes = plt.subplots(
        rows, cols, figsize=(FIGURE_WIDTH_IN, height * rows + 0.3), squeeze=False, layout="constrained"
    )
    rng = np.random.default_rng(0)
    for ax, name in zip(axes.flat, names, strict=False):
        values = marginals[name]
        for i, scores in enumerate(values.values()):
            pct = 100 * np.asarray(scores)
            ax.barh(i, pct.mean(), height=0.6, color="C0", alpha=0.25)
            ax.plot(pct, i + rng.uniform(-0.18, 0.18, len(pct)), "o", ms=4, color="C0")
            ax.text(pct.mean(), i + 0.3, f"{pct.mean():.2f} (n={len(pct)})", fontsize=8, va="center")
        lows = [min(v) for v in values.values()]
        ax.set_xlim(100 * min(lows) - 1, 100 * max(max(v) for v in values.values()) + 1)
        ax.set(yticks=range(len(values)), title=name, xlabel=f"{score} accuracy (%)")
        ax.set_yticklabels(list(values))
        ax.invert_yaxis()
        ax.grid(axis="x", alpha=0.3)
    for ax in list(axes.flat)[len(names) :]:
        ax.set_visible(False)
    fig.suptitle(title)
    return fig


def paired_bars(labels: list[str], series: dict[str, list[float]], title: str, ylabel: str) -> Figure:
    """Grouped bars: one group per label, one bar per series (e.g. a dataset), values in %."""
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH_IN, 4.2), layout="constrained")
    width = 0.8 / len(series)
    x = np.arange(len(labels))
    for k, (name, values) in enumerate(series.items()):
        bars = ax.bar(x + (k - (len(series) - 1) / 2) * width, [100 * v for v in values], width, label=name)
        ax.bar_label(bars, fmt="%.1f", fontsize=8)
    ax.set(xticks=x, ylabel=ylabel, title=title)
    ax.set_xticklabels(labels)
    fig.legend(loc="outside lower center", ncols=len(series))  # below the axes: the bars fill it
    ax.grid(axis="y", alpha=0.3)
    return fig
