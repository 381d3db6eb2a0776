"""tbmi26 Q1: what the four numbers of X_train's and X_test's shapes mean."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dlcourse.data import channels_first
from dlcourse.plots.images import labelled_images
from dlcourse.settings import setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.mixins import DataSize
from dlcourse.suites.registry import task


@dataclass(frozen=True)
class ShapeSettings(DataSize):
    examples: int = setting(30, "training images shown with their class names", min=1, max=120)


@task(
    "tbmi26/q1",
    "The shape of X_train and X_test",
    brief=ShapeSettings(),
    quick=ShapeSettings(),
    shows=("axes",),
)
def task_q1(ctx: TaskContext) -> None:
    s: ShapeSettings = ctx.settings
    ds = ctx.load("cifar10")
    n, h, w, c = ds.x_train.shape
    rows = []
    for name, x in (("X_train", ds.x_train), ("X_test", ds.x_test)):
        rows.append({"array": name, "shape": str(x.shape), "dtype": str(x.dtype), "values": f"{x.min()}..{x.max()}"})
    ctx.run.table("shapes", rows, title="The arrays as loaded (N, H, W, C)")
    meaning = [
        {"axis": 0, "name": "N", "size (train)": n, "size (test)": len(ds.x_test), "meaning": "number of images"},
        {"axis": 1, "name": "H", "size (train)": h, "size (test)": h, "meaning": "image height: rows of pixels"},
        {"axis": 2, "name": "W", "size (train)": w, "size (test)": w, "meaning": "image width: columns of pixels"},
        {"axis": 3, "name": "C", "size (train)": c, "size (test)": c, "meaning": "colour channels: red, green, blue"},
    ]
    ctx.run.table("axes", meaning, title="What each of the four numbers means")
    counts = np.bincount(ds.y_train, minlength=ds.num_classes)
    test_counts = np.bincount(ds.y_test, minlength=ds.num_classes)
    ctx.run.table(
        "classes",
        [
            {"label": i, "class": name, "train images": int(counts[i]), "test images": int(test_counts[i])}
            for i, name in enumerate(ds.classes)
        ],
        title="Labels (y_train, y_test) are class indices 0-9",
    )
    ctx.answer(
        f"X_train has shape {ds.x_train.shape}: N = {n:,} images, each H = {h} pixels high and W = {w} pixels wide, "
        f"with C = {c} colour channels (red, green, blue), stored as {ds.x_train.dtype} values 0-255. X_test has "
        f"shape {ds.x_test.shape}: the same layout, with {len(ds.x_test):,} images. The second and third numbers "
        "are two separate axes (rows and columns), not one 'pixel size'; the fourth is the colour depth."
    )
    ctx.say(
        f"One image is {h} x {w} x {c} = {h * w * c:,} numbers: that is the input size of a fully connected model "
        f"(Q2), against 28 x 28 = 784 for MNIST. PyTorch convolutions take the channels first: the arrays are fed "
        f"to the CNNs as {channels_first(ds.x_test[:1]).shape[1:]} images (N, C, H, W)."
    )
    shown = min(s.examples, len(ds.x_train))
    ctx.run.figure(
        "examples",
        labelled_images(ds.x_train[:shown], [ds.classes[k] for k in ds.y_train[:shown]]),
        caption=f"The first {shown} training images with their classes",
    )
