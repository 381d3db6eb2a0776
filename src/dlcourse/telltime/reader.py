"""A trained clock reader kept in a run folder: rebuilt from its checkpoint and pointed at any clock images.

leiden-a1 2a-2d save each model as `model_<i>.pt` (see `Run.checkpoint`), with a spec holding the network's
arguments and the representation that decodes its outputs. `load_reader` rebuilds both; `Reader.read`
takes uint8 grayscale images of any size, resizes them to the network's input and returns minutes since 12:00.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from dlcourse.errors import CorruptFile
from dlcourse.telltime.representations import Classes, HourAndMinute, Hours, Periodic, Representation
from dlcourse.telltime.views import read_views

REPRESENTATIONS = {cls.__name__: cls for cls in (Classes, Hours, HourAndMinute, Periodic)}
BATCH = 500  # images per forward pass: bounds the memory of 150x150 activations


def representation_spec(rep: Representation) -> dict[str, Any]:
    """The representation as plain data: its class name and fields."""
    return {"kind": type(rep).__name__, **dataclasses.asdict(rep)}


def representation_from_spec(spec: dict[str, Any]) -> Representation:
    fields = {k: v for k, v in spec.items() if k != "kind"}
    return REPRESENTATIONS[spec["kind"]](**fields)


@dataclass
class Reader:
    """A trained network with the representation that decodes it, and where it came from."""

    model: torch.nn.Module
    rep: Representation
    size: int  # the network's input edge in pixels
    source: Path
    test_mean_min: float | None = None
    views: tuple[float, ...] = (0.0,)

    def read(self, images: np.ndarray) -> np.ndarray:
        """Minutes since 12:00 (float64) read from uint8 images (N x H x W), resized to the network's input, in
        the turned views the reader was scored with (see `views`)."""
        out = []
        for start in range(0, len(images), BATCH):
            x = torch.from_numpy(np.ascontiguousarray(images[start : start + BATCH])).float()[:, None] / 255
            if x.shape[-2:] != (self.size, self.size):
                x = F.interpolate(x, size=(self.size, self.size), mode="bilinear", antialias=True)
            out.append(read_views(self.model, self.rep, x, BATCH, self.views))
        return np.concatenate(out) if out else np.zeros(0)


def load_reader(path: str | Path) -> Reader:
    """The reader saved at `path` (a `model_<i>.pt` of a leiden-a1 2a-2d run), in eval mode on the CPU."""
    from dlcourse.models import clocknet
    from dlcourse.runs import load_checkpoint

    saved = load_checkpoint(path)
    try:
        spec = saved["spec"]
        model = clocknet(**spec["network"])
        model.load_state_dict(saved["state_dict"])
        rep = representation_from_spec(spec["representation"])
    except (KeyError, TypeError, RuntimeError) as exc:
        raise CorruptFile(
            f"{path} is not a clock reader saved by leiden-a1 2a-2d (its weights do not fit: {type(exc).__name__})"
        ) from None
    views = tuple(spec.get("views", (0.0,)))
    return Reader(model.eval(), rep, spec["network"]["in_size"], Path(path), spec.get("test_mean_min"), views)


READER_TASKS = ("2a", "2b", "2c", "2d")


def best_reader(runs_dir: str | Path) -> Reader:
    """The recorded reader with the lowest mean error on its own test clocks, among leiden-a1 2a-2d's runs."""
    from dlcourse.errors import DataNotFound

    paths = sorted(p for task in READER_TASKS for p in (Path(runs_dir) / "leiden-a1" / task).glob("model_*.pt"))
    if not paths:
        raise DataNotFound(
            f"no trained clock reader under {Path(runs_dir) / 'leiden-a1'}: run leiden-a1/2d (or 2a-2c) first, "
            "or pass --model PATH"
        )
    readers = [load_reader(p) for p in paths]
    return min(readers, key=lambda r: float("inf") if r.test_mean_min is None else r.test_mean_min)
