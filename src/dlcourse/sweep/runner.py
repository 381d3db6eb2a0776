"""`run_sweep`: run a search space's trials on a backend, streaming records to a results file, resumably.

The trials are fixed before the sweep starts (a grid, a random search's draws, or a list of configs);
Optuna's study keeps which have ended and prunes hopeless ones as they report their epochs (`study.py`).
A trial is asked from the study when a worker is free for it, so at most `workers` trials are running
in the study at a time, and a kill leaves at most that many to run again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna

from dlcourse.errors import InvalidSetting
from dlcourse.sweep import study as studies
from dlcourse.sweep.execute import Objective
from dlcourse.sweep.results import Record, ResultsFile, as_json
from dlcourse.sweep.space import SearchSpace, Trial, make_trial, unique
from dlcourse.sweep.study import Pruning

BACKENDS = ("local", "ray")
OnRecord = Callable[[Record, int, int], None]  # (record, finished so far, trials in the sweep)


def cpu_count() -> int:
    """Cores this process may use (the affinity mask where the OS has one, as in containers)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def default_workers() -> int:
    """One worker per 4 cores, at least one: a worker's threads then share little, and a 2-core machine
    runs one trial at a time with both cores."""
    return max(1, cpu_count() // 4)


def check_options(backend: str, address: str | None, workers: int | None, threads: int | None) -> tuple[int, int]:
    """Validate the execution options; returns (workers, threads) with the defaults filled in."""
    if backend not in BACKENDS:
        raise InvalidSetting(f"unknown backend {backend!r}; known: {', '.join(BACKENDS)}")
    if backend == "local" and address:
        raise InvalidSetting("--address is for the ray backend")
    workers = workers or default_workers()
    threads = threads or max(1, cpu_count() // workers)
    if workers < 1 or threads < 1:
        raise InvalidSetting(f"workers and threads must be at least 1, got {workers} and {threads}")
    return workers, threads


def run_sweep(
    space: SearchSpace | Iterable[Mapping[str, Any] | Trial],
    train_fn: Objective,
    results_path: str | Path,
    *,
    backend: str = "local",
    workers: int | None = None,
    threads: int | None = None,
    address: str | None = None,
    gpus_per_trial: float = 0.0,
    context: Mapping[str, Any] | None = None,
    limit: int | None = None,
    on_record: OnRecord | None = None,
    pruner: str | Pruning = "median",
) -> list[Record]:
    """Run every trial that has not ended yet; return the records of all the space's trials that have
    ended (finished, pruned or diverged), in the space's order.

    `train_fn(config, trial=..., **context)` returns a dict of metrics (JSON values); it reports its
    validation score per epoch with `trial.report(value, epoch)` and raises `optuna.TrialPruned` when
    `trial.should_prune()` (see `execute.py`). It must be a module-level function, so that worker processes
    and Ray workers can import it. `context` carries what is not part of a trial's identity (data folder,
    device). Each trial runs with `threads` torch threads (default: the cores divided among the workers).
    `limit` caps the trials run by this call; `pruner` is a name in `study.PRUNERS` or a `study.Pruning`.
    A record is {"trial", "number", "config", "params", "metrics", "error", "pruned", "curve", "epochs",
    "budget", "timing"}; only `timing` differs between backends.
    """
    workers, threads = check_options(backend, address, workers, threads)
    pruning = studies.as_pruning(pruner)
    studies.make_pruner(pruning)
    trials = space.trials() if isinstance(space, SearchSpace) else unique(_as_trial(t) for t in space)
    job = Job(train_fn, dict(context or {}), threads, backend)
    with ResultsFile(results_path) as results:
        journal = studies.journal_path(results.path)
        study = studies.open_study(journal, pruning)
        for trial_id, record in studies.reconcile(study, results.done).items():
            if trial_id not in results.done:
                results.append(record)
        pending = [t for t in trials if t.id not in results.done][:limit]
        runner = _backend(backend, workers, threads, address, gpus_per_trial, journal, pruning)
        try:
            ended = sum(t.id in results.done for t in trials)
            for record in _run(study, runner, pending, job, workers, results):
                ended += 1
                if on_record is not None:
                    on_record(record, ended, len(trials))
        finally:
            runner.close()
        return [results.done[t.id] for t in trials if t.id in results.done]


@dataclass(frozen=True)
class Job:
    """What every trial of a sweep runs with: `execute`'s arguments apart from the config and the trial."""

    fn: Objective
    context: dict[str, Any]
    threads: int
    backend: str

    def args(self, config: dict[str, Any]) -> tuple:
        return self.fn, config, self.context, self.threads, self.backend


def _run(
    study: optuna.Study, runner: Any, pending: list[Trial], job: Job, workers: int, results: ResultsFile
) -> Iterator[Record]:
    """Keep `workers` trials running until none is pending; write and yield each record as its trial ends."""
    queue, running = list(pending), {}
    while queue or running:
        while queue and len(running) < workers:
            trial = queue.pop(0)
            running[trial.id] = (trial, studies.start(study, trial.id))
            runner.submit(trial.id, job.args(trial.config), runner.trial_ref(running[trial.id][1]))
        for trial_id, outcome in runner.wait():
            trial, optuna_trial = running.pop(trial_id)
            record = {"trial": trial.id, "number": optuna_trial.number, "config": trial.config, "params": trial.params}
            record = as_json(record | outcome)
            results.append(record)  # the file first: a kill between the two is repaired from it (`reconcile`)
            studies.finish(study, optuna_trial._trial_id, record)
            yield record


def _backend(
    backend: str, workers: int, threads: int, address: str | None, gpus_per_trial: float, journal: Path, pruner: Pruning
) -> Any:
    """The backend's runner: Inline, Pool or RayTasks, each with `trial_ref`, `submit`, `wait` and `close`."""
    if backend == "ray":
        from dlcourse.sweep.ray_backend import RayTasks

        return RayTasks(workers, threads, address, gpus_per_trial, journal, pruner)
    from dlcourse.sweep.local import Inline, Pool

    return Inline() if workers == 1 else Pool(workers, journal, pruner)


def _as_trial(item: Mapping[str, Any] | Trial) -> Trial:
    return item if isinstance(item, Trial) else make_trial(item)
