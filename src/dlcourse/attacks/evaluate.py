"""Robust accuracy: the share of images still classified correctly after the attack."""

from __future__ import annotations

import torch
from torch import nn

from dlcourse.attacks.base import Attack
from dlcourse.device import autocast_for
from dlcourse.train.loop import Split, to_device


def robust_accuracy(
    model: nn.Module,
    attack: Attack | None,
    data: Split,
    batch_size: int = 500,
    generator: torch.Generator | None = None,
) -> float:
    """Accuracy on `data` after `attack` (None: the clean accuracy), in eval mode, batch by batch.

    The count stays on the device and is read once at the end.
    """
    device = next(model.parameters()).device
    x, y = to_device(data, device)
    was_training = model.training
    model.eval()
    correct = torch.zeros((), dtype=torch.long, device=device)
    for start in range(0, len(x), batch_size):
        xb, yb = x[start : start + batch_size], y[start : start + batch_size]
        if attack is not None:
            xb = attack(model, xb, yb, generator)
        with torch.no_grad(), autocast_for(device):
            correct += (model(xb).argmax(1) == yb).sum()
    model.train(was_training)
    return correct.item() / len(x)
