"""The bath-a2 tasks end to end on the bundled sample (quick profile, fewer epochs)."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest

import dlcourse
from dlcourse.errors import DataNotFound
from dlcourse.report import build_report
from dlcourse.suites import select
from dlcourse.suites.registry import TASKS, suite_title
from dlcourse.suites.runner import run_task
from tests.fixtures import notebook_numbers, recorded_numbers


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


# Task 6 trains seven networks (and eight more to tune): narrower ones keep the suite fast. Their
# behaviour, not the brief's sizes, is under test here; tests/test_multitask.py checks the brief's network.
TASK_6_SMALL = {"filters": (8, 16, 32), "shared_dense": 64, "head": (32,)}


SETTINGS = {task.id: {"epochs": 2} | (TASK_6_SMALL if task.name.startswith("6") else {}) for task in select("bath-a2")}


@pytest.fixture(scope="module")
def suite_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    for task in select("bath-a2"):
        run_task(task, profile="quick", device="cpu", runs_root=root, quiet=True, overrides=SETTINGS[task.id])
    return root / "bath-a2"


def test_the_notebook_from_an_empty_folder_gives_every_task_the_cli_numbers(suite_runs, tmp_path):
    """The whole Assignment2_Group_N notebook, executed on a fresh kernel with the same settings, records the
    same numbers as `run_task` for each of the nine tasks, bit for bit."""
    tasks = [task.id for task in select("bath-a2")]
    from_notebook = notebook_numbers(tasks, SETTINGS, tmp_path)
    assert from_notebook == {task_id: recorded_numbers(suite_runs / task_id.split("/")[1]) for task_id in tasks}


def test_depth_studies_tabulate_every_model(suite_runs):
    mlps = rows(suite_runs / "3.2" / "models.csv")
    assert [int(r["hidden_layers"]) for r in mlps] == [2, 3, 4, 5, 7]
    assert int(mlps[0]["parameters"]) == 784 * 1000 + 1000 + 1000 * 1000 + 1000 + 1000 * 10 + 10
    assert all(int(r["weights"]) + int(r["biases"]) == int(r["parameters"]) for r in mlps)
    cnns = rows(suite_runs / "4.2" / "models.csv")
    assert {r["model"] for r in cnns} >= {"cnn-32-64-128", "cnn-16-32-64"}
    assert all(float(r["test_acc"]) > 0.5 and float(r["test_inference_s"]) > 0 for r in mlps + cnns)
    both = rows(suite_runs / "4.2" / "cnn_vs_mlp.csv")
    assert {r["family"] for r in both} == {"MLP", "CNN"} and len(both) == len(mlps) + len(cnns)


def test_task_5_draws_every_layer_and_both_digits(suite_runs):
    manifest = json.loads((suite_runs / "5" / "manifest.json").read_text())
    figures = {e["name"] for e in manifest if e["kind"] == "figure"}
    assert {"filters_conv1", "filters_conv2", "filters_conv3", "filters_conv3_mean", "deepdream_progress"} <= figures
    assert {f"activations_{d}_conv{i}" for d in (2, 9) for i in (1, 2, 3)} <= figures
    dreams = rows(suite_runs / "5" / "deepdream.csv")
    assert len(dreams) == 6
    assert all(float(r["objective_end"]) > float(r["objective_start"]) for r in dreams)
    sparsity = rows(suite_runs / "5" / "activation_sparsity.csv")
    assert [(int(r["digit"]), int(r["layer"])) for r in sparsity] == [(d, i) for d in (2, 9) for i in (1, 2, 3)]


def test_task_5_needs_the_trained_cnn(tmp_path):
    with pytest.raises(DataNotFound, match=r"bath-a2/4\.1"):
        run_task(TASKS.get("bath-a2/5"), profile="quick", device="cpu", runs_root=tmp_path, quiet=True)


def test_task_1_pca_and_separability(suite_runs):
    pca = suite_runs / "1"
    assert all((pca / f"{name}.png").is_file() for name in ("embedding", "scree", "components", "separability"))
    with np.load(pca / "separability.npz") as saved:
        for key in ("test_acc_2d", "test_acc_784d"):
            assert saved[key].shape == (10, 10)
            np.testing.assert_array_equal(saved[key], saved[key].T)
        assert saved["test_acc_784d"][0, 1] >= 0.98 and saved["test_acc_2d"][4, 9] < 0.8
    assert len((pca / "pairs.csv").read_text().splitlines()) == 1 + 45


def test_task_2_perceptron_pairs(suite_runs):
    perceptron = suite_runs / "2"
    metrics = json.loads((perceptron / "metrics.json").read_text())
    assert metrics["pair_0_1_test_acc"] >= 0.98 and metrics["worst_pair_test_acc"] > 0.85
    figures = ("error_0_1", "weights_0_1", "weights_five", "accuracy_all", "weights_all", "errors_all")
    assert all((perceptron / f"{name}.png").is_file() for name in figures)
    assert len((perceptron / "five_pairs.csv").read_text().splitlines()) == 1 + 5
    with np.load(perceptron / "pairs.npz") as saved:
        assert saved["weights"].shape == (45, 784) and len(saved["error_curves"]) == 45


def test_report_follows_the_brief(suite_runs):
    md_path, html_path = build_report("bath-a2", suite_title("bath-a2"), select("bath-a2"), suite_runs.parent)
    md, html = md_path.read_text(), html_path.read_text()
    tasks = [t.name for t in select("bath-a2")]
    figures = [
        (task, entry["name"])
        for task in tasks
        for entry in json.loads((suite_runs / task / "manifest.json").read_text())
        if entry["kind"] == "figure"
    ]
    # The appendix holds every recorded figure; the main report those its task names in `shows`, one at least.
    appendix = (suite_runs / "report-appendix.html").read_text()
    assert appendix.count("data:image/png;base64,") == len(figures) >= len(tasks)
    shown = [(task, name) for task, name in figures if name in TASKS.get(f"bath-a2/{task}").shows]
    assert html.count("data:image/png;base64,") == len(shown) and {task for task, _ in shown} == set(tasks)
    positions = [md.index(f"## bath-a2/{task}:") for task in tasks]
    assert positions == sorted(positions) and "Not run yet" not in md
    assert "Against task 1's separability" in (suite_runs / "report-appendix.md").read_text()
    # The top: the quick-profile warning, then one summary row per task with its headline, before any section.
    top = md[: positions[0]]
    assert "not an answer to the brief" in top
    for task in tasks:
        assert f"| {task} | " in top
    assert "| 3.1 | MLP [784, 1000, 1000, 10] on MNIST | test accuracy" in top  # the headline
    assert "| 6.2 | " in top and "λ=0.5: item head test accuracy" in top  # what the brief asks of 6.2
    assert "| brief's target | met |" in top
    assert str(Path(dlcourse.__file__).parent) not in md  # no path of the machine it ran on
    # A sentence every task says (the bundled sample stands in) appears once, at the top.
    sample_note = "The full mnist was not found, so its bundled real sample stood in (5,000 train / 1,000 test images)."
    assert md.count(sample_note) == 1 and md.index(sample_note) < positions[0]
    assert "- A class-balanced subset of mnist: 2,000 train / 1,000 test images." in top  # names its dataset
    for task in tasks:  # every figure also comes as SVG, and the PNG is sharp at print size
        for entry in json.loads((suite_runs / task / "manifest.json").read_text()):
            if entry["kind"] == "figure":
                assert (suite_runs / task / f"{entry['name']}.svg").read_text().lstrip().startswith("<?xml")


def test_task_6_single_task_networks_and_tuning(suite_runs):
    single = {r["task"]: r for r in rows(suite_runs / "6.1" / "single_task.csv")}
    assert float(single["item"]["test_acc"]) > 0.5 and float(single["group"]["test_acc"]) > 0.7
    assert int(single["item"]["parameters"]) - int(single["group"]["parameters"]) == (10 - 3) * (32 + 1)
    tuning = rows(suite_runs / "6.1" / "tuning.csv")
    assert {(r["task"], int(r["batch_size"]), float(r["lr"])) for r in tuning} == {
        (t, b, lr) for t in ("item", "group") for b in (25, 100) for lr in (1e-3, 1e-4)
    }
    errors = rows(suite_runs / "6.1" / "group_errors.csv")
    assert sum(int(r["test_images"]) for r in errors) == 1000
    assert sum(float(r["share_of_errors"]) for r in errors) == pytest.approx(1, abs=0.01)


def test_task_6_2_lambda_extremes_leave_one_head_untrained(suite_runs):
    by_lambda = {float(r["lambda"]): r for r in rows(suite_runs / "6.2" / "lambdas.csv")}
    assert sorted(by_lambda) == [0, 0.25, 0.5, 0.75, 1]
    # λ = 0 trains only the group head, λ = 1 only the item head; the other head stays random.
    assert float(by_lambda[0.0]["item_test_acc"]) < 0.3 and float(by_lambda[0.0]["group_test_acc"]) > 0.7
    assert float(by_lambda[1.0]["group_test_acc"]) < 0.6 and float(by_lambda[1.0]["item_test_acc"]) > 0.5
    assert all(float(by_lambda[lam]["item_test_acc"]) > 0.5 for lam in (0.25, 0.5, 0.75))
    versus = rows(suite_runs / "6.2" / "vs_single_task.csv")
    assert len(versus) == 6
    assert int(versus[1]["parameters"]) < int(versus[0]["parameters"])
    assert (suite_runs / "6.2" / "accuracy_vs_lambda.png").is_file()
