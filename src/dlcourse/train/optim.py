"""Optimisers by name, configured the same way for the plain and the CUDA-graph paths."""

from __future__ import annotations

from collections.abc import Iterable

import torch

from dlcourse.errors import UnknownName

OPTIMIZERS = ("adam", "adamw", "sgd")


def make_optimizer(
    name: str,
    params: Iterable[torch.nn.Parameter],
    lr: float,
    device: torch.device,
    weight_decay: float = 0.0,
    momentum: float = 0.9,
) -> torch.optim.Optimizer:
    """Adam/AdamW use the fused, capturable CUDA kernels on GPU (one launch per step, graph-safe), with
    the rate as a device tensor so a schedule can change it between graph replays."""
    cuda = device.type == "cuda"
    fast = {"fused": True, "capturable": True} if cuda else {}
    adam_lr = torch.tensor(lr, device=device) if cuda else lr
    if name == "adam":
        return torch.optim.Adam(params, lr=adam_lr, weight_decay=weight_decay, **fast)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=adam_lr, weight_decay=weight_decay, **fast)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
    raise UnknownName(f"unknown optimizer {name!r}; known: {', '.join(OPTIMIZERS)}")
