"""The classification objective: train a registered model on an image dataset and score it.

A config is flat, so every hyper-parameter can be a search dimension. The keys of `DEFAULTS` are the
data and training settings; every other key goes to the model builder (`hidden`, `filters`, `activation`,
`dropout`, ...), which must take `in_shape` and `num_classes` (geron_mlp, geron_cnn, cnn).

With `holdout` > 0 the model trains on the rest of the training set and is scored on a stratified,
seeded `holdout` share of it (the validation set: model selection never sees the test set); with
`holdout` = 0 it trains on the whole training set and is scored on the test set (the final models).
Pixels are standardised per channel with the training part's mean and standard deviation.

Given a sweep's `trial` (Optuna's, or one with its `report` and `should_prune`), a trial with a validation
split reports its validation accuracy after every epoch and stops with `optuna.TrialPruned` when the
pruner says so; the test set is never reported, so no pruner chooses on it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import optuna
import torch
import torch.nn.functional as F
from torch import nn

from dlcourse import data
from dlcourse.data.splits import validation_split
from dlcourse.errors import InvalidSetting
from dlcourse.models import INITS, build, count_parameters, initialize
from dlcourse.train import TrainConfig, evaluate, fit
from dlcourse.train.optim import OPTIMIZERS
from dlcourse.train.penalty import penalized
from dlcourse.train.schedule import SCHEDULES

DEFAULTS: dict[str, Any] = {
    "dataset": "fashion-mnist",  # a registered dataset name
    "source": "full",  # "full": from disk (or downloaded); "sample": the package's bundled real subset
    "train_size": None,  # class-balanced training images to use; None = all
    "holdout": 0.1,  # validation share of the training set; 0 = train on all of it, score on the test set
    "split_seed": 0,  # fixes the subset and the validation split, so every trial sees the same split
    "model": "geron_mlp",
    "init": "default",  # a scheme of models.INITS
    "optimizer": "sgd",
    "lr": 0.01,
    "momentum": 0.0,  # SGD's and RMSprop's
    "lr_schedule": "constant",
    "l1": 0.0,  # L1 penalty strength on the weights (Keras's kernel_regularizer)
    "l2": 0.0,  # L2 penalty strength on the weights
    "epochs": 10,
    "batch_size": 32,
    "seed": 0,  # fixes initialisation, data order and dropout
    "precision": "fp32",  # the same arithmetic on every machine of a cluster; "auto" for bf16 where faster
}


@dataclass(frozen=True)
class Prepared:
    train: tuple[np.ndarray, np.ndarray]  # N x C x H x W float32, standardised; labels int64
    score: tuple[np.ndarray, np.ndarray]  # the validation split, or the test set when holdout = 0
    in_shape: tuple[int, int, int]
    num_classes: int
    notes: tuple[str, ...]  # what a report must say about the data (a sample, a lossy copy)


def classify(
    config: Mapping[str, Any], data_dir: str | None = None, device: str = "cpu", trial: Any = None
) -> dict[str, Any]:
    """Train one config and return its metrics: `val_*` (holdout > 0) or `test_*` (holdout = 0)."""
    c = with_defaults(config)
    prep = prepare(c["dataset"], c["source"], data_dir, c["train_size"], c["holdout"], c["split_seed"])
    torch.manual_seed(c["seed"])
    model = make_model(c, prep)
    config = TrainConfig.of(c)
    loss_fn = penalized(F.cross_entropy, model, c["l1"], c["l2"])
    pruning = [Prune(trial)] if trial is not None and c["holdout"] else []
    history = fit(
        model, prep.train, config, evals={"test": prep.score}, loss_fn=loss_fn, callbacks=pruning, device=device
    )
    if pruning and pruning[0].stopped:
        raise optuna.TrialPruned(f"pruned after epoch {len(history)}")
    acc = history.last["test_acc"]  # fit scored the final weights on `prep.score` after the last epoch
    # The loss to report is plain cross-entropy, comparable with and without penalties; fit's includes them.
    loss = evaluate(model, prep.score)[0] if c["l1"] or c["l2"] else history.last["test_loss"]
    scored = "val" if c["holdout"] else "test"
    return {
        f"{scored}_acc": acc,
        f"{scored}_loss": loss,
        f"{scored}_acc_per_epoch": history.column("test_acc"),
        "train_acc": history.last["train_acc"],  # running mean over the last epoch, dropout active
        "parameters": count_parameters(model),
        "train_images": len(prep.train[1]),
        f"{scored}_images": len(prep.score[1]),
    }


class Prune:
    """A `fit` callback: reports each epoch's score on the held-out set (`test_acc` in fit's history, which
    is the validation split here) and stops training when the trial's pruner says so. Never after the last
    epoch: a trial that has trained to the end is finished, whatever the pruner would say."""

    def __init__(self, trial: Any) -> None:
        self.trial, self.stopped = trial, False

    def on_epoch_end(self, history: Any, model: nn.Module) -> bool:
        row = history.last
        epoch = int(row["epoch"])
        self.trial.report(row["test_acc"], epoch)
        self.stopped = epoch < history.meta["epochs"] and self.trial.should_prune()
        return self.stopped


def with_defaults(config: Mapping[str, Any]) -> dict[str, Any]:
    return {**DEFAULTS, **config}


def make_model(c: Mapping[str, Any], prep: Prepared) -> nn.Module:
    """The config's model, initialised with its scheme from the current torch seed."""
    spec = {k: v for k, v in c.items() if k not in DEFAULTS}
    try:
        model = build(c["model"], in_shape=prep.in_shape, num_classes=prep.num_classes, **spec)
    except (TypeError, ValueError) as exc:
        raise InvalidSetting(f"model {c['model']!r} with {spec}: {exc}") from None
    return initialize(model, c["init"])


