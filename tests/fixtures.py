import contextlib
import csv
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
import torch

import dlcourse
from dlcourse.settings import Settings, setting
from dlcourse.suites import TASKS
from dlcourse.suites.notebook.build import build_notebooks
from dlcourse.suites.notebook.cells import task_code


@dataclass(frozen=True)
class TinySettings(Settings):
    epochs: int = setting(1, "passes", min=1)


@contextlib.contextmanager
def offline_runs(tmp_path_factory, threads: int | None = 1) -> Iterator[None]:
    """For a module- or session-scoped fixture that runs tasks: offline, without user data and with an empty
    cache, as conftest makes every test; with `threads` torch threads (tiny models train faster on one
    thread than on several competing for the cores), restored afterwards."""
    before = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DLCOURSE_OFFLINE", "1")
        mp.delenv("DLCOURSE_DATA", raising=False)
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        try:
            yield
        finally:
            torch.set_num_threads(before)


def recorded_numbers(folder: Path) -> dict:
    """A finished run's recorded numbers, its metrics and its tables' cells, less its timings (which differ
    between any two runs)."""
    assert json.loads((folder / "provenance.json").read_text())["finished"], folder
    metrics = json.loads((folder / "metrics.json").read_text()) if (folder / "metrics.json").is_file() else {}
    numbers = {name: value for name, value in metrics.items() if not TIMING.search(name)}
    for table in sorted(folder.glob("*.csv")):  # and every table's cells, but its timings
        with open(table, newline="") as f:
            numbers[table.name] = [{k: v for k, v in row.items() if not TIMING.search(k)} for row in csv.DictReader(f)]
    return numbers


TIMING = re.compile(r"second|(^|_)s(_|$)")  # "seconds", "train_s_per_epoch", "test_inference_s"


def notebook_numbers(
    task_ids: Sequence[str], settings: Mapping[str, Mapping[str, Any]], folder: Path
) -> dict[str, dict]:
    """Execute the notebook of `task_ids` (all of one suite) on a fresh kernel in the empty `folder`, with
    `settings` per task as `--set` gives them, training every task; returns each task's recorded numbers."""
    tasks = [TASKS.get(task_id) for task_id in task_ids]
    own = {t.id: {k: v for k, v in settings.get(t.id, {}).items() if k in t.settings_class.__dataclass_fields__}
           for t in tasks}  # fmt: skip
    with pytest.MonkeyPatch.context() as mp:  # the kernel is a new Python process: give it this source tree
        mp.setenv("PYTHONPATH", str(Path(dlcourse.__file__).resolve().parents[1]))
        written = build_notebooks(tasks[0].suite, folder, only=task_ids, train_missing=True, settings=own)
    code = [c for path in written if path.suffix == ".ipynb" for c in nbformat.read(path, as_version=4).cells
            if c.cell_type == "code"]  # fmt: skip
    sources = [c.source for c in code]
    for t in tasks:  # each task's own function, then the call that runs it: no cell replays a record
        assert sources[sources.index(task_code(t)) + 1] == f"session.run({t.id!r}, {t.fn.__name__})"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    return {t.id: recorded_numbers(folder / t.suite / t.name) for t in tasks}
