"""Notebooks of a suite, as its brief names them: per task a markdown cell quoting the brief, a code cell with the
task's own function (the code `dlcourse run` executes) and a cell that runs it, or reuses its finished run, and
shows the results; executed so that outputs are embedded, with `.py` and `.html` exports.

The notebook runs anywhere on a fresh kernel: its settings cell reads the runs folder, the data folder and
whether to train what is not recorded from the environment, where `dlcourse notebook` sets them for the build
(the notebook sits in `<runs>/<suite>/` and finds the runs at `..`), and defaults to a `runs` folder beside it,
the bundled samples and training what is missing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import dlcourse
from dlcourse import atomic
from dlcourse.errors import ToolMissing, UnknownName
from dlcourse.runs import load_json
from dlcourse.suites import select
from dlcourse.suites.notebook.cells import task_code
from dlcourse.suites.notebook.code_folder import write_code_folder
from dlcourse.suites.notebook.questions import notebook_name, question
from dlcourse.suites.registry import PROFILES, SUITE_TITLES, Task
from dlcourse.suites.runner import git_revision

try:
    import jupytext
    import nbformat
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbconvert import HTMLExporter
except ImportError as exc:
    raise ToolMissing(
        f"'dlcourse notebook' needs the Jupyter packages ({exc.name} is missing); install them with "
        "pip install -e . (they are dependencies of dlcourse)"
    ) from None


def build_notebooks(
    suite: str,
    runs_dir: str | Path = "runs",
    group: str = "N",
    execute: bool = True,
    profile: str | None = None,
    data_dir: str | Path | None = None,
    train_missing: bool = False,
    only: Sequence[str] | None = None,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Path]:
    """Write each notebook of `suite` (its tasks in `only`, when given) with its `.py` and `.html` exports, and
    the code folder where the brief asks for one; returns the `.ipynb` paths, then the code folder's. Executing,
    a task with a finished run of these settings is reused; one without is trained only with `train_missing`.
    `profile` defaults to that of the recorded runs, or quick where none is recorded. `settings` (per task id,
    as `--set` gives them) goes into the notebook's SETTINGS cell, where the reader sees it."""
    tasks = select(suite)
    if "/" in suite:
        raise UnknownName(f"'dlcourse notebook' takes a suite name such as {tasks[0].suite!r}, not a task")
    tasks = [t for t in tasks if only is None or t.id in only]
    folder = Path(runs_dir) / suite
    profile = profile or recorded_profile(folder, tasks)
    if profile not in PROFILES:
        raise UnknownName(f"unknown profile {profile!r}; known: {', '.join(PROFILES)}")
    folder.mkdir(parents=True, exist_ok=True)
    by_name: dict[str, list[Task]] = {}
    for task in tasks:
        by_name.setdefault(notebook_name(task, group), []).append(task)
    written = []
    for name, members in by_name.items():
        chosen = {t.id: dict(settings[t.id]) for t in members if settings and settings.get(t.id)}
        nb = notebook(SUITE_TITLES.get(suite, suite), members, profile, chosen)
        if execute:
            env = {"DLCOURSE_RUNS": "..", "DLCOURSE_TRAIN_MISSING": "1" if train_missing else "0"}
            _execute(nb, folder, env | ({"DLCOURSE_DATA": str(Path(data_dir).resolve())} if data_dir else {}))
        path = atomic.write_text(folder / f"{name}.ipynb", nbformat.writes(nb))
        atomic.write_text(path.with_suffix(".py"), jupytext.writes(nb, fmt="py:percent"))
        atomic.write_text(path.with_suffix(".html"), HTMLExporter().from_notebook_node(nb)[0])
        written.append(path)
    if code := write_code_folder(suite, tasks, folder, group):
        written.append(code)
    return written


def recorded_profile(folder: Path, tasks: Sequence[Task]) -> str:
    """The profile of the first finished run among `tasks` in `folder`; quick when none is recorded."""
    for task in tasks:
        provenance = load_json(folder / task.name / "provenance.json") or {}
        if provenance.get("finished") and provenance.get("profile") in PROFILES:
            return provenance["profile"]
    return "quick"