def check(configs: Iterable[Mapping[str, Any]], data_dir: str | None = None) -> dict[str, list[str]]:
    """Fail before any training on a config that cannot run: unknown names, a model that cannot be built,
    data that is not there. Returns what a report must say about each dataset used (loading the data
    here also decodes and caches it before any worker starts)."""
    notes: dict[str, list[str]] = {}
    for config in configs:
        c = with_defaults(config)
        for key, known in (("optimizer", OPTIMIZERS), ("lr_schedule", SCHEDULES), ("init", tuple(INITS))):
            if c[key] not in known:
                raise InvalidSetting(f"unknown {key} {c[key]!r}; known: {', '.join(known)}")
        if not 0 <= c["holdout"] < 1:
            raise InvalidSetting(f"holdout must be at least 0 and below 1, got {c['holdout']}")
        TrainConfig.of(c)  # a learning rate, epochs or batch size out of range
        prep = prepare(c["dataset"], c["source"], data_dir, c["train_size"], c["holdout"], c["split_seed"])
        make_model(c, prep)
        notes.setdefault(c["dataset"], list(prep.notes))
    return notes


@functools.lru_cache(maxsize=2)
def _dataset(name: str, source: str, data_dir: str | None) -> data.Dataset:
    if source not in ("full", "sample"):
        raise InvalidSetting(f"unknown source {source!r}; known: full, sample")
    return data.load(name, subset=source, data_dir=data_dir, quiet=True)


@functools.lru_cache(maxsize=2)
def prepare(
    name: str, source: str, data_dir: str | None, train_size: int | None, holdout: float, split_seed: int
) -> Prepared:
    ds = _dataset(name, source, data_dir).balanced_subset(train_size, None, seed=split_seed)
    if holdout:
        (x, y), (x_score, y_score) = validation_split(ds.x_train, ds.y_train, holdout, seed=split_seed)
    else:
        (x, y), (x_score, y_score) = (ds.x_train, ds.y_train), (ds.x_test, ds.y_test)
    x, x_score = data.channels_first(x).astype(np.float32), data.channels_first(x_score).astype(np.float32)
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    std = x.std(axis=(0, 2, 3), keepdims=True)
    x, x_score = (x - mean) / std, (x_score - mean) / std
    return Prepared((x, y), (x_score, y_score), tuple(x.shape[1:]), ds.num_classes, (ds.describe(), *ds.notes))
