"""A CNN with one or more output heads, for reading clocks (leiden-a1 Task 2)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from dlcourse.errors import InvalidSetting
from dlcourse.models.registry import register_model
from dlcourse.onednn_linear import fp32_region


class RandomTurn(nn.Module):
    """In training only, turns each image about its centre by a random angle in ±`degrees` (like Keras'
    RandomRotation layer): fresh views of every clock each epoch, the same time shown. A clock turned whole
    still reads the same, because its 12 mark turns with it. Edges are filled by repeating the border.

    `zoom` also scales each image by a random factor in 1 ± zoom and moves it by up to zoom / 2 of its edge,
    and `light` changes its gamma, contrast and brightness by random amounts of about that size: other
    cameras and lighting than the renderer's, which no more change the time than the turn does."""

    def __init__(self, degrees: float, zoom: float = 0.0, light: float = 0.0) -> None:
        super().__init__()
        self.degrees, self.zoom, self.light = degrees, zoom, light

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or (self.degrees == 0 and self.zoom == 0 and self.light == 0):
            return x
        # In float32 outside autocast: on the CPU, bf16 sampling took five times as long.
        with torch.autocast(x.device.type, enabled=False):
            return self._view(x.float())

    def _view(self, x: torch.Tensor) -> torch.Tensor:
        n = len(x)
        uniform = lambda: torch.rand(n, device=x.device) * 2 - 1  # noqa: E731
        angle = uniform() * math.radians(self.degrees)
        scale = 1 + uniform() * self.zoom
        cos, sin = torch.cos(angle) * scale, torch.sin(angle) * scale
        dx, dy = uniform() * self.zoom, uniform() * self.zoom  # grid units: the image spans -1 to 1
        x = F.grid_sample(
            x, _turned_grid(cos, sin, dx, dy, x), mode="bilinear", padding_mode="border", align_corners=False
        )
        if self.light:
            shape = (n, 1, 1, 1)
            gamma = torch.exp(uniform() * self.light).view(shape)
            contrast, brightness = (1 + uniform() * self.light).view(shape), (uniform() * self.light / 2).view(shape)
            # In place on the sampled batch, which nothing else holds: the same arithmetic in the same order as
            # ((x - mean) * contrast + mean + brightness).clamp(0, 1), without a fresh 11 MB tensor per step.
            x = x.clamp_(0, 1).pow_(gamma)
            mean = x.mean((1, 2, 3), keepdim=True)
            x = x.sub_(mean).mul_(contrast).add_(mean).add_(brightness).clamp_(0, 1)
        return x


def _turned_grid(cos: torch.Tensor, sin: torch.Tensor, dx: torch.Tensor, dy: torch.Tensor, x: torch.Tensor):
    """`F.affine_grid` for the maps [[cos, -sin, dx], [sin, cos, dy]] (align_corners=False), written out as
    broadcast arithmetic: affine_grid's batched 3-column matrix product took 20 ms a batch of 128 clocks on a
    2-core CPU, four times the sampling itself."""
    h, w = x.shape[-2:]
    xs = ((torch.arange(w, device=x.device, dtype=x.dtype) * 2 + 1) / w - 1).view(1, 1, w)
    ys = ((torch.arange(h, device=x.device, dtype=x.dtype) * 2 + 1) / h - 1).view(1, h, 1)
    cos, sin, dx, dy = (v.to(x.dtype).view(-1, 1, 1) for v in (cos, sin, dx, dy))
    return torch.stack([cos * xs - sin * ys + dx, sin * xs + cos * ys + dy], -1)


