"""fit3181-a1 Parts 1 and 2 in the quick profile, run once for the module, on the bundled Fashion-MNIST sample."""

import csv
import json

import numpy as np
import pytest

from dlcourse.suites import select
from dlcourse.suites.fit3181_a1.letters_ffn import grid
from dlcourse.suites.runner import run_task
from dlcourse.theory import calculate, load_network
from tests.fixtures import notebook_numbers, offline_runs, recorded_numbers


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    with offline_runs(tmp_path_factory):
        for task in select("fit3181-a1"):
            if not task.name.startswith("3."):  # Part 3 has its own test module
                run_task(task, profile="quick", runs_root=root, quiet=True)
    return root / "fit3181-a1"


def test_the_part_1_and_2_notebooks_from_an_empty_folder_give_every_task_the_cli_numbers(runs, tmp_path):
    """A1_Part1_Solutions and A1_Part2_Solutions, executed on a fresh kernel, record the same numbers as
    `run_task` for every task of theirs, bit for bit."""
    tasks = [task.id for task in select("fit3181-a1") if not task.name.startswith("3.")]
    from_notebook = notebook_numbers(tasks, {}, tmp_path)
    assert from_notebook == {task_id: recorded_numbers(runs / task_id.split("/")[1]) for task_id in tasks}


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def notes(folder):
    return " ".join(e["text"] for e in json.loads((folder / "manifest.json").read_text()) if e["kind"] == "note")


def test_grid_is_exactly_the_twelve_combinations():
    combos = grid((20, 40), (20, 40), ("sigmoid", "tanh", "relu"))
    keys = {(c["n1"], c["n2"], c["act"]) for c in combos}
    assert len(combos) == len(keys) == 12
    assert keys == {(a, b, c) for a in (20, 40) for b in (20, 40) for c in ("sigmoid", "tanh", "relu")}


def test_part1_outputs(runs):
    assert len(rows(runs / "1.1" / "activations.csv")) == 7 and (runs / "1.1" / "activations.png").is_file()
    assert "Hendrycks" in notes(runs / "1.1") and "Misra" in notes(runs / "1.1")
    # 1.2 and 1.3 save their network; recomputing from it gives the recorded numbers.
    for task, hidden in (("1.2", 2), ("1.3", 1)):
        folder = runs / task
        calc = calculate(load_network(folder / "network.json"), [1, -1, 0], 3, alpha=0.1, eta=0.01)
        assert len(calc.network.weights) == hidden + 1
        saved = np.load(folder / "calculation.npz")
        assert float(saved["loss"]) == pytest.approx(calc.loss)
        assert json.loads((folder / "metrics.json").read_text())["loss"] == pytest.approx(calc.loss)
    backward = {r["quantity"] for r in rows(runs / "1.3" / "backward.csv")}
    assert {"∂l/∂h²", "∂l/∂W²", "∂l/∂b²", "∂l/∂h¹", "∂l/∂h̄¹", "∂l/∂W¹", "∂l/∂b¹"} <= backward
    assert {r["quantity"] for r in rows(runs / "1.3" / "sgd.csv")} == {"W²", "b²", "W¹", "b¹"}
    behaviours = [r["behaviour"] for r in rows(runs / "1.4" / "rates.csv")]
    assert behaviours == ["diverges", "crawls", "converges"] and (runs / "1.4" / "paths.png").is_file()


def test_part2_falls_back_to_fashion_mnist_and_says_so(runs):
    for task in ("2.1-2.3", "2.4", "2.5-2.6"):
        assert "runs on Fashion-MNIST instead" in notes(runs / task)
    shown = np.load(runs / "2.1-2.3" / "shown.npz")
    assert shown["images"].shape == (36, 28, 28) and (runs / "2.1-2.3" / "samples.png").is_file()
    splits = {r["set"]: r for r in rows(runs / "2.1-2.3" / "splits.csv")}
    assert int(splits["validation"]["images"]) == 200 and int(splits["train"]["images"]) == 1800
    assert splits["train"]["pixel range"] == "[0, 1]"


def test_part2_training_outputs(runs):
    ffn = json.loads((runs / "2.4" / "metrics.json").read_text())
    assert ffn["test_acc"] > 0.3  # 10 classes: chance is 10%
    grid_rows = rows(runs / "2.5-2.6" / "grid.csv")
    assert len(grid_rows) == 12
    best = json.loads((runs / "2.5-2.6" / "metrics.json").read_text())
    top = max(grid_rows, key=lambda r: float(r["val acc (%)"]))
    assert best["best"] == f"{top['n1']}-{top['n2']}-{top['act']}"
    smoothing = rows(runs / "2.5-2.6" / "smoothing.csv")
    assert [float(r["α"]) for r in smoothing] == [0.0, 0.1, 0.15, 0.2]
