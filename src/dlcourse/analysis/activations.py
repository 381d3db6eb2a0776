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
    modules = list(model.modules())
    targets = []
    for conv in conv_layers(model):
        following = modules[modules.index(conv) + 1]
        targets.append(following if not isinstance(following, nn.Conv2d) else conv)
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


def sparsity(maps: np.ndarray) -> float:
    """The share of exactly-zero activations (ReLU outputs that are off)."""
    return float((maps == 0).mean())
