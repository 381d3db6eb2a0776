"""Running tasks: settings and overrides, seeding, the run folder, provenance."""

from __future__ import annotations

import platform
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import torch

import dlcourse
from dlcourse.device import describe_device, resolve_device, seed_everything
from dlcourse.errors import UnknownName
from dlcourse.runs import Run
from dlcourse.suites.context import TaskContext
from dlcourse.suites.registry import Task
from dlcourse.train.progress import console


def settings_for(task: Task, profile: str, overrides: dict[str, Any]) -> tuple[Any, str]:
    """The profile's settings with the overrides this task has; an override no task field takes is an error."""
    settings, used = task.settings(profile)
    own = {k: v for k, v in overrides.items() if k.replace("-", "_") in settings.__dataclass_fields__}
    return settings.override(own), used


def check_overrides(tasks: list[Task], overrides: dict[str, Any]) -> None:
    for key in overrides:
        if not any(key.replace("-", "_") in t.settings_class.__dataclass_fields__ for t in tasks):
            names = ", ".join(t.id for t in tasks)
            raise UnknownName(f"no setting {key!r} in {names}; 'dlcourse list --settings' shows them")


def run_task(
    task: Task,
    *,
    profile: str = "brief",
    device: str = "auto",
    seed: int = 0,
    data_dir: str | Path | None = None,
    runs_root: str | Path = "runs",
    overrides: dict[str, Any] | None = None,
    quiet: bool = False,
    command: str | None = None,
) -> Path:
    """Run one task and return its committed run folder."""
    settings, used = settings_for(task, profile, overrides or {})
    torch_device = resolve_device(device)
    run = Run(runs_root, task.suite, task.name)
    ctx = TaskContext(task.id, settings, used, torch_device, seed, Path(data_dir) if data_dir else None, run, quiet)
    provenance = _provenance(task, settings, used, profile, seed, torch_device)
    provenance["command"] = command or f"dlcourse.suites.runner.run_task({task.id!r}, profile={profile!r}, seed={seed})"
    run.write_json("provenance.json", provenance)
    if not quiet:
        console.rule(f"[bold]{task.id}[/] {task.title} ({used} profile, {describe_device(torch_device)})")
    if used != profile:
        ctx.say(f"{task.id} has no '{profile}' profile; ran '{used}'")
    start = time.perf_counter()
    try:
        seed_everything(seed)
        task.fn(ctx)
        provenance["seconds"] = round(time.perf_counter() - start, 2)
        provenance["finished"] = _now()
        run.write_json("provenance.json", provenance)
        return run.commit()
    except BaseException:
        run.discard()
        raise


def _provenance(task: Task, settings: Any, used: str, asked: str, seed: int, device: torch.device) -> dict[str, Any]:
    return {
        "task": task.id,
        "title": task.title,
        "profile": used,
        "profile_requested": asked,
        "settings": settings.as_dict(),
        "seed": seed,
        "git_revision": _git_revision(),
        "device": describe_device(device),
        "versions": {
            "dlcourse": dlcourse.__version__,
            "python": platform.python_version(),
            "torch": torch.__version__,
            "numpy": np.__version__,
        },
        "platform": platform.platform(),
        "started": _now(),
    }


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _git_revision() -> str | None:
    """The revision of the source tree dlcourse runs from, with '+dirty' for uncommitted changes."""
    src = Path(dlcourse.__file__).resolve().parent
    try:
        rev = subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
        if rev.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "-C", str(src), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
        return rev.stdout.strip() + ("+dirty" if dirty else "")
    except (OSError, subprocess.TimeoutExpired):
        return None
