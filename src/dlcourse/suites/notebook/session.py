"""What a notebook's cells call around the task code: `start` (the profile, the data, the runs folder, and a
one-line message for dlcourse's errors) and `Session.run` (run a task function defined in the notebook through
the same runner as `dlcourse run`, or reuse its finished run, then show what it recorded).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from IPython import get_ipython
from IPython.display import Image, Markdown, display

import dlcourse
from dlcourse.console import plain_lines
from dlcourse.device import describe_device, resolve_device
from dlcourse.errors import DataNotFound, DlcourseError, UnknownName
from dlcourse.report.render import format_metric
from dlcourse.runs import load_json
from dlcourse.suites import TASKS
from dlcourse.suites.options import RunOptions
from dlcourse.suites.registry import PROFILES
from dlcourse.suites.runner import check_overrides, finished_run, git_revision, run_task, settings_for


@dataclass(frozen=True)
class Session:
    """The options every task of one notebook runs with."""

    profile: str
    data_dir: str | None
    runs: str
    train_missing: bool
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # per task id, as --set gives them

    def run(self, task_id: str, fn: Callable) -> None:
        """Run `fn` (the task function as the notebook defines it) as `task_id`, unless a finished run with the
        same settings exists (then it is reused and says so), and display its results."""
        task = TASKS.get(task_id)
        data = " --data-dir <DATA_DIR>" if self.data_dir else ""
        overrides = dict(self.settings.get(task_id, {}))
        options = RunOptions(
            profile=self.profile,
            data_dir=self.data_dir,
            runs_root=self.runs,
            overrides=overrides,
            resume=True,
            command=f"dlcourse run {task_id} --profile {self.profile}{data}{set_flags(overrides)}",
        )
        reused = finished_run(task, options) is not None  # what run_task keeps, with resume, instead of training
        if not reused and not self.train_missing:
            folder = Path(self.runs) / task.suite / task.name
            print(f"No finished {self.profile} run of {task_id} in {folder}: set TRAIN_MISSING = True to train it.")
            return
        folder = run_task(dataclasses.replace(task, fn=fn), options)
        if reused:
            print(f"Reused the finished run in {folder} (same settings, seed and device): nothing trained.")
        else:
            seconds = load_json(folder / "provenance.json", {}).get("seconds", 0)
            print(f"Ran {task_id} in {seconds:.0f} s; recorded in {folder}.")
        show(folder, answers=reused)  # a run made here has printed its answers as it said them


def start(
    profile: str = "quick",
    data_dir: str | None = None,
    runs: str = "runs",
    train_missing: bool = True,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> Session:
    """The notebook's session: dlcourse's errors shown as one line from here on, the settings checked, and the
    version, revision and device printed. `settings` changes a task's settings as `--set` does, per task id:
    {"bath-a2/3.1": {"batch_size": 10}}."""
    _one_line_errors()
    plain_lines()
    if profile not in PROFILES:
        raise UnknownName(f"PROFILE is {profile!r}, which is not a profile; use one of {', '.join(PROFILES)}")
    if data_dir is not None and not Path(data_dir).is_dir():
        raise DataNotFound(f"DATA_DIR {data_dir!r} is not a folder; give the folder of the datasets, or None")
    settings = dict(settings or {})
    for task_id, changes in settings.items():  # an unknown task, setting or value is one line, before any work
        check_overrides([TASKS.get(task_id)], dict(changes))
        settings_for(TASKS.get(task_id), profile, dict(changes))
    revision = (git_revision() or "unknown")[:12]
    print(f"dlcourse {dlcourse.__version__}, git {revision}, on {describe_device(resolve_device('auto'))}")
    data = f"the folder {Path(data_dir).name}" if data_dir else "the bundled samples"  # no path of this machine
    print(f"profile {profile}; data from {data}; runs kept in {runs}")
    for task_id, changes in settings.items():
        print(f"{task_id} runs with{set_flags(changes)}")
    return Session(profile, data_dir, runs, train_missing, settings)


def set_flags(overrides: Mapping[str, Any]) -> str:
    """The `--set` options that give `overrides` on the command line (a sequence as comma-separated values)."""
    spelled = {k: ",".join(map(str, v)) if isinstance(v, list | tuple) else v for k, v in overrides.items()}
    return "".join(f" --set {name}={value}" for name, value in spelled.items())


def show(folder: Path, answers: bool = True) -> None:
    """The run's results, tables and figures, and with `answers` its answers to the brief, in the order it
    recorded them."""
    metrics = load_json(folder / "metrics.json", {})
    entries = load_json(folder / "manifest.json", [])
    results = [e for e in entries if e["kind"] == "metric"]
    if results:
        rows = [f"| {e['label']} | {format_metric(e['name'], metrics.get(e['name']))} |" for e in results]
        display(Markdown("| result | value |\n| --- | --- |\n" + "\n".join(rows)))
    for entry in entries:
        if entry["kind"] == "note" and answers and entry.get("role", "detail") != "detail":
            display(Markdown(entry["text"]))
        elif entry["kind"] == "table":
            display(Markdown(f"**{entry['title']}**\n\n" + (folder / f"{entry['name']}.md").read_text()))
        elif entry["kind"] == "figure":
            display(Image(filename=str(folder / f"{entry['name']}.png")), Markdown(f"*{entry['caption']}*"))


def _one_line_errors() -> None:
    """In IPython, a DlcourseError raised by a cell prints its one sentence instead of a traceback."""
    shell = get_ipython()
    if shell is None:
        return

    def one_line(shell, kind, error, tb, tb_offset=None):
        print(f"error: {error}")

    shell.set_custom_exc((DlcourseError,), one_line)
