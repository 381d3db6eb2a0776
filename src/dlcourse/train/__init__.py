"""The training engine: fit / evaluate over device-resident data, TrainConfig, Metrics, History, callbacks."""

from dlcourse.train.config import TrainConfig
from dlcourse.train.history import History
from dlcourse.train.loop import evaluate, evaluate_heads, fit, predict
from dlcourse.train.metrics import ACCURACY, Metrics, count_correct, count_correct_per_head, per_head_accuracy

__all__ = [
    "ACCURACY",
    "History",
    "Metrics",
    "TrainConfig",
    "count_correct",
    "count_correct_per_head",
    "evaluate",
    "evaluate_heads",
    "fit",
    "per_head_accuracy",
    "predict",
]
