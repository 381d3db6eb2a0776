"""Batched image augmentation on the device: random horizontal flips and random crops (translations).

Each function takes a batch `x` (N x C x H x W, any float dtype, on any device) and a torch.Generator on
the same device, and returns a new batch of the same shape, dtype and device, image i a transform of input
image i: the order is kept, so labels stay aligned. The randomness comes from `generator` only, so a seed
fixes it. Everything is a handful of whole-batch tensor operations: no per-image Python, as in airbench
(Keller Jordan, 2024), which flips and crops the whole training set on the GPU once per epoch.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

Augment = Callable[[torch.Tensor, torch.Generator], torch.Tensor]


def random_flip(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Mirror each image left-right with probability 1/2."""
    flip = torch.rand(len(x), device=x.device, generator=generator) < 0.5
    return torch.where(flip.view(-1, 1, 1, 1), x.flip(3), x)


def random_crop(x: torch.Tensor, generator: torch.Generator, padding: int = 2) -> torch.Tensor:
    """Shift each image by up to `padding` pixels in each direction, filling the border by reflection.

    The same as padding by `padding` and cutting a random H x W window, done for the whole batch with one
    gather. Reflection (airbench's choice) keeps the border free of the black bars zero padding adds.
    """
    if padding == 0:
        return x.clone()
    n, c, h, w = x.shape
    padded = F.pad(x, (padding,) * 4, mode="reflect")
    dy = torch.randint(0, 2 * padding + 1, (n, 1), device=x.device, generator=generator)
    dx = torch.randint(0, 2 * padding + 1, (n, 1), device=x.device, generator=generator)
    rows = (dy + torch.arange(h, device=x.device)).view(n, 1, h, 1)
    cols = (dx + torch.arange(w, device=x.device)).view(n, 1, 1, w)
    images = torch.arange(n, device=x.device).view(n, 1, 1, 1)
    channels = torch.arange(c, device=x.device).view(1, c, 1, 1)
    return padded[images, channels, rows, cols]


def flip_and_crop(padding: int = 2) -> Augment:
    """The standard CIFAR-10 augmentation: a random flip, then a random crop of up to `padding` pixels."""

    def augment(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        return random_crop(random_flip(x, generator), generator, padding)

    return augment
