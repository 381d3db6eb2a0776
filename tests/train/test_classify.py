"""The classification objective on the bundled Fashion-MNIST sample: its split, its checks, one real trial."""

import numpy as np
import optuna
import pytest

from dlcourse import data
from dlcourse.errors import DlcourseError
from dlcourse.train.classify import check, classify, prepare


def rows(x):
    return {r.tobytes() for r in x.reshape(len(x), -1)}


def test_the_validation_split_is_disjoint_a_stratified_tenth_and_seeded():
    sample = data.load_sample("fashion-mnist")
    prep = prepare("fashion-mnist", "sample", None, None, 0.1, 0)
    x_tr, (x_val, y_val) = prep.train[0], prep.score
    assert len(x_val) == round(0.1 * len(sample.y_train)) and len(x_tr) + len(x_val) == len(sample.y_train)
    assert not rows(x_tr) & rows(x_val)  # no image in both
    np.testing.assert_array_equal(np.bincount(y_val), np.round(0.1 * np.bincount(sample.y_train)))
    again = prepare.__wrapped__("fashion-mnist", "sample", None, None, 0.1, 0)  # recomputed, not the cached one
    np.testing.assert_array_equal(again.score[0], x_val)
    other = prepare("fashion-mnist", "sample", None, None, 0.1, 1)
    assert rows(other.score[0]) != rows(x_val)
    assert prep.in_shape == (1, 28, 28) and prep.num_classes == 10
    assert abs(float(x_tr.mean())) < 1e-3 and abs(float(x_tr.std()) - 1) < 1e-3  # standardised on the train part


def test_without_holdout_the_score_is_the_test_set():
    prep = prepare("fashion-mnist", "sample", None, 500, 0.0, 0)
    assert len(prep.train[1]) == 500 and len(prep.score[1]) == len(data.load_sample("fashion-mnist").y_test)


@pytest.mark.parametrize(
    "config,words",
    [
        ({"optimizer": "lbfgs"}, "unknown optimizer"),
        ({"init": "orthogonal"}, "unknown init"),
        ({"lr_schedule": "step"}, "unknown lr_schedule"),
        ({"holdout": 1.0}, "holdout"),
        ({"widths": [10]}, "geron_mlp"),
        ({"activation": "swish"}, "unknown activation"),
        ({"source": "web"}, "unknown source"),
    ],
)
def test_check_rejects_bad_configs_before_training(config, words):
    with pytest.raises(DlcourseError, match=words):
        check([{"source": "sample", **config}])


def test_one_trial_learns_and_repeats_exactly():
    config = {"source": "sample", "train_size": 500, "model": "geron_mlp", "hidden": [32], "epochs": 2,
              "optimizer": "adam", "lr": 1e-3, "l2": 1e-4, "dropout": 0.2, "init": "he_normal"}  # fmt: skip
    first = classify(config)
    assert first["val_acc"] > 0.4 and len(first["val_acc_per_epoch"]) == 2  # 10 classes: chance is 10%
    assert first["train_images"] == 450 and first["val_images"] == 50
    assert first["parameters"] == 784 * 32 + 32 + 32 * 10 + 10
    assert classify(config) == first


@pytest.mark.parametrize("epochs,pruned", [(3, True), (1, False)])
def test_a_pruner_stops_training_after_an_epoch_but_never_after_the_last(epochs, pruned):
    # A pruner that stops every trial below 99% validation accuracy: it stops a 3-epoch run after its first
    # epoch, and lets a 1-epoch run finish, since its one epoch is also its last.
    study = optuna.create_study(direction="maximize", pruner=optuna.pruners.ThresholdPruner(lower=0.99))
    trial = study.ask()
    config = {"source": "sample", "train_size": 200, "hidden": [8], "epochs": epochs}
    if pruned:
        with pytest.raises(optuna.TrialPruned, match="after epoch 1"):
            classify(config, trial=trial)
    else:
        assert classify(config, trial=trial)["val_acc"] < 0.99
    assert list(study.trials[0].intermediate_values) == [1]  # epoch 1's validation accuracy was reported


def test_the_test_set_is_never_reported_to_a_pruner():
    study = optuna.create_study(direction="maximize", pruner=optuna.pruners.ThresholdPruner(lower=0.99))
    trial = study.ask()
    classify({"source": "sample", "train_size": 200, "hidden": [8], "epochs": 2, "holdout": 0}, trial=trial)
    assert study.trials[0].intermediate_values == {}
