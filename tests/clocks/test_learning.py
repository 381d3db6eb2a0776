"""A small CNN learns to read the rendered clocks; every tell-the-time task runs and records its results."""

import csv
import json
import shutil

import numpy as np
import pytest
import torch

from dlcourse.data.clock_data import rendered_clocks
from dlcourse.models import clocknet
from dlcourse.suites import select
from dlcourse.suites.runner import run_task
from dlcourse.telltime import CONSTANT_BASELINE, Periodic, common_sense_error
from dlcourse.train import Metrics, TrainConfig, fit, predict
from tests.clocks.conftest import SETTINGS
from tests.fixtures import notebook_numbers, recorded_numbers


@pytest.fixture
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny models train faster on one thread than on several competing for cores
    yield
    torch.set_num_threads(threads)


def test_small_cnn_beats_the_constant_answer(one_thread):
    data = rendered_clocks(2000, 40, seed=0)
    x = data.images[:, None].astype(np.float32) / 255
    rep = Periodic("both")
    times = data.labels[:, 0] * 60 + data.labels[:, 1]
    y = np.concatenate([rep.encode(*data.labels.T), times[:, None].astype(np.float32)], 1)
    torch.manual_seed(0)
    model = clocknet((8, 16, 32), rep.heads, hidden=64, in_size=40, stem=0)
    fit(
        model,
        (x[:1600], y[:1600]),
        TrainConfig(epochs=6, batch_size=64, lr=3e-3, lr_schedule="cosine", optimizer="adamw"),
        loss_fn=lambda out, target: rep.loss(out, target[:, :-1]),
        metrics=Metrics(lambda out, target: (common_sense_error(rep.decode(out), target[:, -1]) <= 10).sum()),
    )
    errors = common_sense_error(rep.decode(predict(model, x[1600:])).numpy(), times[1600:])
    assert CONSTANT_BASELINE == 180
    assert errors.mean() < 0.67 * CONSTANT_BASELINE, errors.mean()
    assert np.median(errors) < 0.5 * CONSTANT_BASELINE


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def notes(folder):
    return " ".join(e["text"] for e in json.loads((folder / "manifest.json").read_text()) if e["kind"] == "note")


def test_the_notebook_from_an_empty_folder_gives_every_clock_task_the_cli_numbers(runs, tmp_path):
    """Task 2 of the Assignment1 notebook (2, 2a-2e), executed on a fresh kernel with the same settings, records
    the same numbers as `run_task` for every subtask, bit for bit."""
    from_notebook = notebook_numbers(list(SETTINGS), SETTINGS, tmp_path)
    assert from_notebook == {task_id: recorded_numbers(runs / task_id.split("/")[1]) for task_id in SETTINGS}


def test_sample_clocks_task(runs):
    assert (runs / "2" / "samples.png").is_file()
    shown = np.load(runs / "2" / "shown.npz")
    assert shown["images"].shape == (16, 24, 24) and shown["labels"].shape == (16, 2)
    assert "mark 12 unlike the other hours" in notes(runs / "2")


@pytest.mark.parametrize(
    ("name", "representations"),
    [
        ("2a", ["24 classes", "720 classes"]),
        ("2b", ["hours, squared error", "hours, squared error on the circle"]),
        ("2c", ["hour classes + minute number", "hour classes + minute sin/cos"]),
        ("2d", ["sin/cos of the hour hand", "sin/cos of the hour hand and the minute hand"]),
    ],
)
def test_representation_tasks_record_the_comparison(runs, name, representations):
    folder = runs / name
    table = rows(folder / "comparison.csv")
    assert [r["representation"] for r in table] == representations
    for r in table:
        assert 0 <= float(r["median error (min)"]) <= 360 and 0 <= float(r["within 10 min (%)"]) <= 100
        assert int(r["parameters"].replace(",", "")) > 0
    for figure in ("errors", "curves", "worst"):
        assert (folder / f"{figure}.png").is_file()
    saved = np.load(folder / "predictions.npz")
    # The recorded errors are the common-sense errors of the recorded predictions.
    np.testing.assert_allclose(saved["errors_0"], common_sense_error(saved["predicted_0"], saved["true"]))
    results = json.loads((folder / "results.json").read_text())
    assert results["best"] in representations and len(results["rows"]) == len(representations)


def test_regression_task_shows_the_wrap_around(runs):
    assert (runs / "2b" / "by_time.png").is_file()
    assert "12:00" in notes(runs / "2b")


def test_comparison_task_reads_the_earlier_runs(runs):
    table = rows(runs / "2e" / "best.csv")
    assert [r["subtask"].split()[0] for r in table] != [] and len(table) == 4
    best_2d = json.loads((runs / "2d" / "results.json").read_text())["best"]
    assert best_2d in [r["representation"] for r in table]
    assert (runs / "2e" / "cdf.png").is_file()


def test_comparison_says_when_runs_read_different_clocks(runs, tmp_path):
    copy = tmp_path / "leiden-a1"
    shutil.copytree(runs, copy)
    provenance = json.loads((copy / "2a" / "provenance.json").read_text())
    provenance["settings"]["size"] = 75
    (copy / "2a" / "provenance.json").write_text(json.dumps(provenance))
    run_task(select("leiden-a1/2e")[0], profile="quick", runs_root=tmp_path, quiet=True)
    assert "did not all read the same clocks" in notes(copy / "2e")
    assert "did not all read the same clocks" not in notes(runs / "2e")
