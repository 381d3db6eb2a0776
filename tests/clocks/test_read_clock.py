"""Trained readers are kept in their run folders, reload with weights_only=True, read a user's clock images with
`dlcourse read-clock`, and 2e scores them on the held-out renderer's clocks."""

import csv
import json

import numpy as np
import pytest
import torch
from PIL import Image

from dlcourse.cli import main
from dlcourse.data.clock_data import rendered_clocks
from dlcourse.telltime import common_sense_error
from dlcourse.telltime.reader import best_reader, load_reader
from tests.clocks.conftest import TINY


def command(capsys, *args):
    with pytest.raises(SystemExit) as end:
        main(list(map(str, args)))
    captured = capsys.readouterr()
    return end.value.code, captured.out, captured.err


@pytest.mark.parametrize("task", ["2a", "2b", "2c", "2d"])
def test_every_model_is_kept_and_reloads_to_its_recorded_predictions(runs, task):
    folder = runs / task
    rows = json.loads((folder / "results.json").read_text())["rows"]
    saved = np.load(folder / "predictions.npz")
    clocks = rendered_clocks(int(TINY["count"]), int(TINY["size"]), seed=0, cache=False)
    test_images = clocks.images[saved["test_index"]]
    for i, row in enumerate(rows):
        torch.load(folder / f"model_{i}.pt", weights_only=True)  # plain tensors and data only
        reader = load_reader(folder / f"model_{i}.pt")
        assert reader.rep.name == row["representation"]
        assert reader.test_mean_min == pytest.approx(row["mean_min"])
        np.testing.assert_allclose(common_sense_error(reader.read(test_images), saved[f"predicted_{i}"]), 0, atol=1e-3)


def test_read_clock_reads_image_files_and_npz_with_the_best_model(runs, tmp_path, capsys):
    reader = best_reader(runs.parent)
    folder = reader.source.parent
    saved = np.load(folder / "predictions.npz")
    i = int(reader.source.stem.split("_")[1])
    clocks = rendered_clocks(int(TINY["count"]), int(TINY["size"]), seed=0, cache=False)
    images = clocks.images[saved["test_index"]]
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    for k, image in enumerate(images[:6]):  # twice the size, as a user's photo would not match the network
        big = Image.fromarray(image).resize((48, 48), Image.Resampling.BICUBIC)
        big.save(pictures / f"clock{k}.{'png' if k % 2 else 'jpg'}", quality=95)
    np.savez(tmp_path / "more.npz", images=images[6:])
    out_csv = tmp_path / "times.csv"
    code, out, _ = command(
        capsys, "read-clock", pictures, tmp_path / "more.npz", "--runs-dir", runs.parent, "--out", out_csv
    )
    assert code == 0 and str(reader.source) in out.replace("\n", "")
    with open(out_csv, newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(images)
    read = np.array([int(r["hour"]) * 60 + int(r["minute"]) for r in rows], dtype=np.float64)
    true = saved["true"].astype(np.float64)
    # The npz clocks are the test clocks themselves: read as the run read them, to the minute.
    assert common_sense_error(read[6:], saved[f"predicted_{i}"][6:]).max() <= 0.5 + 1e-9
    # The resized photos are read within the model's own error on its test clocks (and a margin for 6 clocks).
    assert common_sense_error(read, true).mean() <= reader.test_mean_min + 60


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: (d / "x.png").write_text("not an image") and d / "x.png", "is not a readable PNG or JPEG image"),
        (lambda d: (d / "empty").mkdir() or d / "empty", "holds no PNG or JPEG images"),
        (lambda d: np.savez(d / "a.npz", pictures=np.zeros((2, 8, 8), np.uint8)) or d / "a.npz", "holds no 'images'"),
        (lambda d: np.savez(d / "f.npz", images=np.zeros((2, 8, 8))) or d / "f.npz", "must be a non-empty uint8"),
        (lambda d: d / "missing.png", "does not exist"),
    ],
)
def test_bad_clock_images_get_one_sentence(runs, tmp_path, capsys, make, message):
    code, _, err = command(capsys, "read-clock", make(tmp_path), "--runs-dir", runs.parent)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_no_trained_model_gets_one_sentence(tmp_path, capsys):
    image = tmp_path / "clock.png"
    Image.fromarray(np.zeros((24, 24), np.uint8)).save(image)
    code, _, err = command(capsys, "read-clock", image, "--runs-dir", tmp_path / "runs")
    assert code == 2 and "no trained clock reader" in err and len(err.strip().splitlines()) == 1
    code, _, err = command(capsys, "read-clock", image, "--model", image)
    assert code == 2 and "not a readable checkpoint" in err


def test_comparison_scores_the_best_models_on_heldout_clocks(runs):
    folder = runs / "2e"
    with open(folder / "best.csv", newline="") as f:
        table = list(csv.DictReader(f))
    for row in table:
        held = float(row["held-out mean (min)"])
        assert 0 <= held <= 360
        assert float(row["held-out / test mean"]) == pytest.approx(held / float(row["mean error (min)"]), abs=0.01)
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["heldout_mean_min"] == pytest.approx(float(table[0]["held-out mean (min)"]))
    shares = [metrics[f"heldout_{k}"] for k in ("within", "hour_off", "hands_swapped", "12_misplaced", "other")]
    assert sum(shares) == pytest.approx(1)
    assert (folder / "heldout_worst.png").is_file() and (folder / "heldout_mistakes.csv").is_file()
    saved = np.load(folder / "heldout.npz")
    assert len(saved["true"]) == 300 and len(saved["predicted_0"]) == 300