class WithCoordinates(nn.Module):
    """Appends two channels holding each pixel's x and y (from -1 to 1) to the input ("CoordConv": Liu et al.,
    "An intriguing failing of convolutional neural networks and the CoordConv solution", NeurIPS 2018).

    Reading a clock is reading where dark pixels lie relative to the centre; plain convolutions do not know
    where they are, and these two channels tell them."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        # Written straight into channels-last memory whatever the input's layout (a one-channel image, or
        # RandomTurn's output, is laid out plainly): the convolutions then keep that layout, and on the CPU a
        # 2x2 max pool over plainly laid out 37x37 maps took 10 times as long as over channels-last ones.
        out = torch.empty(n, h, w, c + 2, device=x.device, dtype=x.dtype)
        out[..., :c] = x.permute(0, 2, 3, 1)
        out[..., c] = torch.linspace(-1, 1, w, device=x.device, dtype=x.dtype).view(1, 1, w)
        out[..., c + 1] = torch.linspace(-1, 1, h, device=x.device, dtype=x.dtype).view(1, h, 1)
        return out.permute(0, 3, 1, 2)


class Heads(nn.Module):
    """A shared trunk and one small dense network per head; `forward` returns the heads' outputs side by
    side (N x sum of widths), so a multi-head model trains with the same loop and targets as a single head."""

    def __init__(self, trunk: nn.Module, heads: Sequence[nn.Module]) -> None:
        super().__init__()
        self.trunk = trunk
        self.heads = nn.ModuleList(heads)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shared = self.trunk(x)
        # The small heads run in float32 even under bf16 autocast: a bf16 output has 3 significant digits,
        # so a time in hours near 12 would be rounded to 1/16 hour (almost 4 minutes).
        with fp32_region(x.device.type):
            return torch.cat([head(shared.float()) for head in self.heads], 1)


@register_model
def clocknet(
    filters: Sequence[int] = (64, 128, 256),
    heads: Sequence[int] = (12,),
    hidden: int = 256,
    in_size: int = 150,
    dropout: float = 0.0,
    coordinates: bool = True,
    turn: float = 0.0,
    stem: int = 32,
    stem_stride: int = 4,
    zoom: float = 0.0,
    light: float = 0.0,
) -> Heads:
    """A strided stem, stages of [3x3 conv, 2x2 max pool, batch norm, ReLU] with `filters` channels, flatten,
    then per head a dense layer of `hidden` units (batch norm, ReLU) and the head's outputs (no activation:
    losses take raw outputs).

    The stem (`stem` channels of a `stem_stride` x `stem_stride` convolution with that stride, then batch norm
    and ReLU; `stem=0` for none) reads the full-resolution image in non-overlapping patches, so a 150x150
    clock costs little more than a 37x37 one: on a CPU the elementwise passes over large feature maps (batch
    norm, ReLU, pooling), not the convolutions, dominate a step. Pooling before batch norm and ReLU runs both
    on a quarter of the pixels, for the same reason (ReLU and max pooling commute).

    Flattening rather than global pooling keeps where features are, which reading hand angles needs;
    `coordinates` adds x and y input channels (see `WithCoordinates`); `turn` > 0 turns training images by
    up to that many degrees, `zoom` and `light` scale, move and relight them (see `RandomTurn`).
    """
    layers: list[nn.Module] = [RandomTurn(turn, zoom, light)] if turn or zoom or light else []
    layers += [WithCoordinates()] if coordinates else []
    channels, edge = 3 if coordinates else 1, in_size
    if stem:
        if stem_stride < 1 or stem_stride > in_size:
            raise InvalidSetting(f"the stem stride must be between 1 and the image edge ({in_size}), got {stem_stride}")
        layers += [
            nn.Conv2d(channels, stem, stem_stride, stride=stem_stride, bias=False),
            nn.BatchNorm2d(stem),
            nn.ReLU(inplace=True),
        ]
        channels, edge = stem, edge // stem_stride
    for width in filters:
        layers += [
            nn.Conv2d(channels, width, 3, padding=1, bias=False),
            nn.MaxPool2d(2),
            nn.BatchNorm2d(width),
            nn.ReLU(inplace=True),
        ]
        channels, edge = width, edge // 2
    if edge < 1:
        raise InvalidSetting(
            f"a stride-{stem_stride if stem else 1} stem and {len(filters)} pooling stages shrink a "
            f"{in_size}x{in_size} input to nothing"
        )
    layers += [nn.Flatten(), nn.Dropout(dropout)]
    features = channels * edge * edge
    return Heads(
        nn.Sequential(*layers),
        [_head(features, hidden, width) for width in heads],
    )


def _head(features: int, hidden: int, width: int) -> nn.Sequential:
    # Batch norm before the ReLU keeps the wide flatten -> hidden layer from pushing every unit below zero
    # in the first large steps, after which the head would output a constant.
    return nn.Sequential(
        nn.Linear(features, hidden, bias=False), nn.BatchNorm1d(hidden), nn.ReLU(inplace=True), nn.Linear(hidden, width)
    )
