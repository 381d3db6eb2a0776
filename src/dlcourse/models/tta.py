"""Test-time augmentation: classify an image from the mean logits of a few of its flips and shifts."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class ViewAverage(nn.Module):
    """Wraps a trained classifier for evaluation: the logits are averaged over the image and its mirror
    image, and with `translate`, half-and-half with the mirrored pair of the image shifted one pixel up-left
    and one pixel down-right (reflected borders). airbench's TTA level 1 and 2."""

    def __init__(self, model: nn.Module, translate: bool = True) -> None:
        super().__init__()
        self.model, self.translate = model, translate

    def mirrored(self, x: torch.Tensor) -> torch.Tensor:
        return 0.5 * (self.model(x) + self.model(x.flip(3)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits = self.mirrored(x)
        if not self.translate:
            return logits
        h, w = x.shape[2:]
        padded = F.pad(x, (1, 1, 1, 1), mode="reflect")
        shifted = self.mirrored(padded[:, :, :h, :w]) + self.mirrored(padded[:, :, 2 : h + 2, 2 : w + 2])
        return 0.5 * logits + 0.25 * shifted
