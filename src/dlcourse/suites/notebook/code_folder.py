"""The code folder a brief asks for beside its notebook (bath-a2: "all the code dependencies in a folder
named Assignment2_Group_Number.code"): the source of the dlcourse package that every notebook cell calls,
the versions of the libraries it ran with, and the command that records each task again.

The folder is built beside its final place and moved there only when complete, so an interrupted build
leaves the previous folder as it was.
"""

from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path

import dlcourse
from dlcourse import atomic
from dlcourse.runs import load_json
from dlcourse.suites.registry import Task

CODE_FOLDERS = {"bath-a2": "Assignment2_Group_{group}.code"}
LIBRARIES = ("torch", "numpy", "scikit-learn", "matplotlib", "rich", "typer")
LEFT_OUT = shutil.ignore_patterns("__pycache__", "*.pyc", "samples")  # bytecode, and data that is not code


def write_code_folder(suite: str, tasks: list[Task], folder: Path, group: str) -> Path | None:
    """`<folder>/<the brief's name>` with the package source, requirements.txt and README.md; None for a
    suite whose brief asks for no code folder."""
    pattern = CODE_FOLDERS.get(suite)
    if pattern is None:
        return None
    target = folder / pattern.format(group=group)
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(Path(dlcourse.__file__).resolve().parent, staging / "dlcourse", ignore=LEFT_OUT)
    atomic.write_text(staging / "requirements.txt", requirements())
    atomic.write_text(staging / "README.md", readme(suite, tasks, folder))
    old = target.with_name(target.name + ".old")
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def requirements() -> str:
    """The libraries the code imports, pinned to the versions installed here."""
    lines = []
    for name in LIBRARIES:
        try:
            lines.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            lines.append(name)
    return "\n".join(lines) + "\n"


def readme(suite: str, tasks: list[Task], folder: Path) -> str:
    """What the folder holds and, per task, the command that recorded its run (or the one that would)."""
    rows = []
    for task in tasks:
        provenance = load_json(folder / task.name / "provenance.json") or {}
        command = provenance.get("command") or f"dlcourse run {task.id}"
        rows.append(f"| {task.id} | {task.title} | `{command}` |")
    return (
        f"# The code behind the {suite} notebook and report\n\n"
        "`dlcourse/` is the source of the package every notebook cell calls; each task's code is under "
        f"`dlcourse/suites/`, and the models, training loop and plots it uses are the other folders. "
        "`requirements.txt` pins the libraries it ran with.\n\n"
        "To run it: `pip install -r requirements.txt`, then, from this folder, "
        "`python -m dlcourse run <task> --data-dir <the datasets>`. The package's bundled data samples are left "
        "out (they are data, not code), so `--data-dir` is needed.\n\n"
        "| task | what it does | the command that recorded it |\n| --- | --- | --- |\n" + "\n".join(rows) + "\n"
    )
