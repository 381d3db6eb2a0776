"""Callbacks that `fit` calls after each epoch: early stopping with the best weights kept."""

from __future__ import annotations

from typing import Any

from torch import nn

from dlcourse.errors import InvalidSetting
from dlcourse.train.history import History


class EarlyStopping:
    """Stop when `monitor` (a History column, higher is better) has not improved for `patience` epochs in
    a row, and put the weights of the best epoch back when training ends.

    With patience 3 and the best value in epoch e, epochs e+1..e+3 without improvement stop training
    after epoch e+3 (fit3181-a1 3.5: "early stop if the valid accuracy cannot increase in three
    consecutive epochs"). `patience=None` never stops and only keeps the best weights.
    """

    def __init__(self, monitor: str = "val_acc", patience: int | None = 3, restore_best: bool = True) -> None:
        if patience is not None and patience < 1:
            raise InvalidSetting(f"patience must be at least 1, got {patience}")
        self.monitor, self.patience, self.restore_best = monitor, patience, restore_best
        self.best: float | None = None
        self.best_epoch = 0
        self.stopped_epoch: int | None = None
        self.best_state: dict | None = None
        self.wait = 0

    def on_epoch_end(self, history: History, model: nn.Module) -> bool:
        row = history.last
        if self.monitor not in row:
            raise InvalidSetting(f"early stopping monitors {self.monitor!r}, which the history does not record")
        value = row[self.monitor]
        if self.best is None or value > self.best:
            self.best, self.best_epoch, self.wait = value, int(row["epoch"]), 0
            if self.restore_best:
                self.best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            return False
        self.wait += 1
        if self.patience is not None and self.wait >= self.patience:
            self.stopped_epoch = int(row["epoch"])
            return True
        return False

    def state_dict(self) -> dict[str, Any]:
        """What a resumed run needs to carry on counting (see `checkpoint.py`)."""
        keys = ("best", "best_epoch", "stopped_epoch", "best_state", "wait")
        return {k: getattr(self, k) for k in keys}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            setattr(self, key, value)

    def on_train_end(self, history: History, model: nn.Module) -> None:
        if self.restore_best and self.best_state is not None:
            model.load_state_dict(self.best_state)
