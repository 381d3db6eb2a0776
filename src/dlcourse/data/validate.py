"""Checking loaded arrays against what a dataset must be, so a wrong file fails at load with one sentence.

Without it a float copy of the images (already in [0, 1]) is divided by 255 again and trains to chance
while the run exits 0, and a label of 11 or an image without its channel axis fails deep inside torch.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dlcourse.errors import CorruptFile


def check_splits(
    name: str, arrays: tuple[np.ndarray, ...], path: str | Path, image_shape: tuple[int, ...], classes: int
) -> None:
    """Raise CorruptFile naming `path` unless the four arrays are uint8 images of `image_shape` (one per
    label) and 1-D integer labels in 0..classes-1, with at least one image in each split."""
    x_train, y_train, x_test, y_test = arrays
    for split, x, y in (("training", x_train, y_train), ("test", x_test, y_test)):
        problem = _images_problem(x, image_shape) or _labels_problem(y, len(x), classes)
        if problem:
            raise CorruptFile(f"{path} is not a usable {name} file: its {split} {problem}")


def _images_problem(x: np.ndarray, image_shape: tuple[int, ...]) -> str | None:
    if x.ndim != 1 + len(image_shape) or tuple(x.shape[1:]) != image_shape:
        want = " x ".join(map(str, image_shape))
        return f"images have shape {x.shape}, not N x {want}"
    if len(x) == 0:
        return "set has no images"
    if x.dtype != np.uint8:
        return (
            f"images are {x.dtype}, not uint8 pixel values 0-255 (images already scaled to [0, 1] would be "
            "scaled again and train to chance)"
        )
    return None


def _labels_problem(y: np.ndarray, n: int, classes: int) -> str | None:
    if y.ndim != 1 or len(y) != n:
        return f"labels have shape {y.shape}, not one label for each of the {n:,} images"
    if not np.issubdtype(y.dtype, np.integer):
        return f"labels are {y.dtype}, not integer class indices"
    low, high = int(y.min()), int(y.max())
    if low < 0 or high >= classes:
        return f"labels run from {low} to {high}, outside the classes 0-{classes - 1}"
    return None
