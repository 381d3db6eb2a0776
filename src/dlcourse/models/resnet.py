"""A small residual network for 32x32 images, in the layout of the ResNet-9 of David Page's "How to train
your ResNet" (2018): a stem, then stages that widen and halve the image, some followed by residual blocks.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from dlcourse.errors import InvalidSetting
from dlcourse.models.registry import register_model


def conv_bn_relu(channels_in: int, channels_out: int) -> nn.Sequential:
    """3x3 'same' convolution (no bias: the batch norm's shift replaces it), batch norm, ReLU."""
    return nn.Sequential(
        nn.Conv2d(channels_in, channels_out, 3, padding=1, bias=False), nn.BatchNorm2d(channels_out), nn.ReLU()
    )


class ResidualBlock(nn.Module):
    """y = ReLU(x + BN(conv(ReLU(BN(conv(x)))))), He et al. (2016): the block learns the residual F(x) = y - x,
    and a block whose F is 0 passes its input on unchanged, so depth never has to be unlearned."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.first = conv_bn_relu(channels, channels)
        self.conv = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.norm = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(x + self.norm(self.conv(self.first(x))))


@register_model
def resnet(
    widths: Sequence[int] = (16, 32, 64, 128),
    blocks: Sequence[int] = (1, 0, 1),
    num_classes: int = 10,
    in_channels: int = 3,
    scale: float = 0.125,
) -> nn.Sequential:
    """Stem conv to `widths[0]`; then for each later width a conv, 2x2 max pooling and `blocks[i]` residual
    blocks; global max pooling; a linear layer to the logits, multiplied by `scale`.

    The defaults are ResNet-9 at a quarter of its width (64, 128, 256, 512): 8 conv layers + 1 linear, 32x32
    images pooled to 16, 8 and 4, then to 1. The logit scale of 1/8 is Page's: max-pooled features are large,
    and unscaled logits make the first SGD steps at a high rate diverge.
    """
    if len(blocks) != len(widths) - 1:
        raise InvalidSetting(
            f"{len(widths) - 1} stages after the stem need {len(widths) - 1} block counts, got {blocks}"
        )
    layers: list[nn.Module] = [conv_bn_relu(in_channels, widths[0])]
    for channels_in, channels, count in zip(widths[:-1], widths[1:], blocks, strict=True):
        layers += [conv_bn_relu(channels_in, channels), nn.MaxPool2d(2)]
        layers += [ResidualBlock(channels) for _ in range(count)]
    layers += [nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(widths[-1], num_classes), Scale(scale)]
    return nn.Sequential(*layers)


class Scale(nn.Module):
    def __init__(self, factor: float) -> None:
        super().__init__()
        self.factor = factor

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.factor
