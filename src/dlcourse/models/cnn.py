"""Plain convolutional networks from a list of filter counts."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from dlcourse.errors import InvalidSetting
from dlcourse.models.activations import activation as make_activation
from dlcourse.models.registry import register_model


def _per_layer(value: int | Sequence[int], n: int, name: str) -> list[int]:
    values = [value] * n if isinstance(value, int) else list(value)
    if len(values) != n:
        raise InvalidSetting(f"{name} has {len(values)} entries for {n} conv layers")
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
    batch_norm: bool = False,
    dropout: float = 0.0,
) -> nn.Sequential:
    """Conv layers (each followed by the activation), flatten, optional dense layers, then the logits.

    bath-a2 task 4.1 is `cnn([32, 64, 128], kernel_size=4, strides=[1, 2, 2])`: 'valid' padding, so
    28x28 -> 25x25 -> 11x11 -> 4x4, flattened to 2,048 features, then a dense layer of 10.
    `pool_after` lists the (0-based) conv layers followed by 2x2/stride-2 max pooling; `padding` is an
    int or 'same' (stride 1 only). `batch_norm` puts a BatchNorm2d between each conv and its activation;
    `dropout` (a probability) follows each pooling layer and each dense hidden layer.
    """
    n = len(filters)
    kernels, stride_list = _per_layer(kernel_size, n, "kernel_size"), _per_layer(strides, n, "strides")
    layers: list[nn.Module] = []
    channels = in_shape[0]
    for i, (width, k, s) in enumerate(zip(filters, kernels, stride_list, strict=True)):
        layers.append(nn.Conv2d(channels, width, k, stride=s, padding=padding))
        layers += [nn.BatchNorm2d(width)] if batch_norm else []
        layers.append(make_activation(activation))
        if i in pool_after:
            layers.append(nn.MaxPool2d(2, 2))
            layers += [nn.Dropout(dropout)] if dropout else []
        channels = width
    layers.append(nn.Flatten())
    features = _output_features(nn.Sequential(*layers), in_shape)
    for width in dense:
        layers += [nn.Linear(features, width), make_activation(activation)]
        layers += [nn.Dropout(dropout)] if dropout else []
        features = width
    layers.append(nn.Linear(features, num_classes))
    return nn.Sequential(*layers)


def _output_features(body: nn.Module, in_shape: Sequence[int]) -> int:
    body.eval()  # a probe in training mode would move the batch-norm running averages
    try:
        with torch.no_grad():
            out = body(torch.zeros(1, *in_shape))
    except RuntimeError:  # recent torch rejects a kernel larger than its input instead of returning 0x0
        out = torch.zeros(1, 0)
    finally:
        body.train()
    if out.shape[1] == 0:
        raise InvalidSetting(f"the conv layers shrink a {tuple(in_shape)} input to nothing")
    return out.shape[1]
