"""Objectives a space file can name (`objective: classify`), each with its up-front config check.

A library user can pass any module-level function to `run_sweep` instead; registering one here makes it
available to `dlcourse sweep`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dlcourse.registry import Registry
from dlcourse.sweep.execute import Objective
from dlcourse.train import classify


@dataclass(frozen=True)
class ObjectiveSpec:
    fn: Objective  # fn(config, **context) -> metrics
    check: Callable[[Iterable[Mapping[str, Any]], str | None], dict[str, list[str]]]  # -> notes per dataset


OBJECTIVES: Registry[ObjectiveSpec] = Registry("objective")
OBJECTIVES.add("classify", ObjectiveSpec(classify.classify, classify.check))
