"""Plain convolutional networks from a list of filter counts."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from dlcourse.models.activations import activation as make_activation
from dlcourse.models.registry import register_model


def _per_layer(value: int | Sequence[int], n: int, name: str) -> list[int]:
    values = [value] * n if isinstance(value, int) else list(value)
    if len(values) != n:
        raise ValueError(f"{name} has {len(values)} entries for {n} conv layers")
    return values


@register_model
def cnn(
    filters: Sequence[int],
    kernel_size: int | Sequence[int] = 3,
    strides: int | Sequence[int] = 1,
    padding: int | str = 0,
    pool_after: Sequence[int] = (),
    dense: Sequence[int] = (),
    num_classes: int = 10,
    in_shape: Sequence[int] = (1, 28, 28),
    activation: str = "relu",
) -> nn.Sequential:
    """Conv layers (each followed by the activation), flatten, optional dense layers, then the logits.

    bath-a2 task 4.1 is `cnn([32, 64, 128], kernel_size=4, strides=[1, 2, 2])`: 'valid' padding, so
    28x28 -> 25x25 -> 11x11 -> 4x4, flattened to 2,048 features, then a dense layer of 10.
    `pool_after` lists the (0-based) conv layers followed by 2x2/stride-2 max pooling; `padding` is an
    int or 'same' (stride 1 only).
    """
    n = len(filters)
    kernels, stride_list = _per_layer(kernel_size, n, "kernel_size"), _per_layer(strides, n, "strides")
    layers: list[nn.Module] = []
    channels = in_shape[0]
    for i, (width, k, s) in enumerate(zip(filters, kernels, stride_list, strict=True)):
        layers += [nn.Conv2d(channels, width, k, stride=s, padding=padding), make_activation(activation)]
        if i in pool_after:
            layers.append(nn.MaxPool2d(2, 2))
        channels = width
    layers.append(nn.Flatten())
    features = _output_features(nn.Sequential(*layers), in_shape)
    for width in dense:
        layers += [nn.Linear(features, width), make_activation(activation)]
        features = width
    layers.append(nn.Linear(features, num_classes))
    return nn.Sequential(*layers)


def _output_features(body: nn.Module, in_shape: Sequence[int]) -> int:
    with torch.no_grad():
        try:
            out = body(torch.zeros(1, *in_shape))
        except RuntimeError:  # a kernel larger than what the earlier layers left of the image
            out = torch.zeros(1, 0)
    if out.shape[1] == 0:
        raise ValueError(f"the conv layers shrink a {tuple(in_shape)} input to nothing")
    return out.shape[1]
