"""The airbench94 network (Keller Jordan, "94% on CIFAR-10 in 3.29 seconds on a single GPU", 2024).

A frozen 2x2 patch-whitening convolution computed from the training images, then three groups of
conv -> 2x2 max pool -> BN -> GELU -> conv -> BN -> GELU (widths 64, 256, 256), a 3x3 max pool to 1x1 and a
bias-free linear layer whose logits are scaled by 1/9. Every 3x3 convolution starts as a (partial) identity
map (Dirac initialisation), and batch norm learns only its shift. Input: N x 3 x 32 x 32, standardised.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from dlcourse.models.registry import register_model


class ShiftBatchNorm(nn.BatchNorm2d):
    """Batch norm that learns a shift but no scale: the scale is a fixed buffer of ones, so it gets no
    gradient and the fused batch-norm kernel still runs. airbench uses eps 1e-12 and keeps 60% of the
    running statistics per step (PyTorch's momentum 0.4)."""

    def __init__(self, channels: int, momentum: float = 0.4, eps: float = 1e-12) -> None:
        super().__init__(channels, eps=eps, momentum=momentum)
        del self.weight
        self.register_buffer("weight", torch.ones(channels))


class DiracConv(nn.Conv2d):
    """3x3 'same' convolution without bias whose first min(in, out) filters start as identity maps."""

    def __init__(self, channels_in: int, channels_out: int) -> None:
        super().__init__(channels_in, channels_out, 3, padding=1, bias=False)
        with torch.no_grad():
            nn.init.dirac_(self.weight[: min(channels_in, channels_out)])


class ConvGroup(nn.Module):
    def __init__(self, channels_in: int, channels_out: int, bn_momentum: float) -> None:
        super().__init__()
        self.conv1, self.conv2 = DiracConv(channels_in, channels_out), DiracConv(channels_out, channels_out)
        self.norm1, self.norm2 = ShiftBatchNorm(channels_out, bn_momentum), ShiftBatchNorm(channels_out, bn_momentum)
        self.pool = nn.MaxPool2d(2)
        self.act = nn.GELU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.act(self.norm1(self.pool(self.conv1(x))))
        return self.act(self.norm2(self.conv2(x)))


class Whitening(nn.Module):
    """A 2x2 valid convolution whose filters are the eigenvectors of the covariance of 2x2 input patches,
    each divided by the square root of its eigenvalue, and their negatives (so GELU passes both signs).
    The filters are a buffer (fixed); the bias is learned."""

    def __init__(self, channels_in: int = 3, kernel: int = 2) -> None:
        super().__init__()
        width = 2 * channels_in * kernel * kernel
        # Until `fit` sets them, the filters are those of a freshly initialised convolution.
        self.register_buffer("weight", nn.Conv2d(channels_in, width, kernel).weight.detach().clone())
        self.bias = nn.Parameter(torch.zeros(width))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.weight, self.bias)

    @torch.no_grad()
    def fit(self, images: torch.Tensor, eps: float = 5e-4) -> None:
        """Set the filters from `images` (N x C x H x W; airbench uses 5,000 training images)."""
        c, h, w = self.weight.shape[1:]
        patches = images.float().unfold(2, h, 1).unfold(3, w, 1).transpose(1, 3).reshape(-1, c * h * w)
        covariance = patches.T @ patches / len(patches)
        eigenvalues, eigenvectors = torch.linalg.eigh(covariance)
        filters = (eigenvectors.T / torch.sqrt(eigenvalues + eps)[:, None]).flip(0).reshape(-1, c, h, w)
        self.weight.copy_(torch.cat((filters, -filters)).to(self.weight))


class Airbench(nn.Module):
    def __init__(self, widths: Sequence[int], bn_momentum: float, scale: float, num_classes: int) -> None:
        super().__init__()
        self.whiten = Whitening()
        channels = [self.whiten.weight.shape[0], *widths]
        self.groups = nn.Sequential(*(ConvGroup(a, b, bn_momentum) for a, b in itertools.pairwise(channels)))
        self.head = nn.Linear(widths[-1], num_classes, bias=False)
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.groups(F.gelu(self.whiten(x)))
        x = F.max_pool2d(x, 3).flatten(1)  # 32 -> 31 (whitening) -> 15 -> 7 -> 3 -> 1
        return self.head(x) * self.scale


@register_model
def airbench(
    widths: Sequence[int] = (64, 256, 256), bn_momentum: float = 0.4, scale: float = 1 / 9, num_classes: int = 10
) -> Airbench:
    """airbench94's network; call `model.whiten.fit(images)` before training (it is a plain 2x2 conv until then)."""
    return Airbench(widths, bn_momentum, scale, num_classes)
