"""The Ray backend: each trial is a Ray task, on a local Ray or on a cluster (`address`).

Ray comes with the optional extra: `pip install 'dlcourse[cluster]'`. Ray schedules the tasks; this module
only submits them and hands results back as they finish, so the driver writes the same results file as
the local backend. On a cluster, every node needs dlcourse installed and the data under the same path.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from dlcourse.errors import InvalidSetting
from dlcourse.sweep.execute import Objective, execute
from dlcourse.sweep.space import Trial


def run_ray(
    trials: Sequence[Trial],
    fn: Objective,
    context: Mapping[str, Any],
    workers: int,
    threads: int,
    address: str | None = None,
    gpus_per_trial: float = 0.0,
) -> Iterator[tuple[Trial, dict[str, Any]]]:
    """Yield (trial, outcome) as trials finish. Without `address`, starts a local Ray with
    `workers * threads` CPUs (and stops it afterwards); with one, connects to that cluster."""
    try:
        import ray
    except ImportError:
        raise InvalidSetting("the ray backend needs Ray: pip install 'dlcourse[cluster]'") from None
    started = not ray.is_initialized()
    if started:
        where = {"address": address} if address else {"num_cpus": workers * threads}
        ray.init(include_dashboard=False, log_to_driver=False, **where)
    remote = ray.remote(num_cpus=threads, num_gpus=gpus_per_trial)(execute)
    running = {remote.remote(fn, t.config, context, threads, "ray"): t for t in trials}
    try:
        while running:
            done, _ = ray.wait(list(running), num_returns=1)
            for ref in done:
                yield running.pop(ref), ray.get(ref)
    finally:
        for ref in running:
            ray.cancel(ref)
        if started:
            ray.shutdown()
