"""`run_sweep`: run a search space's trials on a backend, streaming records to a results file, resumably."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from dlcourse.errors import InvalidSetting
from dlcourse.sweep.execute import Objective
from dlcourse.sweep.results import ResultsFile
from dlcourse.sweep.space import SearchSpace, Trial, make_trial, unique

BACKENDS = ("local", "ray")
OnRecord = Callable[[dict[str, Any], int, int], None]  # (record, finished so far, trials in the sweep)


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
) -> list[dict[str, Any]]:
    """Run every trial that `results_path` does not hold yet; return the records of all the space's trials
    that are finished, in the space's order.

    `train_fn(config, **context)` returns a dict of metrics (JSON values); it must be a module-level
    function, so that worker processes and Ray workers can import it. `context` carries what is not part
    of a trial's identity (data folder, device). Each trial runs with `threads` torch threads (default:
    the cores divided among the workers). `limit` caps the trials run by this call. A record is
    {"trial", "config", "params", "metrics", "error", "timing"}; only `timing` differs between backends.
    """
    workers, threads = check_options(backend, address, workers, threads)
    trials = space.trials() if isinstance(space, SearchSpace) else unique(_as_trial(t) for t in space)
    context = dict(context or {})
    with ResultsFile(results_path) as results:
        pending = [t for t in trials if t.id not in results.done]
        if limit is not None:
            pending = pending[:limit]
        if backend == "ray":
            from dlcourse.sweep.ray_backend import run_ray

            finished = run_ray(pending, train_fn, context, workers, threads, address, gpus_per_trial)
        else:
            from dlcourse.sweep.local import run_local

            finished = run_local(pending, train_fn, context, workers, threads)
        count = sum(t.id in results.done for t in trials)
        for trial, outcome in finished:
            record = {"trial": trial.id, "config": trial.config, "params": trial.params, **outcome}
            results.append(record)
            count += 1
            if on_record is not None:
                on_record(record, count, len(trials))
        return [results.done[t.id] for t in trials if t.id in results.done]


def _as_trial(item: Mapping[str, Any] | Trial) -> Trial:
    return item if isinstance(item, Trial) else make_trial(item)
