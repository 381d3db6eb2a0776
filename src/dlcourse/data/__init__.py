"""Datasets as arrays: find, download, read and prepare them."""

from dlcourse.data.dataset import Dataset
from dlcourse.data.registry import DATASETS, load, load_sample
from dlcourse.data.transforms import (
    channel_stats,
    channels_first,
    flatten,
    one_hot,
    scale_symmetric,
    scale_unit,
    unflatten,
)

__all__ = [
    "DATASETS",
    "Dataset",
    "channel_stats",
    "channels_first",
    "flatten",
    "load",
    "load_sample",
    "one_hot",
    "scale_symmetric",
    "scale_unit",
    "unflatten",
]
