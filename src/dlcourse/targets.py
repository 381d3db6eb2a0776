"""The numbers a brief asks for: a task's target is (metric, comparison, value), such as ("test_acc", ">",
0.45) for "above 45% test accuracy", and a recorded metric meets it or not."""

from __future__ import annotations

import operator
from collections.abc import Callable

COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


def meets(target: tuple[str, str, float], value: float) -> bool:
    """Whether `value` of the target's metric meets it."""
    _, comparison, threshold = target
    return COMPARISONS[comparison](value, threshold)
