"""PGD: Madry, Makelov, Schmidt, Tsipras and Vladu, "Towards Deep Learning Models Resistant to Adversarial
Attacks" (ICLR 2018)."""

from __future__ import annotations

import torch
from torch import nn

from dlcourse.attacks.base import ATTACKS, Attack
from dlcourse.device import Precision
from dlcourse.errors import InvalidSetting


@ATTACKS.register("pgd")
class PGD(Attack):
    """`steps` signed-gradient steps of size `step_size`, each projected back into the L∞ eps-ball and [0, 1].

    With `random_start` the walk begins at a uniform random point of the ball (Madry et al.); without it,
    at x itself.
    """

    name = "PGD"

    def __init__(
        self,
        eps: float,
        steps: int = 20,
        step_size: float = 0.002,
        random_start: bool = True,
        precision: Precision | None = None,
    ) -> None:
        super().__init__(eps, precision)
        if steps < 1 or step_size <= 0:
            raise InvalidSetting(f"PGD needs steps ≥ 1 and step_size > 0, got {steps} and {step_size}")
        self.steps, self.step_size, self.random_start = steps, step_size, random_start

    def perturb(
        self, model: nn.Module, x: torch.Tensor, y: torch.Tensor, generator: torch.Generator | None
    ) -> torch.Tensor:
        adv = x
        if self.random_start:
            noise = torch.rand(x.shape, device=x.device, dtype=x.dtype, generator=generator)
            adv = self.project(x + (2 * noise - 1) * self.eps, x)
        for _ in range(self.steps):
            grad = self.input_gradient(model, adv, y)
            adv = self.project(adv + self.step_size * grad.sign(), x)
        return adv
