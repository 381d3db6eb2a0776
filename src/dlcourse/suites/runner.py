"""Running tasks: settings and overrides, seeding, the run folder, provenance."""

from __future__ import annotations

import dataclasses
import json
import platform
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import torch

import dlcourse
from dlcourse.console import console
from dlcourse.device import (
    PRECISIONS,
    describe_device,
    load_warning,
    onednn_linear_default,
    resolve_device,
    seed_everything,
    set_threads,
)
from dlcourse.errors import DataNotFound, UnknownName
from dlcourse.runs import Run, load_json
from dlcourse.settings import departure_line
from dlcourse.suites.context import TaskContext
from dlcourse.suites.options import RunOptions
from dlcourse.suites.registry import Task


def settings_for(task: Task, profile: str, overrides: dict[str, Any]) -> tuple[Any, str]:
    """The profile's settings with the overrides this task has; an override no task field takes is an error."""
    settings, used = task.settings(profile)
    own = {k: v for k, v in overrides.items() if k.replace("-", "_") in settings.__dataclass_fields__}
    return settings.override(own), used


def check_overrides(tasks: list[Task], overrides: dict[str, Any]) -> dict[str, list[str]]:
    """Refuse an override that no task takes, or that a task takes only under other names (leiden-a1/1 has
    mlp_epochs and cnn_epochs, not epochs), naming those; returns, per override, the tasks that do not use it
    at all (a task that trains nothing has no epochs), for the command line to say."""
    unused: dict[str, list[str]] = {}
    for key in overrides:
        name = key.replace("-", "_")
        without = [t for t in tasks if name not in t.settings_class.__dataclass_fields__]
        if len(without) == len(tasks):
            names = ", ".join(t.id for t in tasks)
            raise UnknownName(f"no setting {key!r} in {names}; 'dlcourse list --settings' shows them")
        for t in without:
            own = [f for f in t.settings_class.__dataclass_fields__ if f.endswith(f"_{name}")]
            if own:
                raise UnknownName(
                    f"{t.id} has no setting {name!r} but {', '.join(own)}: set those with --set name=value, "
                    f"or run {t.id} on its own"
                )
        if without:
            unused[key] = [t.id for t in without]
    return unused


def check_needs(task: Task, runs_root: str | Path, profile: str) -> None:
    """Fail before any work when a task needs another task's finished run of this profile and there is none."""
    for name in task.needs:
        provenance = load_json(Path(runs_root) / task.suite / name / "provenance.json")
        if not (provenance and provenance.get("finished") and provenance.get("profile") == profile):
            raise DataNotFound(
                f"{task.id} reads the result of {task.suite}/{name}, which has no finished {profile}-profile run "
                f"in {runs_root}; run 'dlcourse run {task.suite}/{name} --profile {profile}' first"
            )


