"""The settings of the tell-the-time tasks (leiden-a1 2, 2a-2d): which clocks, and how each reader is built,
trained and scored."""

from __future__ import annotations

from dataclasses import dataclass

from dlcourse.settings import Settings, setting
from dlcourse.suites.mixins import Training
from dlcourse.telltime.views import TURNS

IMAGES_HELP = (
    "rendered: draw the clocks (the brief's files are not public); original: the brief's images.npy and "
    "labels.npy, found in --data-dir (or its clocks/ or tell-the-time/ folder); or the folder holding them"
)


@dataclass(frozen=True)
class ClockDataSettings(Settings):
    """Which clocks: what every tell-the-time task reads."""

    images: str = setting("rendered", IMAGES_HELP)
    count: int = setting(18000, "clocks in all, split 80/10/10 into train/validation/test (brief: 18,000)", min=100)
    size: int = setting(150, "image edge in pixels (brief: 150, or 75 for first tests)", min=16)
    rotation: float = setting(
        60.0,
        "rendered clocks are turned in their plane by up to this many degrees either way (180: any angle)",
        min=0,
        max=180,
    )
    data_seed: int = setting(0, "seeds the rendering and the split, so every task reads the same clocks")


@dataclass(frozen=True)
class ClockSettings(ClockDataSettings, Training):
    """Which clocks, and how a representation's network is built and trained."""

    stem: int = setting(32, "channels of the stem, a strided convolution over non-overlapping patches (0: none)", min=0)
    stem_stride: int = setting(
        4, "edge of the stem's patches and its stride: the stem shrinks the image this much", min=1
    )
    filters: tuple[int, ...] = setting(
        (64, 128, 256), "channels of the conv stages after the stem, each halving the image"
    )
    hidden: int = setting(256, "units of each head's dense layer", min=1)
    dropout: float = setting(0.0, "dropout on the flattened features", min=0, max=0.9)
    turn: float = setting(
        20.0,
        "training images are turned by a random angle up to this many degrees either way, anew each epoch "
        "(the 12 mark turns too, so the time stays right); 0: no augmentation",
        min=0,
        max=180,
    )
    zoom: float = setting(
        0.1,
        "training images are also scaled by up to ±this share and moved by up to this share of half the edge",
        min=0,
        max=0.5,
    )
    light: float = setting(
        0.3, "training images' gamma, contrast and brightness change by random amounts of about this size", min=0, max=1
    )
    epochs: int = setting(
        24, "passes over the training clocks (24: the ten models of Task 2 fit about 80 minutes on a 2-core CPU)", min=1
    )
    lr: float = setting(2e-3, "AdamW learning rate, decayed to 0 on a cosine", gt=0)
    weight_decay: float = setting(1e-4, "AdamW weight decay", min=0)
    shown: int = setting(16, "worst test predictions shown with their images", min=1)
    views: tuple[float, ...] = setting(
        TURNS, "test clocks are read in these turned views (degrees) and the readings combined; 0 alone: one view"
    )


DESIGN_REASON = (
    "Why this design: on a 2-core CPU (Xeon with AMX, bf16) four 3x3 conv stages from the full 150x150 image "
    "took 73 s per epoch of 14,400 clocks, and pooling before batch norm and ReLU alone cut that to 46 s: the "
    "elementwise passes over the large early maps cost more than the convolutions (in a profile of a stride-2 "
    "stem, 60% of a step against 22%). The 4x4 stride-4 stem with pooling first cut it to 12 s on that machine, "
    "so every representation trains on all 18,000 clocks at 150x150."
)
QUICK = dict(count=2000, size=40, stem=0, filters=(8, 16, 32), hidden=64, epochs=6, batch_size=64, lr=3e-3)
