"""Robust accuracy as a training-history column, so early stopping can keep the most robust epoch."""

from __future__ import annotations

import torch
from torch import nn

from dlcourse.attacks.base import Attack
from dlcourse.attacks.evaluate import robust_accuracy
from dlcourse.train.history import History
from dlcourse.train.loop import Split


class RobustAccuracy:
    """After each epoch, adds `column` = accuracy on `data` under `attack` to the epoch's row.

    List it before an `EarlyStopping(monitor=column)` so that one sees the new column. The attack's random
    start uses its own seeded generator, so every epoch is scored against the same noise.
    """

    def __init__(self, attack: Attack, data: Split, column: str = "val_robust_acc", seed: int = 0) -> None:
        self.attack, self.data, self.column, self.seed = attack, data, column, seed

    def on_epoch_end(self, history: History, model: nn.Module) -> bool:
        device = next(model.parameters()).device
        generator = torch.Generator(device=device).manual_seed(self.seed)
        history.last[self.column] = robust_accuracy(model, self.attack, self.data, generator=generator)
        return False
