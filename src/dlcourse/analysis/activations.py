"""What each conv layer outputs for one image (bath-a2 task 5)."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from dlcourse.analysis.filters import conv_layers


def conv_activations(model: nn.Module, image: torch.Tensor) -> list[np.ndarray]:
    """The activation maps after each conv layer's nonlinearity for one image (C x H x W).

    A hook on the module that follows each conv (its activation) captures the output; returns one
    (channels, height, width) array per conv layer.
    """
    targets = [activation_after(model, conv) for conv in conv_layers(model)]
    captured: list[np.ndarray] = []
    hooks = [
        t.register_forward_hook(lambda _m, _i, out: captured.append(out[0].float().cpu().numpy())) for t in targets
    ]
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(image.unsqueeze(0).to(next(model.parameters()).device))
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    return captured


def activation_after(model: nn.Module, conv: nn.Conv2d) -> nn.Module:
    """The module right after `conv` (its nonlinearity), or the conv itself when another conv follows."""
    modules = list(model.modules())
    following = modules[modules.index(conv) + 1] if modules.index(conv) + 1 < len(modules) else conv
    return conv if isinstance(following, nn.Conv2d) else following


def sparsity(maps: np.ndarray) -> float:
    """The share of exactly-zero activations (ReLU outputs that are off)."""
    return float((maps == 0).mean())
