"""Learned convolution kernels arranged as image mosaics (bath-a2 task 5)."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


def conv_layers(model: nn.Module) -> list[nn.Conv2d]:
    return [m for m in model.modules() if isinstance(m, nn.Conv2d)]


def kernel_mosaic(weight: torch.Tensor | np.ndarray, gap: int = 1) -> np.ndarray:
    """All kernels of a conv layer as one 2-D array: row o holds output filter o's kernels, one per input
    channel, separated by `gap` NaN pixels (drawn as blank), so a layer is one readable picture.

    weight: (out_channels, in_channels, k, k) -> (out * (k + gap) - gap, in * (k + gap) - gap)
    """
    w = torch.as_tensor(weight).detach().float().cpu().numpy()
    out_ch, in_ch, kh, kw = w.shape
    mosaic = np.full((out_ch * (kh + gap) - gap, in_ch * (kw + gap) - gap), np.nan, dtype=np.float32)
    for o in range(out_ch):
        for i in range(in_ch):
            mosaic[o * (kh + gap) : o * (kh + gap) + kh, i * (kw + gap) : i * (kw + gap) + kw] = w[o, i]
    return mosaic


def mean_kernels(weight: torch.Tensor | np.ndarray) -> np.ndarray:
    """Each output filter's kernel averaged over its input channels: (out, k, k), a readable summary."""
    return torch.as_tensor(weight).detach().float().cpu().mean(dim=1).numpy()
