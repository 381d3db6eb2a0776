"""Per-batch transforms that the training step applies after gathering a batch and before the forward pass.

A transform maps (images, targets, generator) to new (images, targets): augmentation changes the images,
mixup both, an adversary replaces the images by attacked ones. `fit(..., transform=...)` takes one;
`chain` composes several in order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
    return active[0] if len(active) == 1 else Chain(active)


class Chain:
    """Transforms applied in turn; its state (for a resumed run) is that of each transform that keeps one."""

    def __init__(self, transforms: list[BatchTransform]) -> None:
        self.transforms = transforms

    def __call__(
        self, x: torch.Tensor, y: torch.Tensor, generator: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor]:
        for t in self.transforms:
            x, y = t(x, y, generator)
        return x, y

    def state_dict(self) -> list[Any]:
        return [t.state_dict() if hasattr(t, "state_dict") else None for t in self.transforms]

    def load_state_dict(self, states: list[Any]) -> None:
        for t, state in zip(self.transforms, states, strict=True):
            if state is not None:
                t.load_state_dict(state)
