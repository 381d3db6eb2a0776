"""The local backend: trials in this process (one worker) or in a pool of spawned worker processes.

Spawned, not forked: a forked child inherits the parent's torch thread pools and CUDA state, which
deadlocks or fails; a spawned one starts clean. Each worker keeps its loaded data between trials. On one
GPU the workers' trials share it, which helps small models that cannot fill the GPU alone.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from dlcourse.sweep.execute import Objective, execute
from dlcourse.sweep.space import Trial


def run_local(
    trials: Sequence[Trial], fn: Objective, context: Mapping[str, Any], workers: int, threads: int
) -> Iterator[tuple[Trial, dict[str, Any]]]:
    """Yield (trial, outcome) as trials finish."""
    if workers == 1:
        for trial in trials:
            yield trial, execute(fn, trial.config, context, threads, "local")
        return
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        running = {pool.submit(execute, fn, t.config, context, threads, "local"): t for t in trials}
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                yield running.pop(future), future.result()
    finally:
        # On an error or an interrupt: drop the queued trials; running ones end with their processes.
        pool.shutdown(wait=False, cancel_futures=True)
