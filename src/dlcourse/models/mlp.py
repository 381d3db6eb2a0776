"""Fully connected networks from a list of layer widths."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from torch import nn

from dlcourse.errors import InvalidSetting
from dlcourse.models.activations import activation as make_activation
from dlcourse.models.registry import register_model


@register_model
def mlp(sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> nn.Sequential:
    """An MLP of the form [input, hidden..., outputs], e.g. [784, 1000, 1000, 10] (bath-a2 task 3.1).

    Inputs of any shape are flattened first. The last layer returns logits: the softmax the briefs place
    before the cross-entropy is part of `F.cross_entropy`, which applies log-softmax to its input.
    """
    if len(sizes) < 2:
        raise InvalidSetting(f"an MLP needs at least input and output sizes, got {list(sizes)}")
    if min(sizes) < 1:
        raise InvalidSetting(f"every MLP layer needs at least one unit, got {list(sizes)}")
    layers: list[nn.Module] = [nn.Flatten()]
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(make_activation(activation))
            if dropout:
                layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)
