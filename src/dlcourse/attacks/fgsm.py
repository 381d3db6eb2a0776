"""FGSM: Goodfellow, Shlens and Szegedy, "Explaining and Harnessing Adversarial Examples" (ICLR 2015)."""

from __future__ import annotations

import torch
from torch import nn

from dlcourse.attacks.base import ATTACKS, Attack


@ATTACKS.register("fgsm")
class FGSM(Attack):
    """One step of size eps along the sign of the input gradient: x' = clip₀¹(x + eps · sign(∇ₓ L)). L∞."""

    name = "FGSM"

    def perturb(
        self, model: nn.Module, x: torch.Tensor, y: torch.Tensor, generator: torch.Generator | None
    ) -> torch.Tensor:
        return torch.clamp(x + self.eps * self.input_gradient(model, x, y).sign(), 0.0, 1.0)
