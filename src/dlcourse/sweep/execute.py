"""Running one trial where a backend puts it: in this process, a worker process or a Ray worker.

A trial's result depends only on its config (and the context: data location, device): the same function
runs it on every backend, with the same number of threads, so the backends write identical records apart
from the `timing` entry (seconds, host, process, backend) and, where several trials run at once, the
pruner's decisions, which depend on what the other trials have reported by then.

The objective gets a `trial`: Optuna's trial, or a stand-in with the same `report(value, step)` and
`should_prune()`. It reports its validation score after each epoch and raises `optuna.TrialPruned` when
`should_prune()` says so; the record keeps the reported values (`curve`) and the epochs trained.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Protocol

import optuna

from dlcourse.errors import TrainingDiverged
from dlcourse.sweep.study import Pruning, open_study

Objective = Callable[..., dict[str, Any]]  # objective(config, trial=..., **context) -> metrics (JSON values)


class Reporting(Protocol):
    """What an objective uses of its trial."""

    def report(self, value: float, step: int) -> None: ...

    def should_prune(self) -> bool: ...


class TrialRef(Protocol):
    """A picklable way to reach a trial from wherever the objective runs."""

    def open(self) -> Reporting: ...


@dataclass(frozen=True)
class Given:
    """The trial itself, for an objective that runs in the sweep's own process."""

    trial: Reporting

    def open(self) -> Reporting:
        return self.trial


@dataclass(frozen=True)
class InJournal:
    """A trial of the study in a journal file this process can read (a worker on the sweep's machine)."""

    journal: str
    pruner: Pruning
    optuna_id: int

    def open(self) -> Reporting:
        return optuna.Trial(_study(self.journal, self.pruner), self.optuna_id)


@lru_cache(maxsize=4)
def _study(journal: str, pruner: Pruning) -> optuna.Study:
    """A worker's handle on the study, kept between its trials (opening one replays the journal)."""
    return open_study(journal, pruner)


class _Recorder:
    """The objective's view of its trial: passes reports and pruning questions on, and keeps what was reported."""

    def __init__(self, trial: Reporting) -> None:
        self._trial = trial
        self.curve: list[float] = []
        self.steps: list[int] = []

    def report(self, value: float, step: int) -> None:
        self.curve.append(float(value))
        self.steps.append(int(step))
        self._trial.report(float(value), int(step))

    def should_prune(self) -> bool:
        return self._trial.should_prune()


def execute(
    fn: Objective,
    config: Mapping[str, Any],
    context: Mapping[str, Any],
    threads: int,
    backend: str,
    trial: TrialRef,
) -> dict[str, Any]:
    """{"metrics", "error", "pruned", "curve", "epochs", "budget", "timing"} for one trial.

    A diverging trial (NaN loss) and a pruned one are results, recorded with their error or their curve;
    any other exception is a fault that stops the sweep, so that a typo in a space does not leave a file
    of failed trials behind. `budget` is the config's `epochs` (None without one): the epochs a trial
    trains when nothing stops it; `epochs` is what it trained (the last reported step when stopped early).
    """
    # An objective that trains with torch imports it at module level, so torch is loaded by the time the
    # objective reaches a worker; one that does not use torch has no threads to set.
    torch = sys.modules.get("torch")
    previous = torch.get_num_threads() if torch else None
    if torch:
        torch.set_num_threads(threads)
    recorder = _Recorder(trial.open())
    start = time.perf_counter()
    metrics, error, pruned = None, None, False
    try:
        metrics = fn(dict(config), trial=recorder, **context)
    except optuna.TrialPruned:
        pruned = True
    except TrainingDiverged as exc:
        error = str(exc)
    finally:
        if torch:
            torch.set_num_threads(previous)
    budget = config.get("epochs")
    stopped = pruned or error is not None
    return {
        "metrics": metrics,
        "error": error,
        "pruned": pruned,
        "curve": recorder.curve,
        "epochs": (recorder.steps[-1] if recorder.steps else 0) if stopped else budget,
        "budget": budget,
        "timing": {
            "seconds": round(time.perf_counter() - start, 3),
            "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "host": platform.node(),
            "pid": os.getpid(),
            "threads": threads,
            "backend": backend,
        },
    }
