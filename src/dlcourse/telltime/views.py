"""Reading a clock from a few turned views of it (test-time augmentation).

A clock turned whole shows the same time, because its 12 mark turns with it; a reader trained on turned clocks
(`RandomTurn`) reads each view on its own, and their readings are combined. Combining decoded times, not raw
outputs, works for every representation: the outputs of a single-number regression wrap at 12:00, where their
average would be six hours off. The combined reading is the medoid: the view's reading with the least total
common-sense distance to the others, so one view that reads an hour off is outvoted rather than averaged in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from dlcourse.models.clocknet import _turned_grid
from dlcourse.telltime.error import common_sense_error
from dlcourse.telltime.representations import Representation

# Degrees, within the ±20° turns the readers train on. Chosen on the validation clocks of a full-data 2d reader
# (renderer version 5, both hands): one view read a mean of 4.42 min, five views 8° apart 2.68, these eleven 4°
# apart 2.42 (nine to ±16°: 2.53); more views outvote more readings that are an hour off.
TURNS = (0.0, -4.0, 4.0, -8.0, 8.0, -12.0, 12.0, -16.0, 16.0, -20.0, 20.0)


def turned(x: torch.Tensor, degrees: float) -> torch.Tensor:
    """The images (N x 1 x H x W) turned by `degrees` about their centres, edges repeated."""
    if degrees == 0:
        return x
    angle = torch.full((len(x),), math.radians(degrees), device=x.device)
    zero = torch.zeros_like(angle)
    grid = _turned_grid(angle.cos(), angle.sin(), zero, zero, x)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


def medoid(readings: np.ndarray) -> np.ndarray:
    """Per clock (column), the reading (row) with the least summed common-sense distance to the other rows."""
    distance = common_sense_error(readings[:, None, :], readings[None, :, :]).sum(1)
    return readings[np.argmin(distance, 0), np.arange(readings.shape[1])]


def read_views(
    model: nn.Module, rep: Representation, x: np.ndarray | torch.Tensor, batch: int, turns: Sequence[float] = TURNS
) -> np.ndarray:
    """Minutes since 12:00 read from images (float N x 1 x H x W in [0, 1]) by an eval-mode model, combining the
    readings of the views turned by `turns` degrees (one view: `turns=(0,)`)."""
    x = torch.as_tensor(x)
    device = next(model.parameters()).device
    readings = np.empty((len(turns), len(x)))
    with torch.no_grad():
        for start in range(0, len(x), batch):
            chunk = x[start : start + batch].to(device).float()
            for i, degrees in enumerate(turns):
                readings[i, start : start + len(chunk)] = rep.decode(model(turned(chunk, degrees))).double().cpu()
    return readings[0] if len(turns) == 1 else medoid(readings)
