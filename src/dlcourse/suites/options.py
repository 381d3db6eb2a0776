"""How a task is asked to run (profile, device, seed, data, runs folder, overrides, ...), as one object that
travels from the command line, a notebook or a test to the task's context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class RunOptions:
    """How to run a task, as the command line, a notebook or a test asks: one object from the caller to the
    task's context, instead of a dozen arguments relayed through each layer.

    `dry_run` trains every model of the task one epoch of one batch (a check that it runs end to end).
    `resume` continues the newest interrupted run of this task with the same settings, seed, device and
    precision (its finished models are not trained again), or keeps a finished one; without one it starts
    afresh."""

    profile: str = "brief"
    device: str = "auto"
    seed: int = 0
    data_dir: str | Path | None = None
    runs_root: str | Path = "runs"
    overrides: Mapping[str, Any] = field(default_factory=dict)
    quiet: bool = False
    command: str | None = None
    precision: str = "auto"
    threads: int | None = None
    resume: bool = False
    dry_run: bool = False
