"""What every tbmi26 model task shares: the CIFAR-10 splits, the training settings, and training a model
into its evaluation image (learning curves + test confusion matrix) and a summary later tasks read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from dlcourse.analysis.confusion import confusion, most_confused
from dlcourse.data import channel_stats, channels_first, scale_unit
from dlcourse.data.registry import CIFAR10_JPEG_NOTE
from dlcourse.data.splits import validation_split
from dlcourse.device import describe_device
from dlcourse.plots.evaluation import evaluation_image
from dlcourse.runs import load_json
from dlcourse.settings import setting
from dlcourse.suites import recipe
from dlcourse.suites.context import TaskContext
from dlcourse.suites.mixins import DataSize, Scheduled
from dlcourse.suites.recipe import Trained, train_and_score
from dlcourse.train import TrainConfig
from dlcourse.train.augment import Augment
from dlcourse.train.optim import OPTIMIZERS
from dlcourse.train.steps import LossFn

# airbench94 measured on the course's JPEG copy: the yardstick every accuracy on that copy is read against.
COPY_YARDSTICK = "on the lossy JPEG copy of CIFAR-10, where airbench94 reaches 90.7% against 94.0% on the original"


@dataclass(frozen=True)
class CifarSplit(DataSize):
    """How much of CIFAR-10 a task reads, and the validation images it holds out of the training set."""

    val_size: int = setting(5000, "training images held out for validation (stratified, seeded); 0 = none", min=0)
    train_size: int | None = setting(None, "class-balanced training images before the hold-out; none = all", min=10)


@dataclass(frozen=True)
class TrainSettings(CifarSplit, Scheduled):
    """The fields every tbmi26 training task has; each task's class sets its own defaults."""

    optimizer: str = setting("adam", "adam, adamw or sgd (momentum 0.9)", choices=OPTIMIZERS)
    weight_decay: float = setting(0.0, "weight decay (L2 for adam/sgd, decoupled for adamw)", min=0)


@dataclass(frozen=True)
class CifarData:
    """Standardised N x 3 x 32 x 32 float32 splits (channel means and deviations of the training part)."""

    train: tuple[np.ndarray, np.ndarray]
    val: tuple[np.ndarray, np.ndarray] | None
    test: tuple[np.ndarray, np.ndarray]
    classes: tuple[str, ...]
    jpeg_copy: bool  # read from the course's lossy JPEG copy (or its bundled sample)
    mean: tuple[float, ...]  # per channel, of the [0, 1]-scaled training part
    std: tuple[float, ...]

    def prepare(self, images: np.ndarray) -> np.ndarray:
        """uint8 N x H x W x C images standardised like the splits, as N x C x H x W."""
        return standardise(images, self.mean, self.std)

    @property
    def on(self) -> str:
        """How every accuracy must be read: which copy of CIFAR-10 it was measured on."""
        return COPY_YARDSTICK if self.jpeg_copy else "on CIFAR-10"


def cifar10(ctx: TaskContext, val_size: int | None = None) -> CifarData:
    """Load CIFAR-10 for this profile, hold out `val_size` training images (the settings' by default) and
    standardise every split with the training part's per-channel mean and standard deviation."""
    ds = ctx.load("cifar10")
    val_size = ctx.settings.val_size if val_size is None else val_size
    x, y = ds.x_train, ds.y_train
    val = None
    if val_size:
        (x, y), val = validation_split(x, y, fraction=val_size / len(y), seed=ctx.seed)
        ctx.say(
            f"Held out {len(val[1]):,} training images ({len(val[1]) // ds.num_classes:,} per class, seed "
            f"{ctx.seed}) for validation; {len(y):,} remain for training."
        )
    mean, std = channel_stats(x)
    ctx.say(
        f"Pixels scaled to [0, 1], then standardised per channel with the training part's means "
        f"({', '.join(f'{v:.3f}' for v in mean)}) and deviations ({', '.join(f'{v:.3f}' for v in std)})."
    )
    return CifarData(
        train=(standardise(x, mean, std), y),
        val=(standardise(val[0], mean, std), val[1]) if val else None,
        test=(standardise(ds.x_test, mean, std), ds.y_test),
        classes=ds.classes,
        jpeg_copy=CIFAR10_JPEG_NOTE in ds.notes,
        mean=mean,
        std=std,
    )


def standardise(images: np.ndarray, mean: tuple[float, ...], std: tuple[float, ...]) -> np.ndarray:
    """uint8 N x H x W x C -> float32 N x C x H x W, each channel shifted by `mean` and divided by `std`."""
    scaled = scale_unit(images)
    scaled -= np.asarray(mean, dtype=np.float32)
    scaled /= np.asarray(std, dtype=np.float32)
    return channels_first(scaled)


