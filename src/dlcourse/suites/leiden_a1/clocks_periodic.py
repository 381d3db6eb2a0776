"""leiden-a1 Task 2, subtask (d): periodic labels, the hands' angles as (sin, cos), decoded with atan2."""

from __future__ import annotations

from dataclasses import dataclass

from dlcourse.settings import setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.leiden_a1.clocks_common import compare
from dlcourse.suites.leiden_a1.clocks_settings import QUICK, ClockSettings
from dlcourse.suites.registry import task
from dlcourse.telltime import Periodic


@dataclass(frozen=True)
class PeriodicSettings(ClockSettings):
    hands: tuple[str, ...] = setting(
        ("hour", "both"), "variants: hour (sin/cos of the hour hand: 2 outputs) and both (and of the minute hand: 4)"
    )


@task(
    "leiden-a1/2d",
    "Tell the time: periodic labels, sin/cos of the hands' angles",
    brief=PeriodicSettings(),
    quick=PeriodicSettings(**QUICK),
    shows=("comparison",),
)
def task_2d(ctx: TaskContext) -> None:
    s: PeriodicSettings = ctx.settings
    compare(ctx, [Periodic(h) for h in s.hands], "Periodic labels")
    ctx.answer(
        "Output layer: two linear units per angle, trained with a squared error against (sin, cos) and read "
        "with atan2. Two outputs per angle suffice (an angle has one degree of freedom, but one number cannot "
        "go round a circle without a jump); atan2 ignores the pair's length, so no squashing activation is "
        "needed. tanh would match the [-1, 1] range but can never reach ±1 exactly. With both hands the minute "
        "comes from the minute hand and the hour from the hour hand rounded with that minute, so the hour hand "
        "only has to be read to within 15° (half an hour) for the hour to come out right."
    )
