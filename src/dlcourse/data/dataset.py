"""The in-memory form of a dataset: uint8 images and integer labels, as NumPy arrays."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Dataset:
    """Train and test arrays plus what a report needs to say about them.

    Images are uint8, N x H x W (grayscale) or N x H x W x C (colour); labels are integer class indices.
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: tuple[str, ...]
    source: str  # the file or folder it was read from
    notes: tuple[str, ...] = ()  # facts a report must state (a sample, a lossy copy, a fallback)

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    def describe(self) -> str:
        """Sizes and source in one line; a source file is named without its folder, so that a report does not
        carry the paths of the machine it ran on."""
        source = os.path.basename(self.source) if os.path.isabs(self.source) else self.source
        return (
            f"{self.name}: {len(self.x_train):,} train / {len(self.x_test):,} test images of "
            f"{'x'.join(map(str, self.x_train.shape[1:]))}, from {source}"
        )

    def balanced_subset(self, n_train: int | None, n_test: int | None, seed: int = 0) -> Dataset:
        """At most `n_train` / `n_test` images, the same number from each class, in a seeded order."""
        rng = np.random.default_rng(seed)
        x_train, y_train = _balanced(self.x_train, self.y_train, n_train, rng)
        x_test, y_test = _balanced(self.x_test, self.y_test, n_test, rng)
        if len(x_train) == len(self.x_train) and len(x_test) == len(self.x_test):
            return self
        note = f"a class-balanced subset of {self.name}: {len(x_train):,} train / {len(x_test):,} test images"
        return replace(self, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test, notes=(*self.notes, note))


def _balanced(x: np.ndarray, y: np.ndarray, n: int | None, rng: np.random.Generator):
    if n is None or n >= len(y):
        return x, y
    classes = np.unique(y)
    per_class = n // len(classes)
    picks = [rng.permutation(np.flatnonzero(y == c))[:per_class] for c in classes]
    order = np.sort(np.concatenate(picks))  # keep the source order: subsets of subsets stay subsets
    return x[order], y[order]
