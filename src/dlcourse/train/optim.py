"""Optimisers by name, configured the same way for the plain and the CUDA-graph paths."""

from __future__ import annotations

from collections.abc import Iterable

import torch

from dlcourse.errors import UnknownName

OPTIMIZERS = ("adam", "adamw", "sgd", "rmsprop")


def make_optimizer(
    name: str,
    params: Iterable[torch.nn.Parameter],
    lr: float,
    device: torch.device,
    weight_decay: float = 0.0,
    momentum: float = 0.9,
) -> torch.optim.Optimizer:
    """`momentum` applies to SGD and RMSprop. Adam/AdamW use the fused kernels, on the CPU too.

    On GPU every optimiser keeps its rate in a device tensor and reads it from there (Adam, AdamW and SGD
    through their fused kernels, RMSprop as `capturable`): a CUDA graph that replays the step then sees the
    rate a schedule sets between replays, where a Python float would stay frozen at its captured value.
    """
    cuda = device.type == "cuda"
    rate = torch.tensor(lr, device=device) if cuda else lr
    # The fused kernel is one pass over each tensor on the CPU too: 5x faster than the default loop for a
    # 23M-parameter model at batch 10, where the update costs more than the forward and backward passes.
    if name == "adam":
        return torch.optim.Adam(params, lr=rate, weight_decay=weight_decay, fused=True, capturable=cuda)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=rate, weight_decay=weight_decay, fused=True, capturable=cuda)
    if name == "sgd":
        fused = {"fused": True} if cuda else {}
        return torch.optim.SGD(params, lr=rate, momentum=momentum, weight_decay=weight_decay, **fused)
    if name == "rmsprop":  # Keras's rho = 0.9
        return torch.optim.RMSprop(
            params, lr=rate, alpha=0.9, momentum=momentum, weight_decay=weight_decay, capturable=cuda
        )
    raise UnknownName(f"unknown optimizer {name!r}; known: {', '.join(OPTIMIZERS)}")
