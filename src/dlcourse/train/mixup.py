"""Mixup (Zhang, Cisse, Dauphin and Lopez-Paz, "mixup: Beyond Empirical Risk Minimization", ICLR 2018).

Each batch is replaced by convex combinations of its examples with those of a shuffled copy of itself,
x̃ = λ x_i + (1 - λ) x_j and ỹ = λ y_i + (1 - λ) y_j (one-hot labels), with one λ ~ Beta(α, α) per batch
as in the paper. The targets become probability rows, which `F.cross_entropy` takes as they are, so the
loss is λ CE(f(x̃), y_i) + (1 - λ) CE(f(x̃), y_j).
"""

from __future__ import annotations

import json

import numpy as np
import torch
import torch.nn.functional as F

from dlcourse.errors import InvalidSetting


def mix(
    x: torch.Tensor, y: torch.Tensor, lam: float, partner: torch.Tensor, num_classes: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """λ·(x, onehot(y)) + (1 - λ)·(x, onehot(y))[partner]; `y` holds class indices or probability rows."""
    targets = y if y.is_floating_point() else F.one_hot(y, num_classes).to(x.dtype)
    return lam * x + (1 - lam) * x[partner], lam * targets + (1 - lam) * targets[partner]


class Mixup:
    """A batch transform for `fit`: mixes each batch with a permutation of itself.

    λ is drawn on the host from a NumPy generator seeded with `seed` (so the device never syncs for it);
    the partner permutation comes from the training loop's generator.
    """

    def __init__(self, alpha: float, num_classes: int, seed: int = 0) -> None:
        if alpha <= 0:
            raise InvalidSetting(f"the mixup alpha must be greater than 0, got {alpha}")
        self.alpha, self.num_classes = alpha, num_classes
        self.rng = np.random.default_rng(seed)

    def state_dict(self) -> dict[str, str]:
        """The λ generator's position, so that a resumed run draws the λs an uninterrupted one would."""
        return {"rng": json.dumps(self.rng.bit_generator.state)}

    def load_state_dict(self, state: dict[str, str]) -> None:
        self.rng.bit_generator.state = json.loads(state["rng"])

    def __call__(
        self, x: torch.Tensor, y: torch.Tensor, generator: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor]:
        lam = float(self.rng.beta(self.alpha, self.alpha))
        partner = torch.randperm(len(x), device=x.device, generator=generator)
        return mix(x, y, lam, partner, self.num_classes)
