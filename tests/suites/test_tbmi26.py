"""Every tbmi26 task on the bundled CIFAR-10 sample, with smaller networks and data so the suite runs in
seconds; plus the `best` profile of Q10 on a tiny airbench network, reading the sample from a data folder."""

import csv
import json

import numpy as np
import pytest

from dlcourse.data import load_sample
from dlcourse.suites import select
from dlcourse.suites.runner import run_task
from tests.fixtures import notebook_numbers, offline_runs, recorded_numbers

FILTERS = (8, 16, 32)
TINY = {
    "train_size": 1000,
    "test_size": 200,
    "val_size": 200,
    "epochs": 1,
    "sizes": (3072, 128, 10),
    "filters": FILTERS,
    "dense": (32,),
}
PER_TASK = {
    "q1": {},  # the whole sample: its shape is what Q1 explains
    "q9": TINY | {"batch_sizes": (8, 64)},
    "q10": TINY | {"widths": (8, 16, 16, 32)},
}
SETTINGS = {task.id: PER_TASK.get(task.name, TINY) for task in select("tbmi26")}
BEST = {"train_size": 600, "test_size": 200, "epochs": 1, "widths": (8, 16, 16), "batch_size": 128, "seeds": 2}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    with offline_runs(tmp_path_factory):
        for task in select("tbmi26"):
            run_task(task, profile="quick", runs_root=root, quiet=True, overrides=SETTINGS[task.id])
        # `best` reads full data only: give it the sample as a data folder.
        data_dir = tmp_path_factory.mktemp("data")
        sample = load_sample("cifar10")
        arrays = {k: getattr(sample, k) for k in ("x_train", "y_train", "x_test", "y_test")}
        np.savez(data_dir / "cifar10.npz", **arrays)
        best = run_task(
            select("tbmi26/q10")[0],
            profile="best",
            data_dir=data_dir,
            runs_root=root / "best",
            quiet=True,
            overrides=BEST,
        )
    return root / "tbmi26", best


def test_the_notebook_from_an_empty_folder_gives_every_task_the_cli_numbers(runs, tmp_path):
    """The whole lab notebook, executed on a fresh kernel with the same settings, records the same numbers as
    `run_task` for every question, bit for bit."""
    folder, _ = runs
    tasks = [task.id for task in select("tbmi26")]
    from_notebook = notebook_numbers(tasks, SETTINGS, tmp_path)
    assert from_notebook == {task_id: recorded_numbers(folder / task_id.split("/")[1]) for task_id in tasks}


def table(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def read(folder, name):
    return json.loads((folder / name).read_text())


def notes(folder):
    return " ".join(e["text"] for e in read(folder, "manifest.json") if e["kind"] == "note")


def test_q1_explains_the_four_numbers(runs):
    folder = runs[0] / "q1"
    axes = {r["name"]: r for r in table(folder / "axes.csv")}
    assert list(axes) == ["N", "H", "W", "C"]
    assert [axes[k]["size (train)"] for k in "NHWC"] == ["5000", "32", "32", "3"]
    assert "(5000, 32, 32, 3)" in notes(folder) and (folder / "examples.png").is_file()


@pytest.mark.parametrize("task", ["q2", "q4", "q6", "q8", "q10"])
def test_each_model_has_its_evaluation_image(runs, task):
    folder = runs[0] / task
    assert (folder / "evaluation.png").is_file()
    matrix = np.load(folder / "confusion.npz")["matrix"]
    assert matrix.shape == (10, 10) and matrix.sum() == 200  # every test image counted once
    summary = read(folder, "summary.json")
    assert summary["test_acc"] == pytest.approx(np.trace(matrix) / 200)
    assert summary["train_seconds"] > 0 and summary["epochs"] == 1
    assert "airbench94" in notes(folder)  # every accuracy names the lossy copy it was measured on
    history = read(folder, "history.json")
    assert all("val_acc" in row for rows in history.values() for row in rows["rows"])


def test_q2_learns_and_q3_measures_why_cifar_is_harder(runs):
    assert read(runs[0] / "q2", "summary.json")["test_acc"] > 0.15  # 10 classes: chance is 10%
    folder = runs[0] / "q3"
    rows = {r["dataset"]: r for r in table(folder / "pixel_space.csv")}
    spread = "between / within class spread"
    assert float(rows["MNIST"][spread]) > 2 * float(rows["CIFAR-10"][spread])
    nearest = "nearest class-mean accuracy (%)"
    assert float(rows["MNIST"][nearest]) > float(rows["CIFAR-10"][nearest]) + 20
    assert [r["test images"] for r in table(folder / "moved_images.csv")][1:] == [
        "mirrored left-right",
        "shifted up to 2 px",
    ]


def test_parameter_counts_tie_the_tasks_together(runs):
    q2, q4, q6, q8 = (read(runs[0] / t, "summary.json") for t in ("q2", "q4", "q6", "q8"))
    assert q2["parameters"] == 3072 * 128 + 128 + 128 * 10 + 10
    assert q6["parameters"] == q4["parameters"]  # dropout has no parameters
    assert q8["parameters"] == q4["parameters"] + 2 * sum(FILTERS)  # a scale and a shift per channel
    assert read(runs[0] / "q5", "metrics.json")["parameter_ratio"] == pytest.approx(q2["parameters"] / q4["parameters"])


def test_q7_shows_dropout_is_off_at_test_time(runs):
    rows = {r["mode"]: r for r in table(runs[0] / "q7" / "test_time.csv")}
    zeros = "zero units after the first dropout (%)"
    assert float(rows["train"][zeros]) > float(rows["eval"][zeros]) + 10
    assert {r["model"] for r in table(runs[0] / "q7" / "q4_vs_q6.csv")} == {"Q4 (no dropout)", "Q6 (dropout)"}


def test_q9_batch_statistics_get_noisier_as_batches_shrink(runs):
    rows = table(runs[0] / "q9" / "batch_sizes.csv")
    assert [r["batch size"] for r in rows] == ["8", "64"]
    errors = [float(r["batch mean error (std units)"]) for r in rows]
    assert errors[0] > 2 * errors[1]  # about sqrt(64 / 8) = 2.8 times
    assert [int(r["steps per epoch"]) for r in rows] == [100, 13]


def test_q10_best_profile_reports_every_seed(runs):
    _, folder = runs
    assert read(folder, "provenance.json")["profile"] == "best"
    rows = table(folder / "seeds.csv")
    assert [r["seed"] for r in rows] == ["0", "1"] and "test acc with TTA (%)" in rows[0]
    metrics = read(folder, "metrics.json")
    accs = [float(r["test acc with TTA (%)"]) / 100 for r in rows]
    assert metrics["final_test_acc_mean"] == pytest.approx(np.mean(accs), abs=1e-4)
    assert metrics["final_test_acc_std"] == pytest.approx(np.std(accs, ddof=1), abs=1e-4)
    assert "airbench94's network" in notes(folder)
