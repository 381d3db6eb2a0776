"""The first page of a suite's main report: what was run, the results against the brief, data and departures.

A marker reads this page first, so each fact is said once: the data every task used, the datasets that stood
in for the brief's, and each budget choice with the option that restores the brief's value, whichever tasks
share it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import dlcourse
from dlcourse.report.section import Section
from dlcourse.report.targets import departures_of, target_cells, target_metric
from dlcourse.settings import departure_line
from dlcourse.train.progress import format_duration

QUICK_WARNING = (
    "These results come from the quick profile, with small samples of the data and few epochs, made to check that "
    "everything runs in minutes. They are not an answer to the brief; run the tasks with the brief profile on "
    "the full data for that."
)
REFERENCE = "a generated reference solution, not a submission"


def notes_of(section: Section, *roles: str | None) -> list[str]:
    """The texts of the section's notes with one of `roles`, in order, each once (None: a note recorded before
    notes had roles)."""
    return list(dict.fromkeys(e["text"] for e in section.entries if e["kind"] == "note" and e.get("role") in roles))


def quick(sections: Sequence[Section]) -> bool:
    """Whether the runs are quick-profile checks rather than an answer to the brief."""
    return any(s.provenance.get("profile") == "quick" for s in sections)


def shared_notes(sections: Sequence[Section]) -> list[str]:
    """Notes without a role that two or more tasks made word for word: said once, at the top."""
    seen: dict[str, int] = {}
    for s in sections:
        for text in notes_of(s, None):
            seen[text] = seen.get(text, 0) + 1
    return [text for text, count in seen.items() if count > 1]


def revisions(sections: Sequence[Section]) -> str:
    """The git revisions the runs ran from, shortened, each once."""
    found = dict.fromkeys((s.provenance.get("git_revision") or "unknown")[:12] for s in sections)
    return ", ".join(found) or "unknown"


def footer(suite: str, sections: Sequence[Section]) -> str:
    """The line printed at the foot of every page: whose, which suite, which version and revision, and what it is."""
    return f"dlcourse {dlcourse.__version__} · {suite} · git {revisions(sections)} · {REFERENCE}"


def run_facts(sections: Sequence[Section], missing: Sequence[str]) -> list[list[str]]:
    """Rows of the "what was run" table: profile, data, machine, wall time, revision, tasks."""
    profiles = ", ".join(dict.fromkeys(s.provenance.get("profile", "?") for s in sections))
    data = "; ".join(dict.fromkeys(text for s in sections for text in notes_of(s, "data")))
    devices = ", ".join(dict.fromkeys(str(s.provenance.get("device", "?")) for s in sections))
    seconds = sum(float(s.provenance.get("seconds") or 0) for s in sections)
    rows = [
        ["profile", profiles],
        *([["data", data]] if data else []),
        ["machine", devices],
        ["wall time", f"{format_duration(seconds)} in all for the {len(sections)} tasks"],
        ["revision", f"dlcourse {dlcourse.__version__}, git {revisions(sections)}"],
    ]
    if missing:
        rows.append(["not run yet", ", ".join(missing)])
    return rows


def summary(sections: Sequence[Section], format_metric: Callable[[str, Any], str]) -> list[list[str]]:
    """One row per task: the result the brief asks for, the brief's target for it and whether it was met."""
    rows = []
    for s in sections:
        shown = headline(s)
        result = "; ".join(f"{m['label']}: {format_metric(m['name'], s.metrics.get(m['name']))}" for m in shown)
        result = result or "(figures and tables)"
        target, met = target_cells(s, format_metric)
        rows.append([s.task.name, s.task.title, result, target or "none set", met or "no target"])
    return rows


SUMMARY_HEADER = ["task", "title", "result the brief asks for", "brief's target", "met"]


def headline(section: Section) -> list[dict]:
    """The metrics a marker looks for first: those the task names, else the one the brief sets a target for,
    else a test accuracy or a best result where the task records one, else its first result that is not a
    timing."""
    metrics = [e for e in section.entries if e["kind"] == "metric" and "second" not in e["name"]]
    if named := [e for e in metrics if e["name"] in getattr(section.task, "headline", ())]:
        return named
    if found := next((e for e in metrics if e["name"] == target_metric(section)), None):
        return [found]
    for wanted in ("test_acc", "best"):
        if found := next((e for e in metrics if wanted in e["name"]), None):
            return [found]
    return metrics[:1]


def data_and_departures(sections: Sequence[Section], damaged: Sequence[str]) -> list[str]:
    """Whole sentences, each once: damaged runs, the data that stood in, the budget
    choices (with the tasks that share each), and notes every task would otherwise repeat."""
    out = []
    if damaged:
        out.append(f"Left out, their run folders damaged: {'; '.join(damaged)}.")
    out += dict.fromkeys(text for s in sections for text in notes_of(s, "disclosure"))
    by_line: dict[str, list[str]] = {}
    for s in sections:
        for d in departures_of(s):
            by_line.setdefault(departure_line(d), []).append(s.task.name)
    out += [f"{', '.join(tasks)}: {line}" for line, tasks in by_line.items()]
    return out + shared_notes(sections)
