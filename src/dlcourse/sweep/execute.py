"""Running one trial where a backend puts it: in this process, a worker process or a Ray worker.

A trial's result depends only on its config (and the context: data location, device): the same function
runs it on every backend, with the same number of threads, so the backends write identical records apart
from the `timing` entry (seconds, host, process, backend).
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from dlcourse.errors import TrainingDiverged

Objective = Callable[..., dict[str, Any]]  # objective(config, **context) -> metrics (JSON values)


def execute(
    fn: Objective, config: Mapping[str, Any], context: Mapping[str, Any], threads: int, backend: str
) -> dict[str, Any]:
    """{"metrics": ..., "error": ..., "timing": ...} for one trial.

    A diverging trial (NaN loss) is a result, recorded with its error; any other exception is a fault
    that stops the sweep, so that a typo in a space does not leave a file of failed trials behind.
    """
    # An objective that trains with torch imports it at module level, so torch is loaded by the time the
    # objective reaches a worker; one that does not use torch has no threads to set.
    torch = sys.modules.get("torch")
    previous = torch.get_num_threads() if torch else None
    if torch:
        torch.set_num_threads(threads)
    start = time.perf_counter()
    try:
        metrics, error = fn(dict(config), **context), None
    except TrainingDiverged as exc:
        metrics, error = None, str(exc)
    finally:
        if torch:
            torch.set_num_threads(previous)
    timing = {
        "seconds": round(time.perf_counter() - start, 3),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "host": platform.node(),
        "pid": os.getpid(),
        "threads": threads,
        "backend": backend,
    }
    return {"metrics": metrics, "error": error, "timing": timing}
