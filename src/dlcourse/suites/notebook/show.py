"""What a notebook cell calls to show one task's recorded run: its command, results, notes, tables and figures.

The cell reads the run folder that `dlcourse run` wrote; it trains nothing, so a notebook of a whole suite
runs top to bottom in seconds. Where no run is recorded it prints the command that makes one.
"""

from __future__ import annotations

from pathlib import Path

from IPython.display import Image, Markdown, display

from dlcourse.report.render import format_metric
from dlcourse.runs import load_json
from dlcourse.suites import TASKS


def show(task_id: str, runs_dir: str | Path = "runs") -> None:
    """Display the recorded run of `task_id` under `runs_dir` in the notebook (or say how to record one)."""
    task = TASKS.get(task_id)
    folder = Path(runs_dir) / task.suite / task.name
    provenance = load_json(folder / "provenance.json")
    if provenance is None or "finished" not in provenance:
        print(f"No finished run of {task_id} in {folder}; record one with: dlcourse run {task_id}")
        return
    print(f"Recorded by: {provenance['command']}\nFinished {provenance['finished']}; run that command to train again.")
    metrics = load_json(folder / "metrics.json", {})
    for entry in load_json(folder / "manifest.json", []):
        if entry["kind"] == "metric":
            display(Markdown(f"**{entry['label']}**: {format_metric(entry['name'], metrics.get(entry['name']))}"))
        elif entry["kind"] == "note":
            display(Markdown(entry["text"]))
        elif entry["kind"] == "table":
            display(Markdown(f"**{entry['title']}**\n\n" + (folder / f"{entry['name']}.md").read_text()))
        elif entry["kind"] == "figure":
            display(Image(filename=str(folder / f"{entry['name']}.png")), Markdown(f"*{entry['caption']}*"))
