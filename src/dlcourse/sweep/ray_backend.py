"""The Ray backend: each trial is a Ray task, on a local Ray or on a cluster (`address`).

Ray comes with the optional extra: `pip install 'dlcourse[cluster]'`. Ray schedules the tasks; the sweep
asks the study for each trial and writes its record, as on the local backend. A trial on another machine
cannot read the study's journal, so it reports its epochs to a small actor pinned to this machine, which
holds the study and answers `should_prune`. On a cluster, every node needs dlcourse installed and the data
under the same path.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna

from dlcourse.errors import InvalidSetting
from dlcourse.sweep.execute import TrialRef, execute
from dlcourse.sweep.local import Args
from dlcourse.sweep.study import Pruning, open_study


class TrialServer:
    """The Ray actor behind every trial's `report` and `should_prune`."""

    def __init__(self, journal: str, pruner: Pruning) -> None:
        self._study = open_study(journal, pruner)

    def report(self, optuna_id: int, value: float, step: int) -> None:
        optuna.Trial(self._study, optuna_id).report(value, step)

    def should_prune(self, optuna_id: int) -> bool:
        return optuna.Trial(self._study, optuna_id).should_prune()


@dataclass(frozen=True)
class ServedTrial:
    """A trial reached through the actor: what the objective sees on a Ray worker."""

    server: Any  # the TrialServer actor's handle
    optuna_id: int

    def open(self) -> ServedTrial:
        return self

    def report(self, value: float, step: int) -> None:
        import ray

        ray.get(self.server.report.remote(self.optuna_id, value, step))

    def should_prune(self) -> bool:
        import ray

        return ray.get(self.server.should_prune.remote(self.optuna_id))


class RayTasks:
    """Trials as Ray tasks. Without `address`, starts a local Ray with `workers * threads` CPUs (and stops it
    on `close`); with one, connects to that cluster."""

    def __init__(
        self, workers: int, threads: int, address: str | None, gpus_per_trial: float, journal: Path, pruner: Pruning
    ) -> None:
        try:
            import ray
            from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy
        except ImportError:
            raise InvalidSetting("the ray backend needs Ray: pip install 'dlcourse[cluster]'") from None
        self._ray = ray
        self._started = not ray.is_initialized()
        if self._started:
            where = {"address": address} if address else {"num_cpus": workers * threads}
            ray.init(include_dashboard=False, log_to_driver=False, **where)
        here = NodeAffinitySchedulingStrategy(ray.get_runtime_context().get_node_id(), soft=False)
        actor = ray.remote(num_cpus=0, scheduling_strategy=here)(TrialServer)
        self._server = actor.remote(str(journal), pruner)
        self._remote = ray.remote(num_cpus=threads, num_gpus=gpus_per_trial)(execute)
        self._running: dict[Any, Hashable] = {}

    def trial_ref(self, trial: optuna.Trial) -> TrialRef:
        return ServedTrial(self._server, trial._trial_id)

    def submit(self, key: Hashable, args: Args, trial: TrialRef) -> None:
        self._running[self._remote.remote(*args, trial)] = key

    def wait(self) -> list[tuple[Hashable, dict[str, Any]]]:
        done, _ = self._ray.wait(list(self._running), num_returns=1)
        return [(self._running.pop(ref), self._ray.get(ref)) for ref in done]

    def close(self) -> None:
        for ref in self._running:
            self._ray.cancel(ref)
        if self._started:
            self._ray.shutdown()
