"""leiden-a1 Task 2, subtask (b): the time as one number (hours), with a plain and a circular loss."""

from __future__ import annotations

from dataclasses import dataclass

from dlcourse.plots.clocks import error_by_time
from dlcourse.settings import setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.leiden_a1.clocks_common import compare
from dlcourse.suites.leiden_a1.clocks_settings import QUICK, ClockSettings
from dlcourse.suites.registry import task
from dlcourse.telltime import Hours
from dlcourse.telltime.error import common_sense_error

NEAR_TWELVE = 30  # minutes either side of 12:00 where the plain number jumps from 12 to 0


@dataclass(frozen=True)
class RegressionSettings(ClockSettings):
    losses: tuple[str, ...] = setting(
        ("mse", "circular"), "losses to compare: mse (plain squared error on the hours) and circular"
    )


@task(
    "leiden-a1/2b",
    "Tell the time: regression of the hours as one number, plain and circular loss",
    brief=RegressionSettings(),
    quick=RegressionSettings(**QUICK),
    shows=("comparison", "by_time"),
)
def task_2b(ctx: TaskContext) -> None:
    s: RegressionSettings = ctx.settings
    splits, results = compare(ctx, [Hours(kind) for kind in s.losses], "Regression of the hours")
    true = splits.times("test")
    near = common_sense_error(true, 0) <= NEAR_TWELVE
    errors = {r.rep.name: r.errors for r in results}
    ctx.run.figure(
        "by_time",
        error_by_time(errors, true, "Mean error by true time"),
        caption="Mean common-sense error against the true time: the wrap-around problem shows near 12 o'clock",
    )
    for r in results:
        ctx.say(
            f"{r.rep.name}: mean error {r.errors[near].mean():.1f} min for clocks within {NEAR_TWELVE} min of "
            f"12:00 against {r.errors[~near].mean():.1f} min for the rest."
        )
    # Fixed text: what a squared error on the hour as a number does at 12 follows from the labels, not the run.
    ctx.answer(
        "Why 12 o'clock is hard for a plain number: 11:55 is 11.92 and 0:05 is 0.08, so a squared error on the "
        "number calls two clocks 10 minutes apart almost 12 hours apart, and for a clock near 12 the loss-minimising "
        "answer between the two readings is near 6. The circular loss measures the difference the short way "
        "round the dial ((prediction - target + 6) mod 12 - 6), so the jump no longer exists for the loss."
    )
