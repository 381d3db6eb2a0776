"""How linearly separable each pair of classes is: a linear classifier per pair, scored on held-out data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from dlcourse.errors import InvalidInput


@dataclass(frozen=True)
class Separability:
    """Per-pair accuracies of a linear classifier as symmetric k x k matrices (NaN on the diagonal)."""

    classes: np.ndarray
    train_acc: np.ndarray
    test_acc: np.ndarray

    def pairs_at_least(self, threshold: float) -> list[tuple[int, int, float]]:
        """(class a, class b, test accuracy) of the pairs at or above `threshold`, best first."""
        found = [
            (int(self.classes[i]), int(self.classes[j]), float(self.test_acc[i, j]))
            for i, j in combinations(range(len(self.classes)), 2)
            if self.test_acc[i, j] >= threshold
        ]
        return sorted(found, key=lambda t: -t[2])

    def ranked(self) -> list[tuple[int, int, float]]:
        """Every pair with its test accuracy, hardest first."""
        return sorted(self.pairs_at_least(-np.inf), key=lambda t: t[2])


def pairwise_separability(
    train: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray],
    make_classifier: Callable[[], Any],
) -> Separability:
    """Fit `make_classifier()` (a scikit-learn style linear classifier) on each pair of classes in `train`
    and score it on the same pair in `test`."""
    (x_train, y_train), (x_test, y_test) = train, test
    classes = np.unique(y_train)
    if len(classes) < 2 or not np.isin(np.unique(y_test), classes).all():
        raise InvalidInput("separability needs at least two classes, and no test class absent from training")
    k = len(classes)
    train_acc, test_acc = np.full((k, k), np.nan), np.full((k, k), np.nan)
    for i, j in combinations(range(k), 2):
        a, b = classes[i], classes[j]
        in_train, in_test = np.isin(y_train, (a, b)), np.isin(y_test, (a, b))
        model = make_classifier().fit(x_train[in_train], y_train[in_train] == b)
        train_acc[i, j] = train_acc[j, i] = model.score(x_train[in_train], y_train[in_train] == b)
        test_acc[i, j] = test_acc[j, i] = model.score(x_test[in_test], y_test[in_test] == b)
    return Separability(classes, train_acc, test_acc)