def notebook(
    title: str, tasks: Sequence[Task], profile: str, settings: Mapping[str, dict[str, Any]] | None = None
) -> nbformat.NotebookNode:
    """The unexecuted notebook of `tasks`, with `settings` changed per task id."""
    cells = [
        nbformat.v4.new_markdown_cell(intro(title, tasks[0].suite)),
        nbformat.v4.new_code_cell(INSTALL),
        nbformat.v4.new_code_cell(SETTINGS.format(profile=profile, settings=settings or {})),
    ]
    for task in tasks:
        cells.append(nbformat.v4.new_markdown_cell(f"## {task.id}: {task.title}\n\n> {question(task)}"))
        cells.append(nbformat.v4.new_code_cell(task_code(task)))
        cells.append(nbformat.v4.new_code_cell(f"session.run({task.id!r}, {task.fn.__name__})"))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def intro(title: str, suite: str) -> str:
    revision = (git_revision() or "unknown")[:12]
    return (
        f"# {title}\n\n**dlcourse's reference solution** (dlcourse {dlcourse.__version__}, git {revision}), "
        f"generated by `dlcourse notebook {suite}`: a reference to learn from and to calibrate marking on, not a "
        "submission.\n\nEach task quotes the brief, then shows the function that answers it, the very code "
        f"`dlcourse run` executes, and runs it. A finished run with the same settings is reused, not trained again."
    )


INSTALL = """\
# On Colab, or wherever dlcourse is not installed yet: install it from DLCOURSE_SOURCE, a clone of its repository
# (`!git clone <repository> dlcourse` makes ./dlcourse) or a git URL that pip installs from ("git+https://...").
import importlib.util
import os
import subprocess
import sys

DLCOURSE_SOURCE = "./dlcourse"
if importlib.util.find_spec("dlcourse") is None:
    if "://" not in DLCOURSE_SOURCE and not os.path.isdir(DLCOURSE_SOURCE):
        raise SystemExit(f"dlcourse is not installed and there is no clone at {DLCOURSE_SOURCE}: set DLCOURSE_SOURCE")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", DLCOURSE_SOURCE], check=True)"""

SETTINGS = """\
import os

from dlcourse.suites.notebook.session import start

PROFILE = "{profile}"  # "quick": small samples and few epochs, minutes; "brief": the brief's task on the full data
DATA_DIR = os.environ.get("DLCOURSE_DATA")  # the folder holding the datasets; None: the bundled samples
RUNS = os.environ.get("DLCOURSE_RUNS", "runs")  # where runs are kept; a finished run of the same settings is reused
TRAIN_MISSING = os.environ.get("DLCOURSE_TRAIN_MISSING", "1") == "1"  # train a task that has no finished run
SETTINGS = {settings!r}  # per task, settings changed as --set changes them, e.g. {{"bath-a2/3.1": {{"epochs": 2}}}}

session = start(PROFILE, DATA_DIR, RUNS, TRAIN_MISSING, SETTINGS)"""


def _execute(nb: nbformat.NotebookNode, folder: Path, env: dict[str, str]) -> None:
    client = NotebookClient(
        nb,
        timeout=None if env["DLCOURSE_TRAIN_MISSING"] == "1" else 300,  # training a brief-profile task takes long
        kernel_name="python3",
        extra_arguments=["--log-level=ERROR"],  # quiet the kernel's warning about plain TCP on localhost
        resources={"metadata": {"path": str(folder)}},
    )
    try:
        client.execute(env=os.environ | env)  # the kernel's environment: this process's, plus the build's
    except NoSuchKernel:
        raise ToolMissing(
            "no Jupyter 'python3' kernel to execute the notebook; install ipykernel in this environment"
        ) from None
    except CellExecutionError as exc:  # most often a kernel whose Python cannot import this dlcourse
        raise ToolMissing(f"a notebook cell failed in the Jupyter kernel: {exc.ename}: {exc.evalue}") from None
