"""Reads the run folders of a suite, in the order given (the brief's task order), into sections for the renderers."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from dlcourse import atomic
from dlcourse.errors import DataNotFound
from dlcourse.report import render
from dlcourse.report.section import ReportedTask, Section
from dlcourse.runs import load_json


def build_report(
    suite: str, title: str, tasks: Sequence[ReportedTask], runs_root: str | Path = "runs"
) -> tuple[Path, Path]:
    """Write `<runs_root>/<suite>/report.md` and `report.html` with a section per finished task; returns both paths."""
    root = Path(runs_root) / suite
    sections = [s for t in tasks if (s := _load_section(root / t.name, t)) is not None]
    if not sections:
        raise DataNotFound(f"no finished runs of {suite} in {root}; run 'dlcourse run {suite}' first")
    missing = [t.id for t in tasks if t.id not in {s.task.id for s in sections}]
    md = atomic.write_text(root / "report.md", render.markdown(title, sections, missing))
    html = atomic.write_text(root / "report.html", render.html(title, sections, missing))
    return md, html


def _load_section(folder: Path, task: ReportedTask) -> Section | None:
    provenance = load_json(folder / "provenance.json")
    if provenance is None or "finished" not in provenance:
        return None
    entries = []
    for entry in load_json(folder / "manifest.json", []):
        entry = dict(entry)
        if entry["kind"] == "table":
            with open(folder / f"{entry['name']}.csv", newline="") as f:
                entry["rows"] = list(csv.DictReader(f))
            entry["markdown"] = (folder / f"{entry['name']}.md").read_text()
        entries.append(entry)
    return Section(task, folder, provenance, load_json(folder / "metrics.json", {}), entries)
