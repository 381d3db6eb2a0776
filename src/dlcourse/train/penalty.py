"""L1 and L2 weight penalties as explicit loss terms (Keras's `kernel_regularizer`), for leiden-a1 Task 1.

The penalty covers the weights of every linear and convolutional layer, not their biases:
penalty = l1 · Σ|w| + l2 · Σw². This is Keras's definition (no factor 1/2 on the L2 term), so a Keras
`regularizers.l2(1e-4)` corresponds to `l2=1e-4` here. With plain SGD the L2 term equals weight decay
of 2 · l2; with Adam it does not (Loshchilov and Hutter, 2019), which is why it is a loss term here.
"""

from __future__ import annotations

import torch
from torch import nn

from dlcourse.errors import InvalidSetting
from dlcourse.train.steps import LossFn


def penalized_weights(model: nn.Module) -> list[torch.Tensor]:
    """The weight tensors the penalties cover: those of linear and convolutional layers."""
    return [m.weight for m in model.modules() if isinstance(m, nn.Linear | nn.Conv1d | nn.Conv2d | nn.Conv3d)]


def weight_penalty(model: nn.Module, l1: float = 0.0, l2: float = 0.0) -> torch.Tensor:
    """l1 · Σ|w| + l2 · Σw² over `penalized_weights(model)`, as a differentiable scalar."""
    weights = penalized_weights(model)
    total = weights[0].new_zeros(()) if weights else torch.zeros(())
    for w in weights:
        if l1:
            total = total + l1 * w.abs().sum()
        if l2:
            total = total + l2 * w.square().sum()
    return total


def penalized(loss_fn: LossFn, model: nn.Module, l1: float = 0.0, l2: float = 0.0) -> LossFn:
    """`loss_fn` plus the weight penalty of `model`; `loss_fn` itself when both strengths are 0."""
    if l1 < 0 or l2 < 0:
        raise InvalidSetting(f"penalty strengths must be at least 0, got l1={l1}, l2={l2}")
    if not l1 and not l2:
        return loss_fn

    def loss(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        # The penalty is computed in float32 from the float32 master weights, also under bf16 autocast.
        return loss_fn(outputs, targets) + weight_penalty(model, l1, l2)

    return loss
