"""Sharpness-Aware Minimization (Foret, Kleiner, Mobahi and Neyshabur, "Sharpness-Aware Minimization for
Efficiently Improving Generalization", ICLR 2021), as a wrapper around any optimiser.

SAM minimises max over ||ε||₂ ≤ ρ of L(w + ε). To first order the inner maximum is at ε̂ = ρ g / ||g||₂
(g = ∇L(w)), and the update is the base optimiser's step with the gradient taken at w + ε̂:

    loss(w).backward();     sam.first_step(zero_grad=True)    # w ← w + ε̂
    loss(w + ε̂).backward(); sam.second_step(zero_grad=True)   # w ← w - ε̂, then the base step

Batch norm: the second pass must not update the running statistics (it sees perturbed weights); the
training step wraps it in `frozen_batchnorm_stats`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch import nn

from dlcourse.errors import InvalidSetting


class SAM:
    """Wraps `base`; `param_groups` are the base optimiser's, so learning-rate schedules reach it."""

    def __init__(self, base: torch.optim.Optimizer, rho: float = 0.05) -> None:
        if rho <= 0:
            raise InvalidSetting(f"SAM's rho must be greater than 0, got {rho}")
        self.base, self.rho = base, rho
        self.perturbation: dict[torch.Tensor, torch.Tensor] = {}

    @property
    def param_groups(self) -> list[dict[str, Any]]:
        return self.base.param_groups

    @property
    def state(self) -> Any:
        return self.base.state

    def state_dict(self) -> dict[str, Any]:
        return self.base.state_dict()

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.base.load_state_dict(state)

    def zero_grad(self, set_to_none: bool = True) -> None:
        self.base.zero_grad(set_to_none=set_to_none)

    @torch.no_grad()
    def first_step(self, zero_grad: bool = False) -> None:
        """Climb to w + ρ g / ||g||₂, the (first-order) worst point of the ρ-ball; remember the climb."""
        assert not self.perturbation, "first_step called twice without second_step in between"
        params = [p for group in self.param_groups for p in group["params"] if p.grad is not None]
        if not params:
            return
        # One norm over all parameters together (the paper's ||g||₂), on the device: no host sync.
        norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(p.grad) for p in params]))
        scale = self.rho / (norm + 1e-12)
        for p in params:
            e = p.grad * scale.to(p.grad.dtype)
            p.add_(e)
            self.perturbation[p] = e
        if zero_grad:
            self.zero_grad()

    @torch.no_grad()
    def second_step(self, zero_grad: bool = False) -> None:
        """Return to w and take the base optimiser's step with the gradient computed at w + ε̂."""
        for p, e in self.perturbation.items():
            p.sub_(e)
        self.perturbation.clear()
        self.base.step()
        if zero_grad:
            self.zero_grad()


@contextmanager
def frozen_batchnorm_stats(model: nn.Module) -> Iterator[None]:
    """Batch norm still normalises with the batch's statistics but does not update its running ones."""
    saved = []
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            saved.append((m, m.momentum, m.num_batches_tracked.clone() if m.num_batches_tracked is not None else None))
            m.momentum = 0.0  # running = (1 - 0) * running + 0 * batch: unchanged
    try:
        yield
    finally:
        for m, momentum, tracked in saved:
            m.momentum = momentum
            if tracked is not None:
                m.num_batches_tracked.copy_(tracked)
