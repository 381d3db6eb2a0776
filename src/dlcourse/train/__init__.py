"""The training engine: fit / evaluate over device-resident data, History, callbacks."""

from dlcourse.train.history import History
from dlcourse.train.loop import evaluate, fit, predict
from dlcourse.train.steps import count_correct

__all__ = ["History", "count_correct", "evaluate", "fit", "predict"]
