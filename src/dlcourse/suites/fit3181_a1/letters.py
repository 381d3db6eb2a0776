"""fit3181-a1 Questions 2.1-2.3: EMNIST letters loaded, split into train/validation/test, and shown.

EMNIST letters has 26 classes (each holding the upper- and lower-case letter). When it is not on disk the
Part 2 tasks run on Fashion-MNIST instead, which has the same 28x28 grayscale shape but 10 classes, and say so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dlcourse.data import DATASETS, flatten, scale_unit
from dlcourse.data.dataset import Dataset
from dlcourse.data.splits import validation_split
from dlcourse.errors import DataNotFound
from dlcourse.plots.images import labelled_images
from dlcourse.settings import setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.mixins import DataSize
from dlcourse.suites.registry import task

Split = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Prepared:
    """Vectors in [0, 1] (N x 784, float32) and ordinal labels 0..K-1 for the three sets."""

    dataset: Dataset
    train: Split
    val: Split
    test: Split


def load_letters(ctx: TaskContext) -> Dataset:
    """EMNIST letters, or Fashion-MNIST with a note saying so when EMNIST is not on disk."""
    try:
        return ctx.load("emnist-letters")
    except DataNotFound:
        expected = DATASETS.get("emnist-letters").expected
        ctx.disclose(
            "EMNIST letters was not found, so this task runs on Fashion-MNIST instead: the same 28x28 grayscale "
            "images, but 10 classes of clothing rather than 26 letters, so its numbers are not EMNIST results."
        )
        # How to give EMNIST is a detail, in the appendix; the first page says what stood in.
        ctx.say(f"To run on EMNIST, give --data-dir a folder with {expected}.")
        return ctx.load("fashion-mnist")


def prepare(ctx: TaskContext, val_fraction: float) -> Prepared:
    """Questions 2.1 and 2.2: flatten to 784 features, hold out a stratified validation set, scale to [0, 1]."""
    ds = load_letters(ctx)
    (x_train, y_train), (x_val, y_val) = validation_split(ds.x_train, ds.y_train, val_fraction, seed=ctx.seed)
    return Prepared(ds, (_vectors(x_train), y_train), (_vectors(x_val), y_val), (_vectors(ds.x_test), ds.y_test))


def _vectors(images: np.ndarray) -> np.ndarray:
    return flatten(scale_unit(images))


def output_note(ds: Dataset) -> str:
    if ds.name == "emnist-letters":
        return (
            "The brief's Question 2.4 writes a 10-way softmax, but EMNIST letters has 26 classes, so the output "
            "layer has 26 units, one per letter."
        )
    return f"The output layer has {ds.num_classes} units, one per {ds.name} class."


def tell_output(ctx: TaskContext, ds: Dataset) -> None:
    """The output layer's size: on EMNIST letters a departure from the brief's text that a marker must know of
    (said on the report's first page), on a stand-in dataset a detail."""
    if ds.name == "emnist-letters":
        ctx.disclose(output_note(ds))
    else:
        ctx.say(output_note(ds))


@dataclass(frozen=True)
class LettersSplit(DataSize):
    """What `prepare` reads: how many letters, and the validation share."""

    val_fraction: float = setting(0.1, "share of the training data held out for validation (brief 2.2: 10%)", gt=0)


@dataclass(frozen=True)
class LettersDataSettings(LettersSplit):
    shown: int = setting(36, "random training images in the grid (brief 2.3: 36, as 6x6)", min=1)


@task(
    "fit3181-a1/2.1-2.3",
    "EMNIST letters: load, split into train/validation/test, show 36 images",
    brief=LettersDataSettings(),
    quick=LettersDataSettings(train_size=2000, test_size=500),
    shows=("samples", "splits"),
)
def task_2_1(ctx: TaskContext) -> None:
    s: LettersDataSettings = ctx.settings
    data = prepare(ctx, s.val_fraction)
    ds = data.dataset
    rows = []
    for name, (x, y) in (("train", data.train), ("validation", data.val), ("test", data.test)):
        counts = np.bincount(y, minlength=ds.num_classes)
        rows.append(
            {
                "set": name,
                "images": len(x),
                "array shape": f"({len(x)}, {x.shape[1]})",
                "pixel range": f"[{x.min():g}, {x.max():g}]",
                "per class": f"{counts.min()}-{counts.max()}",
            }
        )
        ctx.run.metric(f"{name}_images", len(x), f"{name} images")
    ctx.run.table("splits", rows, title="The three sets after flattening, splitting and scaling")
    ctx.say(
        f"Images arrive as ({len(ds.x_train)}, 28, 28) and ({len(ds.x_test)}, 28, 28) arrays and are flattened to "
        f"784 features; labels are ordinal class indices 0-{ds.num_classes - 1}. The validation set is a stratified "
        f"{s.val_fraction:.0%} of each training class (seed {ctx.seed}); pixels are divided by 255."
    )
    rng = np.random.default_rng(ctx.seed)
    picked = rng.choice(len(data.train[1]), size=min(s.shown, len(data.train[1])), replace=False)
    images = data.train[0][picked].reshape(-1, 28, 28)
    labels = [ds.classes[c] for c in data.train[1][picked]]
    ctx.run.array("shown", images=images, labels=data.train[1][picked], indices=picked)
    ctx.run.figure(
        "samples", labelled_images(images, labels, cols=9), caption=f"{len(picked)} random training images of {ds.name}"
    )
