"""Learning-rate schedules, applied per step; written so the CUDA-graph step sees the new rate."""

from __future__ import annotations

import math

import torch

from dlcourse.errors import UnknownName

SCHEDULES = ("constant", "cosine")


def lr_at(schedule: str, base_lr: float, step: int, total_steps: int) -> float:
    """The rate for 0-based `step` of `total_steps`: constant, or a cosine from `base_lr` down towards 0."""
    if schedule == "constant":
        return base_lr
    if schedule == "cosine":
        return base_lr * 0.5 * (1.0 + math.cos(math.pi * step / total_steps))
    raise UnknownName(f"unknown lr schedule {schedule!r}; known: {', '.join(SCHEDULES)}")


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    """Set every group's rate; a tensor rate (fused CUDA Adam) is filled in place so graphs read it."""
    for group in optimizer.param_groups:
        if torch.is_tensor(group["lr"]):
            group["lr"].fill_(lr)
        else:
            group["lr"] = lr
