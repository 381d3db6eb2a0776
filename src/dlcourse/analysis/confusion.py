"""Confusion matrices of trained classifiers."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import confusion_matrix
from torch import nn

from dlcourse.train import predict


def confusion(model: nn.Module, x: np.ndarray, y: np.ndarray, num_classes: int) -> np.ndarray:
    """K x K counts: row = true class, column = predicted class; every class has its row and column, so the
    matrix sums to len(y) even when a class is absent."""
    predicted = predict(model, x).argmax(1).numpy()
    return confusion_matrix(np.asarray(y), predicted, labels=np.arange(num_classes))


def most_confused(matrix: np.ndarray, classes: tuple[str, ...] | list[str], top: int = 3) -> list[tuple[str, str, int]]:
    """The `top` largest off-diagonal cells as (true class, predicted class, count)."""
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    order = np.argsort(-off, axis=None, kind="stable")[:top]  # ties: the earlier cell first
    return [(classes[i], classes[j], int(off[i, j])) for i, j in zip(*np.unravel_index(order, off.shape), strict=True)]
