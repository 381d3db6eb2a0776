"""The two reference networks of leiden-a1 Task 1, from Géron, *Hands-On Machine Learning with Scikit-Learn,
Keras and TensorFlow* (2nd ed., 2019).

Both end in logits: the softmax of the book's last layer is part of `F.cross_entropy`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from torch import nn

from dlcourse.errors import InvalidSetting
from dlcourse.models.activations import activation as make_activation
from dlcourse.models.mlp import mlp
from dlcourse.models.registry import register_model


@register_model
def geron_mlp(
    hidden: Sequence[int] = (300, 100),
    activation: str = "relu",
    dropout: float = 0.0,
    in_shape: Sequence[int] = (1, 28, 28),
    num_classes: int = 10,
) -> nn.Sequential:
    """Ch. 10, pp. 299-307: Flatten, Dense 300 ReLU, Dense 100 ReLU, Dense 10 softmax.

    `hidden` changes width and depth; `dropout` (after each hidden activation) is one of the regularisers
    the brief asks to try; the book's network has none.
    """
    return mlp([math.prod(in_shape), *hidden, num_classes], activation, dropout)


@register_model
def geron_cnn(
    filters: Sequence[int] = (64, 128, 256),
    dense: Sequence[int] = (128, 64),
    activation: str = "relu",
    dropout: float = 0.5,
    batch_norm: bool = False,
    in_shape: Sequence[int] = (1, 28, 28),
    num_classes: int = 10,
) -> nn.Sequential:
    """Ch. 14, p. 447: Conv 64 7x7 'same', MaxPool 2, Conv 128 3x3 x2, MaxPool 2, Conv 256 3x3 x2, MaxPool 2,
    Flatten, Dense 128, Dropout 0.5, Dense 64, Dropout 0.5, Dense 10 softmax.

    `filters[0]` is the 7x7 layer; every later entry is a block of two 3x3 'same' convolutions, and each of
    these stages ends in 2x2 max pooling, so `filters` sets both width and depth (28 -> 14 -> 7 -> 3 for the
    book's three stages; 32 -> 16 -> 8 -> 4 on CIFAR-10). `dropout` follows each dense layer. `batch_norm`
    puts a batch normalisation between each convolution and its activation (ch. 11, pp. 338-345), an
    architecture change the book's network does not have.
    """
    if not filters:
        raise InvalidSetting("geron_cnn needs at least the first convolution's filter count")
    channels, height, width = in_shape
    layers: list[nn.Module] = []
    for stage, out in enumerate(filters):
        convs = [(channels, out, 7)] if stage == 0 else [(channels, out, 3), (out, out, 3)]
        for c_in, c_out, k in convs:
            layers.append(nn.Conv2d(c_in, c_out, k, padding="same", bias=not batch_norm))
            if batch_norm:
                layers.append(nn.BatchNorm2d(c_out))
            layers.append(make_activation(activation))
        layers.append(nn.MaxPool2d(2))
        channels, height, width = out, height // 2, width // 2
    if height == 0 or width == 0:
        raise InvalidSetting(f"{len(filters)} pooling stages shrink a {tuple(in_shape)} input to nothing")
    layers.append(nn.Flatten())
    features = channels * height * width
    for units in dense:
        layers += [nn.Linear(features, units), make_activation(activation)]
        if dropout:
            layers.append(nn.Dropout(dropout))
        features = units
    layers.append(nn.Linear(features, num_classes))
    return nn.Sequential(*layers)
