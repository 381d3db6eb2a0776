"""The brief's targets and departures from its examples, read against what a run recorded, for the report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dlcourse.report.section import Section
from dlcourse.targets import meets


def target_metric(section: Section) -> str | None:
    """The name of the metric the brief sets a target for, when it does."""
    target = getattr(section.task, "target", None)
    return target[0] if target else None


def target_cells(section: Section, format_value: Callable[[str, Any], str]) -> tuple[str, str]:
    """The brief's target in words and whether the run met it: ("> 45.00%", "met"); empty where none is set."""
    target = getattr(section.task, "target", None)
    if not target:
        return "", ""
    name, comparison, value = target
    words = f"{comparison} {format_value(name, value)}"
    got = section.metrics.get(name)
    if not isinstance(got, int | float):
        return words, "not recorded"
    return words, "met" if meets(target, got) else "missed"


def departures_of(section: Section) -> list[dict[str, Any]]:
    """The settings of a brief-profile (or best) run that depart from the brief's own values; none for quick,
    which departs everywhere and says so at the top."""
    if section.provenance.get("profile") == "quick":
        return []
    departures = getattr(section.task, "departures", None)
    return departures(section.provenance.get("settings", {})) if departures else []
