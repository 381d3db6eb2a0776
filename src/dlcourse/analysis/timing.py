"""Inference timing on a fixed device and batch size."""

from __future__ import annotations

import time

import torch
from torch import nn

from dlcourse.device import autocast_for


def inference_seconds(model: nn.Module, x: torch.Tensor, batch_size: int = 1000, repeats: int = 3) -> float:
    """Best-of-`repeats` wall time to predict every row of `x` (one warm-up pass first)."""
    device = next(model.parameters()).device
    x = x.to(device)
    was_training = model.training
    model.eval()
    best = float("inf")
    with torch.inference_mode(), autocast_for(device):
        for attempt in range(repeats + 1):
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            start = time.perf_counter()
            for i in range(0, len(x), batch_size):
                model(x[i : i + batch_size])
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            if attempt:
                best = min(best, time.perf_counter() - start)
    model.train(was_training)
    return best
