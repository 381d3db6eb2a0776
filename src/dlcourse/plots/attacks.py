"""Clean images next to their attacked versions, each titled with the model's prediction."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


def attacked_images(
    rows: dict[str, np.ndarray], predictions: dict[str, np.ndarray], labels: np.ndarray, classes: tuple[str, ...]
) -> Figure:
    """One row per version (clean first, then each attack), one column per image; images N x H x W x C in [0, 1].

    Titles give the predicted class, green when it is the true label and red when not.
    """
    n = len(labels)
    fig, axes = plt.subplots(len(rows), n, figsize=(0.95 * n, 1.15 * len(rows) + 0.3), squeeze=False)
    for r, (name, images) in enumerate(rows.items()):
        for c in range(n):
            ax = axes[r, c]
            ax.imshow(np.clip(images[c], 0, 1), interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            pred = int(predictions[name][c])
            ax.set_title(classes[pred], fontsize=6, color="tab:green" if pred == labels[c] else "tab:red")
            if c == 0:
                ax.set_ylabel(name, fontsize=8)
    fig.tight_layout(pad=0.3)
    return fig
