"""The precision policy, bf16 training against fp32, threads and provenance."""

import itertools
import json

import pytest
import torch

from dlcourse import device
from dlcourse.data import channels_first, load_sample, scale_unit
from dlcourse.device import choose_precision, seed_everything
from dlcourse.errors import UnknownName
from dlcourse.models import cnn
from dlcourse.onednn_linear import MIN_DENSE_WEIGHTS
from dlcourse.suites import TASKS
from dlcourse.suites.runner import run_task
from dlcourse.train import TrainConfig, fit

CPU = torch.device("cpu")


def test_auto_takes_bf16_only_where_it_was_measured_faster(monkeypatch):
    monkeypatch.setattr(device, "cpu_supports_bf16", lambda: True)
    large = choose_precision("auto", CPU, convolutional=True, batch_size=100)
    assert large.dtype is torch.bfloat16 and large.channels_last
    assert choose_precision("auto", CPU, convolutional=False, batch_size=100).channels_last is False
    assert choose_precision("auto", CPU, convolutional=True, batch_size=10).dtype is None
    monkeypatch.setattr(device, "cpu_supports_bf16", lambda: False)
    assert choose_precision("auto", CPU, convolutional=True, batch_size=100).dtype is None
    assert choose_precision("bf16", CPU, convolutional=True, batch_size=10).dtype is torch.bfloat16
    assert choose_precision("fp32", CPU, convolutional=True, batch_size=100).dtype is None
    with pytest.raises(UnknownName, match="fp16"):
        choose_precision("fp16", CPU, convolutional=True, batch_size=100)


SEEDS = (0, 1, 2)


def test_bf16_training_matches_fp32_within_a_point():
    """Mean test accuracy over three seeds: one seed's run-to-run spread (1.2 points between the two precisions
    at seed 0 on an AMD EPYC's bf16 kernels, bf16 the higher) is noise, not the precision's cost."""
    ds = load_sample("mnist").balanced_subset(2000, 1000, seed=0)
    train = (channels_first(scale_unit(ds.x_train)), ds.y_train)
    test = (channels_first(scale_unit(ds.x_test)), ds.y_test)
    accuracy = {"fp32": [], "bf16": []}
    for seed in SEEDS:
        for precision in ("fp32", "bf16"):
            seed_everything(seed)
            model = cnn((8, 16), kernel_size=3, padding="same", pool_after=(0, 1), dense=(32,), num_classes=10)
            config = TrainConfig(epochs=4, batch_size=50, lr=3e-3, precision=precision)
            history = fit(model, train, config, evals={"test": test})
            assert history.meta["precision"] == precision
            assert history.meta["channels_last"] is (precision == "bf16")
            accuracy[precision].append(history.last["test_acc"])
            # After training the weights are back in the ordinary layout, so later code may view them.
            assert all(p.is_contiguous() for p in model.parameters())
    assert min(accuracy["fp32"]) > 0.85
    assert abs(sum(accuracy["bf16"]) - sum(accuracy["fp32"])) / len(SEEDS) <= 0.01


def test_provenance_and_history_record_precision_and_threads(tmp_path):
    before = torch.get_num_threads()
    try:
        folder = run_task(
            TASKS.get("bath-a2/3.1"), profile="quick", runs_root=tmp_path, quiet=True, precision="fp32", threads=1,
            overrides={"epochs": 1},
        )  # fmt: skip
    finally:
        torch.set_num_threads(before)
    provenance = json.loads((folder / "provenance.json").read_text())
    assert provenance["precision"] == "fp32" and provenance["threads"] == 1
    meta = json.loads((folder / "history.json").read_text())["mlp"]["meta"]
    assert meta["precision"] == "fp32" and meta["threads"] == 1
    assert meta["rates"] == [pytest.approx(1e-3)]
    # Where fp32 dense layers ran: the machine's choice, and this model's (its largest layer decides).
    machine = "onednn" if device.onednn_linear_default() else "default"
    assert provenance["fp32_linear"] == machine
    sizes = provenance["settings"]["sizes"]
    large = max(a * b for a, b in itertools.pairwise(sizes)) >= MIN_DENSE_WEIGHTS
    assert meta["fp32_linear"] == (machine if large else "default")


def test_load_warning_only_when_the_threads_would_share_cores(monkeypatch):
    monkeypatch.setattr(device, "available_cores", lambda: 2)
    monkeypatch.setattr(device, "other_runnable_tasks", lambda: 1)
    assert "--threads 1" in device.load_warning(2)
    assert device.load_warning(1) is None
    monkeypatch.setattr(device, "other_runnable_tasks", lambda: 0)
    assert device.load_warning(2) is None


def test_other_runnable_tasks_reads_the_kernel_count():
    busy = device.other_runnable_tasks(looks=2, interval=0.01)
    assert busy is not None and 0 <= busy < 1000


def test_a_cpu_is_described_with_its_threads_and_its_model(monkeypatch):
    monkeypatch.setattr(torch, "get_num_threads", lambda: 2)
    monkeypatch.setattr(device, "cpu_model", lambda: "AMD EPYC")
    assert device.describe_device(CPU) == "CPU (2 threads, AMD EPYC)"
    monkeypatch.setattr(device, "cpu_model", lambda: "")
    assert device.describe_device(CPU) == "CPU (2 threads)"  # model not known
