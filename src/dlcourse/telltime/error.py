"""The brief's "common sense" error: how far apart two times are on a 12-hour dial, in minutes."""

from __future__ import annotations

import numpy as np
import torch

DIAL = 720  # minutes around a 12-hour dial
CONSTANT_BASELINE = DIAL / 4  # mean error of always answering the same time, for uniformly spread times


def minutes_since_twelve(hours, minutes):
    """(hour 0-11, minute 0-59) -> minutes since 12:00, 0-719."""
    return hours * 60 + minutes


def clock_time(total):
    """Minutes since 12:00 (any real number) -> (hour 0-11, minute 0-59) of the nearest whole minute."""
    rounded = np.rint(np.asarray(total, dtype=np.float64)).astype(np.int64) % DIAL
    return rounded // 60, rounded % 60


def common_sense_error(predicted, true):
    """|predicted - true| the short way round the dial, in minutes (0 to 360): 11:55 vs 0:05 is 10.

    Works elementwise on NumPy arrays and torch tensors alike; inputs are minutes since 12:00 (any real
    number: 725 and 5 are the same time).
    """
    lib = torch if isinstance(predicted, torch.Tensor) or isinstance(true, torch.Tensor) else np
    gap = lib.remainder(predicted - true, DIAL)
    return lib.minimum(gap, DIAL - gap)


def error_summary(errors: np.ndarray) -> dict[str, float]:
    """Median and mean common-sense error (minutes) and the shares within 1, 5 and 10 minutes."""
    errors = np.asarray(errors, dtype=np.float64)
    return {
        "median_min": float(np.median(errors)),
        "mean_min": float(errors.mean()),
        "within_1": float((errors <= 1).mean()),
        "within_5": float((errors <= 5).mean()),
        "within_10": float((errors <= 10).mean()),
    }
