"""Early stopping on a scripted validation history: the epoch it stops at and the weights it restores."""

import pytest
import torch
from torch import nn

from dlcourse.errors import InvalidSetting
from dlcourse.train import History, TrainConfig, fit
from dlcourse.train.callbacks import EarlyStopping

# Best 0.62 in epoch 4; epochs 5, 6, 7 do not beat it (0.62 again does not count), so patience 3 stops after 7.
SCRIPT = [0.50, 0.60, 0.55, 0.62, 0.61, 0.62, 0.59, 0.70, 0.71]


def test_stops_after_patience_epochs_without_improvement_and_restores_the_best():
    model = nn.Linear(1, 1)
    stopper = EarlyStopping("val_acc", patience=3)
    history = History()
    for epoch, acc in enumerate(SCRIPT, start=1):
        with torch.no_grad():
            model.weight.fill_(epoch)  # the weights name the epoch they come from
        history.append(epoch=epoch, val_acc=acc)
        if stopper.on_epoch_end(history, model):
            break
    assert len(history) == 7 and stopper.stopped_epoch == 7
    assert stopper.best_epoch == 4 and stopper.best == 0.62
    stopper.on_train_end(history, model)
    assert model.weight.item() == 4


def test_without_patience_it_only_keeps_the_best():
    model = nn.Linear(1, 1)
    stopper = EarlyStopping("val_acc", patience=None)
    history = History()
    for epoch, acc in enumerate(SCRIPT, start=1):
        with torch.no_grad():
            model.weight.fill_(epoch)
        history.append(epoch=epoch, val_acc=acc)
        assert not stopper.on_epoch_end(history, model)
    stopper.on_train_end(history, model)
    assert model.weight.item() == 9 and stopper.stopped_epoch is None


class Scripted:
    """Replaces each epoch's validation accuracy by the script and remembers the weights of every epoch."""

    def __init__(self):
        self.weights = {}

    def on_epoch_end(self, history, model):
        row = history.last
        row["val_acc"] = SCRIPT[int(row["epoch"]) - 1]
        self.weights[int(row["epoch"])] = model.weight.detach().clone()
        return False


def test_inside_fit_training_stops_and_ends_with_the_best_epochs_weights():
    torch.manual_seed(0)
    x, y = torch.randn(64, 3), torch.randint(0, 2, (64,))
    model = nn.Linear(3, 2)
    script, stopper = Scripted(), EarlyStopping("val_acc", patience=3)
    history = fit(
        model, (x, y), TrainConfig(epochs=20, batch_size=16), evals={"val": (x, y)}, callbacks=[script, stopper]
    )
    assert history.column("epoch") == [1, 2, 3, 4, 5, 6, 7]
    torch.testing.assert_close(model.weight.detach(), script.weights[4])
    assert not torch.equal(script.weights[4], script.weights[7])


def test_monitoring_a_missing_column_is_an_error():
    history = History()
    history.append(epoch=1, train_acc=0.5)
    with pytest.raises(InvalidSetting, match="val_acc"):
        EarlyStopping().on_epoch_end(history, nn.Linear(1, 1))
