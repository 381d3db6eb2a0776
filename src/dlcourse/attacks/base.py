"""The routine every attack shares: eval mode during the attack (restored afterwards), gradients of the loss
with respect to the input, and the projection back into the L∞ ball and the [0, 1] pixel range."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from dlcourse.device import Precision, autocast_for
from dlcourse.errors import InvalidSetting
from dlcourse.registry import Registry


class Attack:
    """An untargeted L∞ attack on images in [0, 1] (any normalisation belongs inside the model).

    `attack(model, x, y)` returns adversarial images x' with |x' - x| ≤ eps everywhere and 0 ≤ x' ≤ 1, as
    a detached tensor. The model runs in eval mode while it is attacked (batch norm uses its running
    statistics, dropout is off) and is put back in the mode it was found in. Subclasses write `perturb`.
    """

    def __init__(self, eps: float, precision: Precision | None = None) -> None:
        if eps <= 0:
            raise InvalidSetting(f"an attack's eps must be greater than 0, got {eps}")
        self.eps = eps
        self.precision = precision  # the arithmetic of the input gradients; None: `autocast_for` the device

    def __call__(
        self, model: nn.Module, x: torch.Tensor, y: torch.Tensor, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        was_training = model.training
        model.eval()
        try:
            with torch.enable_grad():
                adv = self.perturb(model, x.detach(), y, generator)
        finally:
            model.train(was_training)
        return adv.detach()

    def perturb(
        self, model: nn.Module, x: torch.Tensor, y: torch.Tensor, generator: torch.Generator | None
    ) -> torch.Tensor:
        raise NotImplementedError

    def input_gradient(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """∇ₓ of the cross-entropy summed over the batch (a sum, not a mean: each image's gradient is then
        its own loss's, with no 1/N that could underflow in bf16). Parameter gradients are not touched.

        With `precision` bf16 the forward and backward passes run under bf16 autocast (the loss and the
        gradient stay fp32): an attack uses only the gradient's sign, or its direction, which bf16 keeps
        for all but the smallest entries, at about half the cost on a CPU with native bf16."""
        x = x.detach().requires_grad_(True)
        with self.precision.autocast(x.device) if self.precision else autocast_for(x.device):
            logits = model(x)
        loss = F.cross_entropy(logits.float(), y, reduction="sum")
        return torch.autograd.grad(loss, x)[0]

    def project(self, x_adv: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """Back into the eps-ball around x, then into [0, 1]."""
        return torch.clamp(x + torch.clamp(x_adv - x, -self.eps, self.eps), 0.0, 1.0)


# Each attack's module registers its class: `@ATTACKS.register("pgd")`.
ATTACKS: Registry[type[Attack]] = Registry("attack")