def run_task(task: Task, options: RunOptions | None = None, **changes: Any) -> Path:
    """Run one task with `options` (changed by any of RunOptions' fields given by name) and return its
    committed run folder. An interrupted run (Ctrl-C, a kill) leaves its staging folder for `resume`; a run
    that fails with an error removes it."""
    o = dataclasses.replace(options or RunOptions(), **changes)
    settings, used = settings_for(task, o.profile, o.overrides)
    check_needs(task, o.runs_root, used)
    torch_device = resolve_device(o.device)
    if o.precision not in PRECISIONS:
        raise UnknownName(f"unknown precision {o.precision!r}; known: {', '.join(PRECISIONS)}")
    threads = set_threads(o.threads) if torch_device.type == "cpu" else None
    fingerprint = _fingerprint(settings, used, o.seed, torch_device, o.precision)
    if o.resume and (finished := _finished_run(Path(o.runs_root) / task.suite / task.name, fingerprint)):
        if not o.quiet:
            console.print(f"[dim]{task.id}:[/] finished earlier with these settings; kept {finished}")
        return finished
    run = Run(o.runs_root, task.suite, task.name, fingerprint, resume=o.resume)
    overridden = frozenset(k.replace("-", "_") for k in o.overrides) & set(settings.__dataclass_fields__)
    ctx = TaskContext(task.id, settings, used, torch_device, run, o, overridden)
    provenance = _provenance(task, settings, used, o.profile, o.seed, torch_device)
    provenance |= {"precision": o.precision, "threads": threads, "resumed": run.resumed, "fingerprint": fingerprint}
    # Where fp32 dense layers of 1M weights and more run (each training's own choice is in history.json).
    provenance["fp32_linear"] = "onednn" if torch_device.type == "cpu" and onednn_linear_default() else "default"
    provenance["command"] = o.command or (
        f"dlcourse.suites.runner.run_task({task.id!r}, profile={o.profile!r}, seed={o.seed})"
    )
    run.write_json("provenance.json", provenance)
    if not o.quiet:
        _announce(task, settings, used, torch_device, threads, run if o.resume else None)
    if used != o.profile:
        ctx.say(f"{task.id} has no '{o.profile}' profile; ran '{used}'")
    start = time.perf_counter()
    try:
        seed_everything(o.seed)
        task.fn(ctx)
        provenance["seconds"] = round(time.perf_counter() - start, 2)
        provenance["finished"] = _now()
        run.write_json("provenance.json", provenance)
        return run.commit()
    except KeyboardInterrupt:
        console.print(f"{task.id}: interrupted; the same command with --resume continues from the last epoch")
        raise
    except BaseException:
        run.discard()
        raise


def _announce(
    task: Task, settings: Any, used: str, device: torch.device, threads: int | None, resumed: Run | None
) -> None:
    """The run's first lines: the task and machine, a warning when the cores are busy, what resuming found
    (`resumed`: the run, when resuming was asked), and each setting that departs from the brief."""
    console.rule(f"[bold]{task.id}[/] {task.title} ({used} profile, {describe_device(device)})")
    if threads and (warning := load_warning(threads)):
        console.print(f"[yellow]warning:[/] {warning}")
    if resumed is not None:
        console.print(f"[dim]{task.id}:[/] " + _resume_line(resumed))
    for d in settings.departures() if used != "quick" else ():  # quick departs everywhere, and says so
        console.print(f"[dim]{task.id}:[/] {departure_line(d)}")


def finished_run(task: Task, options: RunOptions) -> Path | None:
    """The task's run folder when a run with these options finished there (what `resume` would keep)."""
    settings, used = settings_for(task, options.profile, options.overrides)
    fingerprint = _fingerprint(settings, used, options.seed, resolve_device(options.device), options.precision)
    return _finished_run(Path(options.runs_root) / task.suite / task.name, fingerprint)


def _fingerprint(settings: Any, profile: str, seed: int, device: torch.device, precision: str) -> dict[str, Any]:
    """What makes two runs of a task the same run: the settings, profile, seed, device type and precision."""
    return {
        "settings": settings.as_dict(),
        "profile": profile,
        "seed": seed,
        "device": device.type,
        "precision": precision,
    }


def _finished_run(folder: Path, fingerprint: dict[str, Any]) -> Path | None:
    """The task's committed run folder when it finished with this configuration (what --resume skips)."""
    try:
        provenance = load_json(folder / "provenance.json", {}) or {}
    except (OSError, ValueError):  # a damaged record is not a finished run
        return None
    same = provenance.get("fingerprint") == json.loads(json.dumps(fingerprint, default=str))
    return folder if same and provenance.get("finished") else None


def _resume_line(run: Run) -> str:
    if not run.resumed:
        return "no interrupted run with these settings to resume: starting afresh"
    states = sorted((run.dir / "checkpoints").glob("*.pt"))
    return f"resuming the interrupted run in {run.dir} ({len(states)} model(s) with a saved training state)"


def _provenance(task: Task, settings: Any, used: str, asked: str, seed: int, device: torch.device) -> dict[str, Any]:
    return {
        "task": task.id,
        "title": task.title,
        "profile": used,
        "profile_requested": asked,
        "settings": settings.as_dict(),
        "seed": seed,
        "git_revision": git_revision(),
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


def git_revision() -> str | None:
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
