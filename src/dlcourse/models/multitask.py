"""Hard parameter sharing: one shared network, one head per task (bath-a2 Task 6.2)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from dlcourse.models.cnn import cnn
from dlcourse.models.mlp import mlp
from dlcourse.models.registry import register_model


class MultiHead(nn.Module):
    """A shared trunk followed by task heads; `forward` returns one logit tensor per head."""

    def __init__(self, trunk: nn.Module, heads: Sequence[nn.Module]) -> None:
        super().__init__()
        self.trunk = trunk
        self.heads = nn.ModuleList(heads)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        shared = self.trunk(x)
        return tuple(head(shared) for head in self.heads)


@register_model
def multitask(
    filters: Sequence[int] = (32, 64, 128),
    shared_dense: int = 3136,
    heads: Sequence[Sequence[int]] = ((1024, 100, 10), (1024, 100, 3)),
    in_shape: Sequence[int] = (1, 28, 28),
    activation: str = "relu",
) -> MultiHead:
    """bath-a2 6.2: shared 3x3 'same' convs with 2x2 max pooling after the first two, flatten, a shared
    dense layer, then one dense stack per task ending in that task's logits (softmax lives in the loss)."""
    body = cnn(
        filters,
        kernel_size=3,
        padding="same",
        pool_after=(0, 1),
        dense=(shared_dense,),
        num_classes=shared_dense,
        in_shape=in_shape,
        activation=activation,
    )
    trunk = nn.Sequential(*list(body)[:-1])  # drop cnn()'s final linear layer: the shared layer ends the trunk
    # Each head is an MLP from the shared features (its leading Flatten is a no-op on N x features).
    return MultiHead(trunk, [mlp((shared_dense, *head), activation) for head in heads])
