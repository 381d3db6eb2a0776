"""How far batch norm's per-batch statistics fall from the whole data's, for a given batch size."""

from __future__ import annotations

import torch

from dlcourse.errors import InvalidSetting


@torch.no_grad()
def channel_moments(features: torch.Tensor) -> torch.Tensor:
    """N x 2 x C: each image's per-channel mean and mean square over positions, for features N x C x H x W.
    A batch's statistics follow from these alone, so the (large) feature maps need not be kept."""
    x = features.double()
    return torch.stack([x.mean(dim=(2, 3)), x.square().mean(dim=(2, 3))], dim=1)


@torch.no_grad()
def batch_statistic_error(moments: torch.Tensor, batch_size: int, generator: torch.Generator) -> tuple[float, float]:
    """The images behind `moments` (from `channel_moments`) are split at random into batches of `batch_size`;
    each batch's per-channel mean and variance (over its images and positions, as batch norm computes them)
    are compared with those of all the images. Returns the root-mean-square error of the batch mean in units
    of the channel's standard deviation and the root-mean-square relative error of the batch variance, each
    averaged over channels. A remainder of fewer than `batch_size` images is left out."""
    n = len(moments) - len(moments) % batch_size
    if n == 0:
        raise InvalidSetting(f"{len(moments)} images make no batch of {batch_size}")
    mean, square = moments[:, 0].mean(0), moments[:, 1].mean(0)
    var = square - mean**2
    order = torch.randperm(len(moments), generator=generator)[:n]
    batches = moments[order].reshape(n // batch_size, batch_size, 2, -1).mean(1)
    batch_mean, batch_var = batches[:, 0], batches[:, 1] - batches[:, 0] ** 2
    mean_error = ((batch_mean - mean) ** 2).mean(0).sqrt() / var.sqrt()
    var_error = (((batch_var - var) / var) ** 2).mean(0).sqrt()
    return float(mean_error.mean()), float(var_error.mean())
