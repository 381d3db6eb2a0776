"""Reads the run folders of a suite, in the order given (the brief's task order), into sections for the renderers.

A run folder damaged after its run (a file cut short, deleted or replaced) is left out with one sentence
naming the task, the file and the command that rebuilds it; the rest of the report is still written.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dlcourse import atomic
from dlcourse.errors import DamagedRun, DataNotFound, InvalidInput
from dlcourse.report import render
from dlcourse.report.section import ReportedTask, Section

PROVENANCE_KEYS = ("command", "profile", "seed", "device", "versions", "finished")
ENTRY_KEYS = {"note": ("text",), "metric": ("name", "label"), "table": ("name", "title"), "figure": ("name", "caption")}


class _Damaged(Exception):
    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"its {path.name} {problem}")


def build_report(
    suite: str, title: str, tasks: Sequence[ReportedTask], runs_root: str | Path = "runs"
) -> tuple[Path, Path]:
    """Write `<runs_root>/<suite>/report.md` and `report.html` (the main report) and `report-appendix.md` and
    `.html` (the full record) from the finished tasks; returns the main report's two paths. Raises DamagedRun,
    after writing them, when a task's folder could not be read, and InvalidInput, writing nothing, when the
    runs mix the quick profile with the brief's."""
    root = Path(runs_root) / suite
    sections, damaged, missing = [], [], []
    for t in tasks:
        try:
            section = _load_section(root / t.name, t)
        except _Damaged as exc:
            damaged.append(f"{t.id} ({exc}; rebuild it with 'dlcourse run {t.id}' and the options it ran with)")
            continue
        if section is None:
            missing.append(t.id)
        else:
            sections.append(section)
    if not sections and not damaged:
        raise DataNotFound(f"no finished runs of {suite} in {root}; run 'dlcourse run {suite}' first")
    _refuse_mixed_profiles(suite, sections)
    for stem, part in (("report", render.MAIN), (render.APPENDIX_NAME, render.APPENDIX)):
        md = atomic.write_text(root / f"{stem}.md", render.markdown(title, sections, missing, damaged, part))
        html = atomic.write_text(root / f"{stem}.html", render.html(title, sections, missing, damaged, part))
    md, html = root / "report.md", root / "report.html"
    if damaged:
        raise DamagedRun(
            f"left out of {md.name} and {html.name}, which are written without them: " + "; ".join(damaged)
        )
    return md, html


def _refuse_mixed_profiles(suite: str, sections: list[Section]) -> None:
    """A report answers the brief or checks that everything runs, never both: quick runs beside full ones
    would put sample-data numbers in a reference answer."""
    quick = [s.task.name for s in sections if s.provenance.get("profile") == "quick"]
    full = [s.task.name for s in sections if s.provenance.get("profile") != "quick"]
    if quick and full:
        raise InvalidInput(
            f"the runs of {suite} mix profiles (quick: {', '.join(quick)}; brief: {', '.join(full)}), so no report "
            f"was written; run the quick ones again with the brief profile, or all with --profile quick"
        )


def _load_section(folder: Path, task: ReportedTask) -> Section | None:
    """The finished run in `folder`, None when there is none, or _Damaged when a file of it cannot be used."""
    path = folder / "provenance.json"
    if not path.is_file():
        return None
    provenance = _read_json(path, dict)
    if "finished" not in provenance:
        return None
    lacking = [k for k in PROVENANCE_KEYS if k not in provenance]
    if lacking:
        raise _Damaged(path, f"lacks {', '.join(lacking)}")
    entries = [_load_entry(folder, entry) for entry in _read_json(folder / "manifest.json", list, [])]
    return Section(task, folder, provenance, _read_json(folder / "metrics.json", dict, {}), entries)


def _load_entry(folder: Path, entry: Any) -> dict[str, Any]:
    """A manifest entry, with a table's rows and markdown loaded and a figure's file checked."""
    manifest = folder / "manifest.json"
    needs = {"note": ("text",), "metric": ("name", "label"), "table": ("name", "title"), "figure": ("name", "caption")}
    if (
        not isinstance(entry, dict)
        or entry.get("kind") not in needs
        or any(k not in entry for k in needs[entry["kind"]])
    ):
        raise _Damaged(manifest, f"holds an entry that is not a note, metric, table or figure: {str(entry)[:60]}")
    entry = dict(entry)
    if entry["kind"] == "table":
        csv_path, md_path = folder / f"{entry['name']}.csv", folder / f"{entry['name']}.md"
        entry["rows"] = list(csv.DictReader(_read_text(csv_path).splitlines()))
        entry["markdown"] = _read_text(md_path)
    elif entry["kind"] == "figure" and not (folder / f"{entry['name']}.png").is_file():
        raise _Damaged(folder / f"{entry['name']}.png", "is missing")
    return entry


def _read_text(path: Path) -> str:
    try:
        return path.read_text()
    except FileNotFoundError:
        raise _Damaged(path, "is missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _Damaged(path, f"cannot be read ({exc})") from None


_MISSING = object()


def _read_json(path: Path, kind: type, default: Any = _MISSING) -> Any:
    """The JSON value in `path`, which must be of `kind`; `default` when the file is absent and one is given."""
    if default is not _MISSING and not path.exists():
        return default
    try:
        value = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise _Damaged(path, f"is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(value, kind):
        raise _Damaged(path, f"holds a {type(value).__name__}, not a JSON {'object' if kind is dict else 'list'}")
    return value
