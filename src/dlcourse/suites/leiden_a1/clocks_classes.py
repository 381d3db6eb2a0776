"""leiden-a1 Task 2, subtask (a): telling the time as classification into 24, 72, 144 and 720 classes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dlcourse.settings import setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.leiden_a1.clocks_common import compare
from dlcourse.suites.leiden_a1.clocks_settings import QUICK, ClockSettings
from dlcourse.suites.registry import task
from dlcourse.telltime import Classes


@dataclass(frozen=True)
class ClassesSettings(ClockSettings):
    classes: tuple[int, ...] = setting(
        (24, 72, 144, 720), "numbers of classes to compare, each dividing 720 (brief: from 24 up to all 720)"
    )


@task(
    "leiden-a1/2a",
    "Tell the time: classification with 24, 72, 144 and 720 classes",
    brief=ClassesSettings(),
    quick=ClassesSettings(**QUICK),
    shows=("comparison", "errors"),
)
def task_2a(ctx: TaskContext) -> None:
    s: ClassesSettings = ctx.settings
    reps = [Classes(k) for k in s.classes]
    _, results = compare(ctx, reps, "Classification")
    by_count = {r.rep.count: r for r in results}
    if len(by_count) > 1:
        fine, coarse = by_count[max(by_count)], by_count[min(by_count)]
        train_clocks = int(0.8 * s.count)
        ctx.answer(
            f"With {fine.rep.count} classes each class has about {train_clocks // fine.rep.count} training clocks "
            f"(vs {train_clocks // coarse.rep.count} with {coarse.rep.count}), and cross-entropy counts every wrong "
            "class as equally wrong: a minute off costs as much as six hours off, so nothing teaches the network "
            "that neighbouring classes are neighbouring times. "
            f"Mean error: {fine.row['mean_min']:.1f} min with {fine.rep.count} classes against "
            f"{coarse.row['mean_min']:.1f} min with {coarse.rep.count} (whose interval alone costs "
            f"{interval_cost(coarse.rep.width):.1f} min on average even when every class is right)."
        )


def interval_cost(width: int) -> float:
    """Mean error of a right class: the distance from a whole minute of the interval to its middle."""
    return float(np.abs(np.arange(width) - (width - 1) / 2).mean())
