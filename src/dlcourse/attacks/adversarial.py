"""Adversarial training (Madry et al. 2018): every training batch is replaced by its attacked version, so the
model minimises the loss at the worst point the attack finds in each image's eps-ball."""

from __future__ import annotations

import torch
from torch import nn

from dlcourse.attacks.base import Attack
from dlcourse.train.transforms import BatchTransform


def adversarial_batches(model: nn.Module, attack: Attack) -> BatchTransform:
    """A batch transform for `fit(..., transform=...)`: (x, y) → (attack(model, x, y), y).

    The attack runs the model in eval mode and returns it to training mode before the update's forward
    pass; a random start draws from the training loop's generator, so one seed fixes it too.
    """

    def transform(x: torch.Tensor, y: torch.Tensor, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        return attack(model, x, y, generator), y

    return transform
