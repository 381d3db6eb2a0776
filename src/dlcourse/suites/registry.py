"""Tasks of the briefs, registered as "<suite>/<task>" with their settings class and profiles."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dlcourse.errors import InvalidName, UnknownName
from dlcourse.registry import Registry
from dlcourse.settings import Settings, departures
from dlcourse.targets import COMPARISONS

PROFILES = ("brief", "quick", "best")


@dataclass(frozen=True)
class Task:
    id: str  # "bath-a2/3.1"
    title: str
    fn: Callable  # fn(ctx: TaskContext) -> None
    profiles: dict[str, Settings] = field(default_factory=dict)  # needs "brief" and "quick"; "best" optional
    needs: tuple[str, ...] = ()  # tasks of the suite whose finished runs this one cannot do without
    reads: tuple[str, ...] = ()  # tasks whose runs it uses when they exist (a comparison, a model to take over)
    target: tuple[str, str, float] | None = None  # the brief's target: (metric, ">" / ">=" / "<" / "<=", value)
    shows: tuple[str, ...] = ()  # the figures and tables (by name) that the main report shows; all go in the appendix
    headline: tuple[str, ...] = ()  # the metrics the summary shows, where the brief asks for others than its target
    details: tuple[str, ...] = ()  # metrics only the appendix shows: how it ran, or what an answer already says

    @property
    def suite(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.id.split("/", 1)[1]

    @property
    def settings_class(self) -> type[Settings]:
        return type(self.profiles["brief"])

    def departures(self, values: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Which of these settings (as a run recorded them) depart from the brief's own values, and why."""
        return departures(self.settings_class, values)

    def settings(self, profile: str) -> tuple[Settings, str]:
        """The profile's settings and the profile actually used ('best' falls back to 'brief')."""
        if profile not in PROFILES:
            raise UnknownName(f"unknown profile {profile!r}; known: {', '.join(PROFILES)}")
        used = profile if profile in self.profiles else "brief"
        return self.profiles[used], used


TASKS: Registry[Task] = Registry("task")
SUITE_TITLES: dict[str, str] = {}


def describe_suite(suite: str, title: str) -> None:
    """Give a suite the title its report carries."""
    SUITE_TITLES[suite] = title


def suite_title(suite: str) -> str:
    """The title a suite's report carries (its name where none was given)."""
    return SUITE_TITLES.get(suite, suite)


def task(
    task_id: str,
    title: str,
    brief: Settings,
    quick: Settings,
    best: Settings | None = None,
    needs: tuple[str, ...] = (),
    reads: tuple[str, ...] = (),
    target: tuple[str, str, float] | None = None,
    shows: tuple[str, ...] = (),
    headline: tuple[str, ...] = (),
    details: tuple[str, ...] = (),
):
    """Register `fn(ctx)` as a task: `@task("bath-a2/3.1", "MLP on MNIST", brief=..., quick=...)`.

    `needs` and `reads` name other tasks of the suite (as "4.1") whose results the task reads: a needed one
    must have run first with the same profile; a read one is used when it has. `target` is a number the brief
    asks for, as (metric, comparison, value): ("test_acc", ">", 0.45); the report says whether the recorded
    metric met it. `shows` names the figures and tables that carry the answer in the main report (every one
    is in the appendix); `headline` the metrics its summary row shows, where the brief asks for others
    than the one it sets a target for; `details` the metrics that only the appendix shows: those that say how
    the task ran rather than what it found, or that one of its answers already says. The arguments must be
    literals: `dlcourse list` reads them from the source without importing the suites (see catalog.py)."""
    if "/" not in task_id:
        raise InvalidName(f"a task id is '<suite>/<task>', got {task_id!r}")
    if target is not None and (len(target) != 3 or target[1] not in COMPARISONS):
        raise InvalidName(f"a target is (metric, one of {' '.join(COMPARISONS)}, value), got {target!r}")

    def register(fn: Callable) -> Callable:
        profiles = {"brief": brief, "quick": quick} | ({"best": best} if best is not None else {})
        TASKS.add(
            task_id,
            Task(
                task_id,
                title,
                fn,
                profiles,
                tuple(needs),
                tuple(reads),
                target,
                tuple(shows),
                tuple(headline),
                tuple(details),
            ),
        )
        return fn

    return register


def suites() -> list[str]:
    return list(dict.fromkeys(TASKS.get(t).suite for t in TASKS))


def natural_key(name: str) -> tuple:
    """Sort key that orders task names as a brief numbers them: 2 < 3.1 < 3.2 < 10, q2 < q10, 2a < 2b."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


def select(target: str) -> list[Task]:
    """Tasks named by '<suite>' (all of its tasks), '<suite>/<task>', or '<suite>/<pattern>' with shell
    wildcards ('fit3181-a1/3.*': Part 3), in the brief's order."""
    suite, _, name = target.partition("/")
    if name and not any(c in name for c in "*?["):
        return [TASKS.get(target)]
    found = sorted(
        (
            TASKS.get(t)
            for t in TASKS
            if TASKS.get(t).suite == suite and fnmatch.fnmatchcase(TASKS.get(t).name, name or "*")
        ),
        key=lambda t: natural_key(t.name),
    )
    if not found:
        known = f"suites: {', '.join(suites())}" if suite not in suites() else f"no task of {suite} matches {name!r}"
        raise UnknownName(f"unknown suite or task {target!r}; {known}; see 'dlcourse list'")
    return found
