"""DeepDream for a small classifier: gradient ascent on the input image (bath-a2 task 5).

Following Mordvintsev et al. (2015, "Inceptionism"): change the image, not the weights, to raise an
objective (a class logit, or a layer's mean activation). On 28x28 digits plain ascent produces
high-frequency noise that the network happens to like, so three standard tricks keep structure:

- octaves: the image is optimised through a coarse-to-fine parameterisation (each octave optimises a
  low-resolution image that is upsampled to 28x28 before the forward pass), so large strokes form first;
- jitter: a random shift of up to `jitter` pixels each step, so the result cannot rely on exact positions;
- regularisers: total variation (smoothness) and an L2 pull towards the starting image, which keeps a
  layer dream a modification of its input instead of a page of saturated ink.
Pixels stay in the model's input range [0, 1].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

Objective = Callable[[nn.Module, torch.Tensor], torch.Tensor]


def class_logit(target: int) -> Objective:
    return lambda model, x: model(x)[:, target].mean()


def layer_activation(layer: nn.Module) -> Objective:
    """The mean output of `layer` (captured with a forward hook)."""

    def objective(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
        out: list[torch.Tensor] = []
        hook = layer.register_forward_hook(lambda _m, _i, o: out.append(o))
        try:
            model(x)
        finally:
            hook.remove()
        return out[0].mean()

    return objective


@dataclass
class Dream:
    image: np.ndarray  # final image, H x W in [0, 1]
    snapshots: list[np.ndarray] = field(default_factory=list)  # images at `snapshot_steps`
    snapshot_steps: list[int] = field(default_factory=list)
    objective: list[float] = field(default_factory=list)  # objective value at every step


def _total_variation(x: torch.Tensor) -> torch.Tensor:
    return (x[..., 1:, :] - x[..., :-1, :]).abs().mean() + (x[..., :, 1:] - x[..., :, :-1]).abs().mean()


def deep_dream(
    model: nn.Module,
    start: torch.Tensor,
    objective: Objective,
    steps_per_octave: int = 60,
    octaves: tuple[float, ...] = (0.5, 0.75, 1.0),
    lr: float = 0.05,
    jitter: int = 2,
    tv_weight: float = 0.3,
    l2_weight: float = 0.02,
    snapshots: int = 6,
    seed: int = 0,
) -> Dream:
    """Ascend `objective` from `start` (1 x H x W in [0, 1]); returns the final image and its progression."""
    generator = torch.Generator().manual_seed(seed)
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    size = start.shape[-2:]
    image = start.detach().float().cpu().unsqueeze(0)
    anchor = image.clone()
    total = steps_per_octave * len(octaves)
    keep = set(np.linspace(0, total - 1, snapshots).round().astype(int).tolist())
    dream = Dream(image=np.empty(0))
    step = 0
    try:
        for scale in octaves:
            low = (max(4, round(size[0] * scale)), max(4, round(size[1] * scale)))
            param = F.interpolate(image, size=low, mode="bilinear", align_corners=False).requires_grad_(True)
            optimizer = torch.optim.Adam([param], lr=lr)
            for _ in range(steps_per_octave):
                full = F.interpolate(param, size=size, mode="bilinear", align_corners=False)
                dx, dy = torch.randint(-jitter, jitter + 1, (2,), generator=generator).tolist()
                shifted = torch.roll(full, shifts=(dy, dx), dims=(-2, -1)).clamp(0, 1)
                value = objective(model, shifted.to(device))
                loss = -value + tv_weight * _total_variation(full) + l2_weight * (full - anchor).square().mean()
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                with torch.no_grad():
                    param.clamp_(0, 1)
                dream.objective.append(float(value.detach()))
                if step in keep:
                    dream.snapshots.append(full.detach().clamp(0, 1)[0, 0].numpy().copy())
                    dream.snapshot_steps.append(step)
                step += 1
            image = F.interpolate(param.detach(), size=size, mode="bilinear", align_corners=False).clamp(0, 1)
    finally:
        for p in model.parameters():
            p.requires_grad_(True)
        model.train(was_training)
    dream.image = image[0, 0].numpy()
    return dream
