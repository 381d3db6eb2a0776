"""Learning-rate schedules, applied per step; written so the CUDA-graph step sees the new rate."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from dlcourse.registry import Registry

# A schedule maps (base rate, 0-based step, total steps) to the step's rate.
SCHEDULES: Registry[Callable[[float, int, int], float]] = Registry("lr schedule")

# airbench94's piecewise-linear schedule: from 0.2 x lr up to lr over the first 23% of the steps, then down to
# 0.07 x lr at the last step. The short warm-up lets batch norm settle before the large rates.
TRIANGLE = ((0.0, 0.23, 1.0), (0.2, 1.0, 0.07))


@SCHEDULES.register("constant")
def _constant(base_lr: float, step: int, total_steps: int) -> float:
    return base_lr


@SCHEDULES.register("cosine")
def _cosine(base_lr: float, step: int, total_steps: int) -> float:
    """From `base_lr` down towards 0 along half a cosine."""
    return base_lr * 0.5 * (1.0 + math.cos(math.pi * step / total_steps))


@SCHEDULES.register("triangle")
def _triangle(base_lr: float, step: int, total_steps: int) -> float:
    """See TRIANGLE."""
    return base_lr * float(np.interp(step / total_steps, *TRIANGLE))


def lr_at(schedule: str, base_lr: float, step: int, total_steps: int) -> float:
    """The rate for 0-based `step` of `total_steps` under the schedule named `schedule` (one of SCHEDULES)."""
    return SCHEDULES.get(schedule)(base_lr, step, total_steps)


def set_lr(group: dict[str, Any], lr: float) -> None:
    """Set one parameter group's rate; a tensor rate (fused CUDA Adam) is filled in place so graphs read it."""
    if torch.is_tensor(group["lr"]):
        group["lr"].fill_(lr)
    else:
        group["lr"] = lr
