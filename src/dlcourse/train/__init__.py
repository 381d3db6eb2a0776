"""The training engine: fit / evaluate over device-resident data, History, callbacks."""

from dlcourse.train.history import History
from dlcourse.train.loop import evaluate, evaluate_heads, fit, predict
from dlcourse.train.steps import count_correct, count_correct_per_head

__all__ = ["History", "count_correct", "count_correct_per_head", "evaluate", "evaluate_heads", "fit", "predict"]