def train_and_evaluate(
    ctx: TaskContext,
    model: nn.Module,
    data: CifarData,
    name: str,
    title: str,
    spec: dict[str, Any],
    augment: Augment | None = None,
    loss_fn: LossFn = F.cross_entropy,
    optimizer: torch.optim.Optimizer | None = None,
    config: TrainConfig | None = None,
) -> dict[str, Any]:
    """Train with the task's settings (or `config`), then record the brief's evaluation image (curves of
    training and validation, test confusion matrix), the final accuracies (full passes in eval mode), the
    parameter count, the training time, the per-epoch table, a checkpoint and `summary.json`. Returns the
    summary."""
    trained = train(ctx, model, data, name, config or ctx.config(), loss_fn, optimizer=optimizer, augment=augment)
    summary = summarise(trained) | {"device": describe_device(ctx.device), "spec": spec, "measured_on": data.on}
    matrix = confusion(model, *data.test, len(data.classes))
    record_evaluation(ctx, name, title, summary, trained, matrix, data)
    # The standardisation travels with the weights: a later task can feed the model new images.
    ctx.run.checkpoint(name, model, spec=spec | {"mean": data.mean, "std": data.std})
    return summary


def train(
    ctx: TaskContext,
    model: nn.Module,
    data: CifarData,
    label: str,
    config: TrainConfig,
    loss_fn: LossFn = F.cross_entropy,
    **fit_kwargs: Any,
) -> Trained:
    """Fit on the training images; the curves follow the validation images (the test images without a
    validation split); the final weights are scored on train, validation and test."""
    evals = {"val": data.val} if data.val else {"test": data.test}
    score = {"train": data.train, "val": data.val, "test": data.test}
    return train_and_score(
        ctx, model, data.train, config, label=label, evals=evals, score=score, loss_fn=loss_fn, **fit_kwargs
    )


def summarise(trained: Trained) -> dict[str, Any]:
    """Final numbers: accuracies from full eval-mode passes, the last epoch's running train accuracy (train
    mode: dropout on, batch statistics, augmented images), parameters and training time."""
    history = trained.history
    summary: dict[str, Any] = {"parameters": trained.parameters["total"], **trained.scores}
    summary["train_acc_running"] = history.last["train_acc"]
    summary["epochs"] = len(history)
    summary["train_seconds"] = trained.seconds
    summary["seconds_per_epoch"] = history.mean_epoch_seconds()
    return summary


def record_evaluation(
    ctx: TaskContext,
    name: str,
    title: str,
    summary: dict[str, Any],
    trained: Trained,
    matrix: np.ndarray,
    data: CifarData,
) -> None:
    """What the brief asks of a trained model: the accuracies, the parameters, the training time, and its
    evaluation image (learning curves and the test confusion matrix), with the recipe's history, per-epoch
    table and curve notes."""
    on, run = data.on, ctx.run
    run.metric("test_acc", summary["test_acc"], f"test accuracy ({on})")
    if "val_acc" in summary:
        run.metric("val_acc", summary["val_acc"], "validation accuracy")
    run.metric("train_acc", summary["train_acc"], "training accuracy (eval mode, full pass)")
    run.metric("parameters", summary["parameters"], "trainable parameters")
    run.metric(
        "train_seconds", summary["train_seconds"], f"training seconds, {summary['epochs']} epochs ({summary['device']})"
    )
    ctx.say(
        f"Test accuracy {summary['test_acc']:.2%} ({on}); {summary['parameters']:,} parameters; "
        f"{summary['train_seconds']:.1f} s of training for {summary['epochs']} epochs on {summary['device']}."
    )
    recipe.record(ctx, trained, name=name, title=title, headline=False, curves=False)
    run.figure(
        "evaluation",
        evaluation_image(trained.history, matrix, data.classes, title),
        caption=f"{title}: the evaluation image (learning curves; test confusion matrix, {on})",
    )
    run.array("confusion", matrix=matrix)
    run.table(
        "confusion",
        [
            {"true \\ predicted": c, **dict(zip(data.classes, map(int, row), strict=True))}
            for c, row in zip(data.classes, matrix, strict=True)
        ],
        title="Test confusion matrix (rows: true class, columns: predicted class)",
    )
    run.write_json("summary.json", summary)
    pairs = "; ".join(f"{t} taken for {p} {n} times" for t, p, n in most_confused(matrix, data.classes))
    ctx.say(f"Most frequent confusions on the test set: {pairs}.")


def measured_on(summary: dict[str, Any]) -> str:
    """Which copy of CIFAR-10 a recorded summary's accuracies were measured on, in words."""
    return summary.get("measured_on", "on CIFAR-10")


def earlier_summary(ctx: TaskContext, task: str) -> dict[str, Any] | None:
    """The summary of another tbmi26 task's finished run with this profile, or None (said in the output)."""
    folder = ctx.earlier_run(task)
    summary = load_json(folder / "summary.json") if folder else None
    if summary is None:
        ctx.say(f"No {ctx.profile}-profile run of tbmi26/{task} found: run it first for this comparison.")
    return summary
