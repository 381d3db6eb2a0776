"""How hard a classification problem is in raw pixel space, measured without training a network."""

from __future__ import annotations

import numpy as np


def between_within_ratio(x: np.ndarray, y: np.ndarray) -> float:
    """Spread of the class means over spread inside the classes: trace(S_between) / trace(S_within), with
    every image flattened. Large when each class sits in its own region of pixel space."""
    x = x.reshape(len(x), -1)
    overall = x.mean(axis=0, dtype=np.float64)
    between = within = 0.0
    for c in np.unique(y):  # one class at a time keeps the float64 copies small
        members = x[y == c].astype(np.float64)
        centre = members.mean(axis=0)
        between += len(members) * float(np.sum((centre - overall) ** 2))
        within += float(np.sum((members - centre) ** 2))
    return between / within


def nearest_mean_accuracy(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, y_test: np.ndarray) -> float:
    """Test accuracy of assigning each image to the class whose mean training image is nearest (Euclidean)."""
    classes = np.unique(y_train)
    flat_train = x_train.reshape(len(x_train), -1)
    means = np.stack([flat_train[y_train == c].mean(axis=0, dtype=np.float64) for c in classes])
    flat_test = x_test.reshape(len(x_test), -1).astype(np.float64)
    # |a - m|^2 = |a|^2 - 2 a.m + |m|^2; |a|^2 is the same for every class and can be left out.
    distances = -2 * flat_test @ means.T + (means**2).sum(1)[None, :]
    return float(np.mean(classes[distances.argmin(axis=1)] == y_test))
