"""Per-batch transforms that the training step applies after gathering a batch and before the forward pass.

A transform maps (images, targets, generator) to new (images, targets): augmentation changes the images,
mixup both, an adversary replaces the images by attacked ones. `fit(..., transform=...)` takes one;
`chain` composes several in order.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

BatchTransform = Callable[[torch.Tensor, torch.Tensor, torch.Generator], tuple[torch.Tensor, torch.Tensor]]
ImageTransform = Callable[[torch.Tensor, torch.Generator], torch.Tensor]


def on_images(fn: ImageTransform) -> BatchTransform:
    """A transform of the images alone (such as `augment.flip_and_crop(4)`), targets passed through."""

    def transform(x: torch.Tensor, y: torch.Tensor, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        return fn(x, generator), y

    return transform


def chain(*transforms: BatchTransform | None) -> BatchTransform | None:
    """Apply the given transforms left to right (None entries are skipped); None when there are none."""
    active = [t for t in transforms if t is not None]
    if not active:
        return None
    if len(active) == 1:
        return active[0]

    def transform(x: torch.Tensor, y: torch.Tensor, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        for t in active:
            x, y = t(x, y, generator)
        return x, y

    return transform
