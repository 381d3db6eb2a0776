"""fit's validation set, per-epoch augmentation and ready-made optimizers with several rate groups."""

import numpy as np
import pytest
import torch

from dlcourse.data import load_sample, scale_unit
from dlcourse.device import seed_everything
from dlcourse.models import cnn, mlp
from dlcourse.train import TrainConfig, evaluate, fit
from dlcourse.train.augment import random_flip
from dlcourse.train.schedule import lr_at


@pytest.fixture(scope="module")
def digits():
    ds = load_sample("mnist").balanced_subset(600, 200, seed=0)
    x = scale_unit(ds.x_train)[:, None]
    return (x[:500], ds.y_train[:500]), (x[500:], ds.y_train[500:]), (scale_unit(ds.x_test)[:, None], ds.y_test)


def small_cnn():
    seed_everything(0)
    return cnn([4, 8], kernel_size=3, strides=[2, 2])


def test_validation_columns_are_evaluate_on_the_validation_set(digits):
    train, val, test = digits
    model = small_cnn()
    history = fit(model, train, TrainConfig(epochs=2, batch_size=50), evals={"test": test, "val": val})
    loss, acc = evaluate(model, val)
    assert history.last["val_acc"] == pytest.approx(acc) and history.last["val_loss"] == pytest.approx(loss, rel=1e-5)
    assert history.last["test_acc"] == pytest.approx(evaluate(model, test)[1])
    assert history.meta["val_size"] == 100 and len(history.column("val_acc")) == 2


def test_augment_redraws_the_whole_set_each_epoch_and_leaves_the_input_alone(digits):
    train, _, _ = digits
    original = train[0].copy()
    calls = []

    def spy(x, generator):
        calls.append(x.shape)
        return random_flip(x, generator)

    runs = []
    for augment in (spy, spy, None):
        model = small_cnn()
        runs.append(fit(model, train, TrainConfig(epochs=3, batch_size=50, seed=1), augment=augment))
    assert calls == [torch.Size([500, 1, 28, 28])] * 6  # once per epoch, the whole training set
    assert np.array_equal(train[0], original)
    assert runs[0].metrics() == runs[1].metrics()  # the seed fixes the augmentation too
    assert runs[0].metrics() != runs[2].metrics()
    assert runs[0].meta["augmented"] and not runs[2].meta["augmented"]


@pytest.mark.parametrize("schedule", ["cosine", "triangle"])
def test_rate_groups_keep_their_ratio_under_a_schedule(schedule):
    torch.manual_seed(0)
    x, y = torch.randn(96, 6), torch.randint(0, 3, (96,))
    model = mlp([6, 8, 3])
    weights, biases = [model[1].weight, model[3].weight], [model[1].bias, model[3].bias]
    opt = torch.optim.SGD([{"params": weights, "lr": 0.01}, {"params": biases, "lr": 0.64}], lr=0.01, momentum=0.9)
    seen = []

    class Watch:
        def on_epoch_end(self, history, model):
            seen.append([g["lr"] for g in opt.param_groups])

    config = TrainConfig(epochs=3, batch_size=32, lr_schedule=schedule)
    history = fit(model, (x, y), config, optimizer=opt, callbacks=[Watch()])
    total = 9
    for epoch, (w, b) in enumerate(seen, start=1):
        last_step = 3 * epoch - 1
        assert w == pytest.approx(lr_at(schedule, 0.01, last_step, total))
        assert b == pytest.approx(64 * w)
    assert history.meta["optimizer"] == "SGD"


def test_triangle_schedule_shape():
    assert lr_at("triangle", 2.0, 0, 100) == pytest.approx(0.4)
    assert lr_at("triangle", 2.0, 23, 100) == pytest.approx(2.0)
    assert lr_at("triangle", 2.0, 100, 100) == pytest.approx(0.14)
    rates = [lr_at("triangle", 1.0, i, 100) for i in range(100)]
    assert max(rates) == rates[23] and rates[-1] < rates[50] < rates[23] and rates[10] < rates[20]
