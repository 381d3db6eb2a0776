"""Clean images next to their attacked versions, each titled with the model's prediction."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from dlcourse.plots.print_size import FIGURE_WIDTH_IN


def attacked_images(
    rows: dict[str, np.ndarray],
    predictions: dict[str, np.ndarray],
    labels: np.ndarray,
    classes: tuple[str, ...],
    per_row: int = 10,
) -> Figure:
    """One row per version (clean first, then each attack), one column per image, `per_row` images to a
    band of rows (20 images make two bands of 10, so the figure fits the printed page); images
    N x H x W x C in [0, 1]. Titles give the predicted class, green when it is the true label and red when not.
    """
    n = len(labels)
    cols, bands = min(n, per_row), -(-n // per_row)
    size = (FIGURE_WIDTH_IN / per_row * cols, 0.86 * bands * len(rows) + 0.1)
    fig, axes = plt.subplots(bands * len(rows), cols, figsize=size, squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for k in range(n):
        band, c = divmod(k, per_row)
        for r, (name, images) in enumerate(rows.items()):
            ax = axes[band * len(rows) + r, c]
            ax.axis("on")
            ax.imshow(np.clip(images[k], 0, 1), interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            pred = int(predictions[name][k])
            ax.set_title(classes[pred], fontsize=8, pad=2, color="tab:green" if pred == labels[k] else "tab:red")
            if c == 0:
                ax.set_ylabel(name, fontsize=8)
    fig.tight_layout(pad=0.2, h_pad=0.3, w_pad=0.1)
    return fig
