"""Recorded runs of three bath-a2 tasks, written directly (no training): notes, metrics, a figure and a table
long enough to run over a page break, as the report, the PDF and the notebooks read them."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from dlcourse.runs import Run
from dlcourse.suites import TASKS

TASK_IDS = ("bath-a2/1", "bath-a2/2", "bath-a2/3.1")
ROWS = 70  # a table of 70 rows spans two A4 pages


def record(root: Path, task_id: str) -> None:
    task = TASKS.get(task_id)
    run = Run(root, task.suite, task.name)
    run.metric("test_acc", 0.9375, "test accuracy")
    run.note(f"Recorded for the tests of the printed report of {task_id}.")
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1, 2], [0.5, 0.8, 0.9])
    run.figure("curve", fig, f"accuracy per epoch of {task_id}")
    rows = [{"pair": f"r{i:02d}", "test acc (%)": 90 + i / 10, "seconds": i} for i in range(ROWS)]
    run.table("pairs", rows, f"every pair of {task_id}")
    provenance = {
        "command": f"dlcourse run {task_id} --profile quick",
        "profile": "quick",
        "seed": 0,
        "device": "cpu",
        "seconds": 1.0,
        "versions": {"torch": "test"},
        "git_revision": None,
        "finished": "2026-01-01T00:00:00",
    }
    run.write_json("provenance.json", provenance)
    run.commit()


@pytest.fixture(scope="session")
def recorded(tmp_path_factory) -> Path:
    """A runs folder holding the recorded runs of TASK_IDS."""
    root = tmp_path_factory.mktemp("runs")
    for task_id in TASK_IDS:
        record(root, task_id)
    return root
