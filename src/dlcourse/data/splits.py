"""Holding out a validation set from the training data."""

from __future__ import annotations

import numpy as np

from dlcourse.errors import InvalidSetting


def validation_split(
    x: np.ndarray, y: np.ndarray, fraction: float = 0.1, seed: int = 0
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """((x_train, y_train), (x_val, y_val)) with `fraction` of each class held out, chosen by `seed`.

    Stratified, so the validation set has the class proportions of the whole: with 26 classes a plain
    random 10% would leave some classes a few percent over- or under-represented. Both parts keep the
    original order of the examples.
    """
    if not 0 < fraction < 1:
        raise InvalidSetting(f"the validation fraction must be between 0 and 1, got {fraction}")
    rng = np.random.default_rng(seed)
    held = []
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        held.append(rng.permutation(members)[: round(fraction * len(members))])
    val = np.zeros(len(y), dtype=bool)
    val[np.concatenate(held)] = True
    return (x[~val], y[~val]), (x[val], y[val])
