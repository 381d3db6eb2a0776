"""MIM (MI-FGSM): Dong, Liao, Pang, Su, Zhu, Hu and Li, "Boosting Adversarial Attacks with Momentum"
(CVPR 2018)."""

from __future__ import annotations

import torch
from torch import nn

from dlcourse.attacks.base import ATTACKS, Attack
from dlcourse.device import Precision
from dlcourse.errors import InvalidSetting


@ATTACKS.register("mim")
class MIM(Attack):
    """PGD whose step follows the sign of an accumulated gradient g ← μ g + ∇ₓL / ||∇ₓL||₁ (per image), which
    keeps the direction steadier from step to step. L∞, projected into the eps-ball and [0, 1] each step.

    The L1 normalisation is a mean over each image's entries (the L1 norm up to a constant factor, which
    the sign ignores), as in the reference implementation.
    """

    name = "MIM"

    def __init__(
        self,
        eps: float,
        steps: int = 20,
        step_size: float = 0.002,
        decay: float = 1.0,
        precision: Precision | None = None,
    ) -> None:
        super().__init__(eps, precision)
        if steps < 1 or step_size <= 0:
            raise InvalidSetting(f"MIM needs steps ≥ 1 and step_size > 0, got {steps} and {step_size}")
        self.steps, self.step_size, self.decay = steps, step_size, decay

    def perturb(
        self, model: nn.Module, x: torch.Tensor, y: torch.Tensor, generator: torch.Generator | None
    ) -> torch.Tensor:
        adv, momentum = x, torch.zeros_like(x)
        dims = tuple(range(1, x.ndim))
        for _ in range(self.steps):
            grad = self.input_gradient(model, adv, y)
            grad = grad / grad.abs().mean(dim=dims, keepdim=True).clamp_min(1e-12)
            momentum = self.decay * momentum + grad
            adv = self.project(adv + self.step_size * momentum.sign(), x)
        return adv
