"""Results over several runs, as the reports give them: a mean ± std cell, and the noise a paired difference
must exceed to count as a real one."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

import numpy as np


def mean_std(values: Sequence[float], digits: int = 2) -> str:
    """ "72.31 ± 0.40" over several values; the value alone when there is one."""
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{statistics.mean(values):.{digits}f} ± {std(values):.{digits}f}"


def std(values: Sequence[float]) -> float:
    """The sample standard deviation over several runs; 0 for a single run."""
    return statistics.stdev(values) if len(values) > 1 else 0.0


def paired_noise(differences: Sequence[float] | np.ndarray) -> float:
    """Two standard errors of the mean of paired differences (two models on the same seeds, or on the same
    test images): a mean difference smaller than this is within the noise."""
    d = np.asarray(differences, dtype=float)
    return float(2 * d.std(ddof=1) / np.sqrt(len(d)))


def difference_noise(acc_a: float, acc_b: float, n: int) -> float:
    """Two standard errors, in points, of the difference between two accuracies each measured on n images:
    a smaller difference cannot be told from the test set's sampling noise."""
    return 200 * math.sqrt((acc_a * (1 - acc_a) + acc_b * (1 - acc_b)) / n)
