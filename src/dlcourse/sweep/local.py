"""The local backend: trials in this process (one worker) or in a pool of spawned worker processes.

Spawned, not forked: a forked child inherits the parent's torch thread pools and CUDA state, which
deadlocks or fails; a spawned one starts clean. Each worker keeps its loaded data between trials, and
opens the study's journal itself to report its epochs to the pruner. On one GPU the workers' trials
share it, which helps small models that cannot fill the GPU alone.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Hashable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

import optuna

from dlcourse.sweep.execute import Given, InJournal, TrialRef, execute
from dlcourse.sweep.study import Pruning

Args = tuple  # `execute`'s arguments before its trial: (fn, config, context, threads, backend)


class Inline:
    """One trial at a time, in this process: `submit` runs it, `wait` hands it back."""

    def __init__(self) -> None:
        self._done: list[tuple[Hashable, dict[str, Any]]] = []

    def trial_ref(self, trial: optuna.Trial) -> TrialRef:
        return Given(trial)

    def submit(self, key: Hashable, args: Args, trial: TrialRef) -> None:
        self._done.append((key, execute(*args, trial)))

    def wait(self) -> list[tuple[Hashable, dict[str, Any]]]:
        done, self._done = self._done, []
        return done

    def close(self) -> None:
        pass


class Pool:
    """`workers` spawned processes; trials are handed back as they finish."""

    def __init__(self, workers: int, journal: Path, pruner: Pruning) -> None:
        self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        self._journal, self._pruner = str(journal), pruner
        self._running: dict[Future, Hashable] = {}

    def trial_ref(self, trial: optuna.Trial) -> TrialRef:
        return InJournal(self._journal, self._pruner, trial._trial_id)

    def submit(self, key: Hashable, args: Args, trial: TrialRef) -> None:
        self._running[self._pool.submit(execute, *args, trial)] = key

    def wait(self) -> list[tuple[Hashable, dict[str, Any]]]:
        done, _ = wait(self._running, return_when=FIRST_COMPLETED)
        return [(self._running.pop(future), future.result()) for future in done]

    def close(self) -> None:
        # On an error or an interrupt: drop the queued trials; running ones end with their processes.
        self._pool.shutdown(wait=False, cancel_futures=True)
