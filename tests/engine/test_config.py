"""TrainConfig, Metrics and the train-score-record recipe's pieces."""

from dataclasses import dataclass

import pytest
import torch

from dlcourse.errors import InvalidSetting, UnknownName
from dlcourse.models import mlp
from dlcourse.suites.recipe import Trained, curve_notes, epoch_row
from dlcourse.train import History, Metrics, TrainConfig, fit, per_head_accuracy


@dataclass(frozen=True)
class SomeSettings:
    epochs: int = 3
    batch_size: int = 32
    lr: float = 0.01
    optimizer: str = "sgd"
    width: int = 64  # not a training field: left out


def test_config_takes_the_settings_training_fields_then_the_changes():
    config = TrainConfig.of(SomeSettings(), seed=4)
    assert (config.epochs, config.batch_size, config.lr, config.optimizer, config.seed) == (3, 32, 0.01, "sgd", 4)
    assert TrainConfig.of({"epochs": 2, "batch_size": 8, "depth": 3}).epochs == 2


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"epochs": 0}, InvalidSetting, "at least 1"),
        ({"lr": float("nan")}, InvalidSetting, "greater than 0"),
        ({"lr": float("inf")}, InvalidSetting, "finite number"),
        ({"optimizer": "adagrad"}, UnknownName, "unknown optimizer 'adagrad'"),
        ({"lr_schedule": "linear"}, UnknownName, "unknown lr schedule"),
        ({"precision": "fp16"}, UnknownName, "unknown precision"),
    ],
)
def test_config_rejects_what_cannot_train(changes, error, words):
    with pytest.raises(error, match=words):
        TrainConfig(**({"epochs": 1, "batch_size": 1} | changes))


def test_history_records_what_a_ready_optimizer_really_uses():
    model = mlp([4, 8, 2])
    groups = [{"params": model[0].parameters(), "lr": 0.1}, {"params": model[2].parameters(), "lr": 0.01}]
    opt = torch.optim.SGD(groups, lr=0.5, momentum=0.8, weight_decay=1e-4)
    x, y = torch.randn(40, 4), torch.randint(0, 2, (40,))
    history = fit(model, (x, y), TrainConfig(epochs=1, batch_size=10, lr=0.5), optimizer=opt)
    meta = history.meta
    assert meta["optimizer"] == "SGD" and meta["rates"] == [0.01, 0.1]
    assert meta["momentum"] == [0.8] and meta["weight_decay"] == [1e-4]


def test_metrics_rows_name_each_head():
    metrics = per_head_accuracy("item", "group")
    assert metrics.row("val", 0.5, [0.9, 0.7]) == pytest.approx(
        {"val_loss": 0.5, "val_acc": 0.8, "val_acc_item": 0.9, "val_acc_group": 0.7}
    )
    assert Metrics().row("test", 1.0, [0.25]) == {"test_loss": 1.0, "test_acc": 0.25}


def history_of(val_losses, val_accs):
    history = History()
    for epoch, (loss, acc) in enumerate(zip(val_losses, val_accs, strict=True), start=1):
        history.append(epoch=epoch, train_loss=1 / epoch, train_acc=0.5 + 0.1 * epoch, val_loss=loss, val_acc=acc,
                       seconds=2.0)  # fmt: skip
    return history


def test_curve_notes_read_the_validation_curve():
    rising = Trained(None, history_of([0.5, 0.4, 0.6], [0.80, 0.85, 0.84]), {"train_acc": 0.95, "val_acc": 0.84})
    notes = curve_notes(rising)
    assert notes[0] == "After training: train accuracy 95.00%, validation accuracy 84.00% (a gap of 11.00 points)."
    assert "peaks at 85.00% in epoch 2 of 3" in notes[1] and "lowest in epoch 2" in notes[1]
    assert "rises from 0.4000 to 0.6000 after epoch 2" in notes[2]
    falling = Trained(None, history_of([0.5, 0.4, 0.3], [0.80, 0.85, 0.86]), {})
    assert curve_notes(falling)[-1].endswith("still falling in the last epoch: more epochs may still help.")


def test_epoch_row_lists_the_splits_that_ran():
    row = history_of([0.5], [0.8]).rows[0]
    assert list(epoch_row(row)) == ["epoch", "train acc (%)", "val acc (%)", "train loss", "val loss", "seconds"]
    assert epoch_row(row)["val acc (%)"] == 80.0
