"""`fit` with a checkpoint file: an interrupted training continues to exactly the uninterrupted result."""

import pytest
import torch
from torch import nn

from dlcourse.data import flatten, load_sample, scale_unit
from dlcourse.device import seed_everything
from dlcourse.train import TrainConfig, fit
from dlcourse.train.callbacks import EarlyStopping
from dlcourse.train.mixup import Mixup


@pytest.fixture(scope="module")
def digits():
    ds = load_sample("mnist").balanced_subset(600, 200, seed=0)
    return (flatten(scale_unit(ds.x_train)), ds.y_train), (flatten(scale_unit(ds.x_test)), ds.y_test)


def dropout_mlp() -> nn.Module:
    """Dropout draws from torch's global generator: a resume that lost its state would differ."""
    seed_everything(5)
    return nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 10))


class InterruptAfter:
    def __init__(self, epoch: int) -> None:
        self.epoch = epoch

    def on_epoch_end(self, history, model) -> bool:
        if len(history) == self.epoch:
            raise KeyboardInterrupt
        return False


def train(digits, path=None, callbacks=(), epochs=4, mixup=False):
    model = dropout_mlp()
    stopper = EarlyStopping("test_acc", patience=None)  # keeps the best weights: callback state to carry over
    config = TrainConfig(epochs=epochs, batch_size=20, lr=3e-3, lr_schedule="cosine", seed=2, precision="fp32")
    transform = Mixup(0.4, 10, seed=3) if mixup else None  # draws its λ from a generator of its own
    history = fit(
        model, digits[0], config, evals={"test": digits[1]}, checkpoint=path, callbacks=[stopper, *callbacks],
        transform=transform,
    )  # fmt: skip
    return model, history, stopper


@pytest.mark.parametrize("mixup", [False, True])
def test_interrupted_fit_resumes_to_the_same_weights_and_history(digits, tmp_path, mixup):
    whole, whole_history, whole_stopper = train(digits, mixup=mixup)
    path = tmp_path / "state.pt"
    with pytest.raises(KeyboardInterrupt):
        train(digits, path, callbacks=[InterruptAfter(3)], mixup=mixup)
    assert torch.load(path, weights_only=True)["epoch"] == 2  # the state after the last finished epoch
    resumed, history, stopper = train(digits, path, mixup=mixup)
    assert history.meta["resumed_from_epoch"] == 2
    assert history.metrics() == whole_history.metrics()
    assert stopper.best_epoch == whole_stopper.best_epoch
    for a, b in zip(resumed.state_dict().values(), whole.state_dict().values(), strict=True):
        assert torch.equal(a, b)


def test_a_finished_state_returns_without_training(digits, tmp_path):
    path = tmp_path / "state.pt"
    first, first_history, _ = train(digits, path)
    again, history, _ = train(digits, path)
    assert history.rows == first_history.rows  # the same rows, timings included: nothing was retrained
    for a, b in zip(again.state_dict().values(), first.state_dict().values(), strict=True):
        assert torch.equal(a, b)


def test_a_state_from_other_settings_is_not_resumed(digits, tmp_path):
    path = tmp_path / "state.pt"
    with pytest.raises(KeyboardInterrupt):
        train(digits, path, callbacks=[InterruptAfter(3)], epochs=3)
    _, history, _ = train(digits, path, epochs=4)
    assert "resumed_from_epoch" not in history.meta
    assert len(history) == 4
