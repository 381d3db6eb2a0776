"""Batched image augmentation on the device: one call per batch, no per-image Python work.

Each function takes an N x C x H x W batch and the training loop's generator, so one seed fixes the
augmentation along with the data order.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def flip(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Mirror a random half of the images left to right."""
    mirror = torch.rand(len(x), device=x.device, generator=generator) < 0.5
    return torch.where(mirror.view(-1, 1, 1, 1), x.flip(3), x)


def crop(x: torch.Tensor, generator: torch.Generator, padding: int = 4) -> torch.Tensor:
    """A random H x W window of each image zero-padded by `padding` pixels on every side (the usual
    CIFAR augmentation: shifts of up to `padding` pixels, with black borders coming in)."""
    n, c, h, w = x.shape
    padded = F.pad(x, (padding,) * 4)
    top = torch.randint(0, 2 * padding + 1, (n,), device=x.device, generator=generator)
    left = torch.randint(0, 2 * padding + 1, (n,), device=x.device, generator=generator)
    # Two gathers, rows then columns: about twice as fast on the CPU as one four-way advanced index.
    rows = (top[:, None] + torch.arange(h, device=x.device)).view(n, 1, h, 1).expand(n, c, h, w + 2 * padding)
    cols = (left[:, None] + torch.arange(w, device=x.device)).view(n, 1, 1, w).expand(n, c, h, w)
    return padded.gather(2, rows).gather(3, cols)


def crop_and_flip(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random crop with 4-pixel padding, then a random horizontal flip."""
    return flip(crop(x, generator), generator)
