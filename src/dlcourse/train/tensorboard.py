"""TensorBoard logging of the per-epoch history, active when the `tensorboard` package is installed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from torch import nn

from dlcourse.train.history import History


def tensorboard_available() -> bool:
    return importlib.util.find_spec("tensorboard") is not None


class TensorBoardLogger:
    """Writes every numeric column of each new History row as a scalar named by the column.

    One log folder per trained model and the same scalar names for all of them, so that `tensorboard
    --logdir runs` draws the models of a study as overlaid lines on one chart per column.
    """

    def __init__(self, log_dir: str | Path) -> None:
        from torch.utils.tensorboard import SummaryWriter

        self.writer = SummaryWriter(log_dir=str(log_dir))

    def on_epoch_end(self, history: History, model: nn.Module) -> bool:
        row = history.last
        for key, value in row.items():
            if key != "epoch":
                self.writer.add_scalar(key, value, int(row["epoch"]))
        self.writer.flush()
        return False

    def close(self) -> None:
        """Called by `fit` however training ends."""
        self.writer.close()
