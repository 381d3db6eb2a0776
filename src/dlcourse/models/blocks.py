"""A configurable image classifier from a small spec: blocks of conv-BN-ReLU, each with an optional residual skip.

fit3181-a1 Part 3 asks for a `YourModel` whose architecture is set by parameters (number of blocks, skip
connections, dropout); this builder is that model. Inputs are images in [0, 1]; the per-channel
normalisation is the model's first layer, so adversarial attacks work on [0, 1] pixels directly.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from dlcourse.errors import InvalidSetting
from dlcourse.models.registry import register_model


class Normalize(nn.Module):
    """(x - mean) / std per channel; the statistics are buffers, so a checkpoint carries them."""

    def __init__(self, mean: Sequence[float], std: Sequence[float]) -> None:
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


def _conv_bn(c_in: int, c_out: int, kernel: int = 3) -> list[nn.Module]:
    # No conv bias: the batch norm that follows has its own shift.
    return [nn.Conv2d(c_in, c_out, kernel, padding=kernel // 2, bias=False), nn.BatchNorm2d(c_out)]


class Block(nn.Module):
    """conv-BN-ReLU, conv-BN, plus the input (through a 1x1 conv-BN when the width changes) when `use_skip`,
    then ReLU, 2x2 max pooling and dropout. Without the skip it is a plain two-conv VGG block."""

    def __init__(self, c_in: int, c_out: int, use_skip: bool, dropout: float) -> None:
        super().__init__()
        self.body = nn.Sequential(*_conv_bn(c_in, c_out), nn.ReLU(inplace=True), *_conv_bn(c_out, c_out))
        self.skip = (nn.Identity() if c_in == c_out else nn.Sequential(*_conv_bn(c_in, c_out, 1))) if use_skip else None
        self.out = nn.Sequential(nn.ReLU(inplace=True), nn.MaxPool2d(2), nn.Dropout(dropout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.body(x)
        if self.skip is not None:
            y = y + self.skip(x)
        return self.out(y)


@register_model
def image_classifier(
    num_blocks: int = 3,
    width: int = 16,
    widths: Sequence[int] | None = None,
    use_skip: bool = True,
    dropout: float = 0.0,
    num_classes: int = 10,
    in_channels: int = 3,
    mean: Sequence[float] | None = None,
    std: Sequence[float] | None = None,
) -> nn.Sequential:
    """Normalise, `num_blocks` blocks (each halving the resolution), global average pooling, linear logits.

    Block i has `widths[i]` channels, or `width * 2**i` when `widths` is not given (16, 32, 64, ... by
    default). `mean`/`std` are the training set's per-channel statistics on [0, 1] (default 0.5 / 0.25).
    Any input size of at least 2**num_blocks pixels works: the head pools whatever resolution is left.
    """
    if num_blocks < 1:
        raise InvalidSetting(f"num_blocks must be at least 1, got {num_blocks}")
    chans = list(widths) if widths is not None else [width * 2**i for i in range(num_blocks)]
    if len(chans) != num_blocks:
        raise InvalidSetting(f"widths has {len(chans)} entries for {num_blocks} blocks")
    mean = mean if mean is not None else [0.5] * in_channels
    std = std if std is not None else [0.25] * in_channels
    layers: list[nn.Module] = [Normalize(mean, std)]
    for c_in, c_out in zip([in_channels, *chans[:-1]], chans, strict=True):
        layers.append(Block(c_in, c_out, use_skip, dropout))
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(chans[-1], num_classes)]
    return nn.Sequential(*layers)
