"""bath-a2 Task 6, shared by 6.1 (single-task CNNs) and 6.2 (one hard-parameter-sharing network).

Both tasks read the same images: task 1 is the item (10 classes), task 2 the brief's clothing group
(3 classes: shoes, "gendered", uni-sex). The single-task networks are the multi-task network cut to one
head, so the two can be compared layer for layer and parameter for parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from torch import nn

from dlcourse.data import channels_first, scale_unit
from dlcourse.data.dataset import Dataset
from dlcourse.data.labels import FASHION_GROUPS, fashion_group
from dlcourse.models import cnn, multitask
from dlcourse.settings import setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.mixins import DataSize, Scheduled
from dlcourse.suites.recipe import train_and_score
from dlcourse.train import per_head_accuracy
from dlcourse.train.losses import weighted_task_loss
from dlcourse.train.schedule import SCHEDULES

TASK_NAMES = ("item", "group")
CLASSES = {"item": 10, "group": len(FASHION_GROUPS)}


@dataclass(frozen=True)
class Task6Settings(DataSize, Scheduled):
    filters: tuple[int, ...] = setting((32, 64, 128), "conv filters, 3x3 'same', 2x2 max pooling after the first two")
    shared_dense: int = setting(
        3136, "the dense layer after flatten (brief: 3136; shared in 6.2; quick: 256, for a CPU)", min=1
    )
    head: tuple[int, ...] = setting((1024, 100), "dense layers of each task before its logits (brief: 1024, 100)")
    epochs: int = setting(5, "passes over the training set (brief: e.g. 5)", min=1)
    batch_size: int = setting(
        100, "images per Adam step (brief: e.g. 10; 100 costs 1/5.6 of the CPU time)", brief=10, min=1
    )
    lr: float = setting(1e-3, "Adam learning rate (brief: e.g. 0.001)", gt=0)
    lr_schedule: str = setting(
        "cosine",
        "cosine (decays to 0 over the run, so 5 epochs end converged) or constant (the brief's plain Adam)",
        brief="constant",
        choices=SCHEDULES,
    )


# The quick profile of 6.1 and 6.2: narrower dense layers, 2,000 images, the brief's constant Adam rate.
QUICK = dict(
    shared_dense=256, head=(128, 32), epochs=3, batch_size=50, lr_schedule="constant", train_size=2000, test_size=1000
)


@dataclass(frozen=True)
class SingleTaskSettings(Task6Settings):
    tune: bool = setting(False, "also run the FAQ's optional batch-size x learning-rate grid (on a validation split)")
    tune_batch_sizes: tuple[int, ...] = setting((10, 50, 250), "batch sizes of the grid")
    tune_lrs: tuple[float, ...] = setting((1e-3, 3e-4, 1e-4), "Adam learning rates of the grid")
    tune_epochs: int = setting(2, "epochs per grid trial", min=1)


@dataclass(frozen=True)
class MultiTaskSettings(Task6Settings):
    lambdas: tuple[float, ...] = setting((0.0, 0.25, 0.5, 0.75, 1.0), "task-1 loss weights (brief: 0, 0.5, 1 + two)")


def fashion_tasks(ds: Dataset) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Images as N x 1 x 28 x 28 in [0, 1] and labels as N x 2 (item, group), for train and test."""

    def split(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return channels_first(scale_unit(x)), np.stack([y, fashion_group(y)], axis=1)

    return split(ds.x_train, ds.y_train), split(ds.x_test, ds.y_test)


def single_task_cnn(s: Task6Settings, num_classes: int) -> nn.Sequential:
    """6.1: conv [32, 64, 128] 3x3 'same' with pooling after the first two, then dense [3136, 1024, 100, N]."""
    return cnn(
        s.filters,
        kernel_size=3,
        padding="same",
        pool_after=(0, 1),
        dense=(s.shared_dense, *s.head),
        num_classes=num_classes,
    )


def multitask_cnn(s: Task6Settings) -> nn.Module:
    """6.2: the same convolutions and 3136 layer shared, then [1024, 100, 10] and [1024, 100, 3] heads."""
    return multitask(s.filters, s.shared_dense, heads=[(*s.head, CLASSES[t]) for t in TASK_NAMES])


def largest_group_share(split: tuple[np.ndarray, np.ndarray]) -> float:
    """The accuracy of always answering the most common group: the group task's majority baseline."""
    groups = split[1][:, 1]
    return float(np.bincount(groups, minlength=len(FASHION_GROUPS)).max() / len(groups))


def say_budget(ctx: TaskContext, n_train: int, networks: int) -> None:
    """State the batch size and schedule chosen for a CPU budget, and how to get the brief's example values.

    The brief gives batch 10, lr 0.001 and 5 epochs as examples ("e.g."). At batch 10 the step of this
    23M-parameter network is bound by memory traffic (weights and Adam's state), so an epoch costs 180 s on
    2 cores of an Intel Xeon with AMX against 32 s at batch 100 in bf16 (bench/train_speed.py, workload W3).
    """
    s: Task6Settings = ctx.settings
    steps = -(-n_train // s.batch_size) * s.epochs * networks
    if s.batch_size != 10:  # why the departure the first page lists was chosen: a detail, for the appendix
        ctx.say(
            f"Batch {s.batch_size} with a {s.lr_schedule} learning rate instead of the brief's example batch 10: "
            "at batch 10 this network's step is bound by reading its 23M weights and Adam's state; measured on 2 "
            "cores of an Intel Xeon with AMX, an epoch took 180 s at batch 10 against 32 s at batch 100 "
            "(bench/train_speed.py, W3). "
            "`--batch-size 10 --set lr_schedule=constant` runs the brief's example values."
        )
    if ctx.device.type == "cpu" and steps > 20_000:
        ctx.say(
            f"{steps:,} Adam steps for {networks} networks on the CPU: expect hours (about 0.03 s a step on 2 "
            "cores at batch 10). A GPU (--device cuda) or a larger --batch-size takes minutes."
        )


def labels_of(split: tuple[np.ndarray, np.ndarray], task: str) -> tuple[np.ndarray, np.ndarray]:
    return split[0], split[1][:, TASK_NAMES.index(task)]


def single_task_rows(ctx: TaskContext, train, test) -> list[dict[str, Any]]:
    """Train one network per task; one row each with accuracies, size and time."""
    s: Task6Settings = ctx.settings
    rows = []
    ctx.plan(len(TASK_NAMES))
    for name in TASK_NAMES:
        model = single_task_cnn(s, CLASSES[name])
        trained = train_and_score(
            ctx, model, labels_of(train, name), ctx.config(), evals={"test": labels_of(test, name)}, label=name
        )
        history, final = trained.history, trained.scores
        ctx.run.history(name, history)
        rows.append(
            {
                "task": name,
                "classes": CLASSES[name],
                "train_acc": round(final["train_acc"], 4),
                "test_acc": round(final["test_acc"], 4),
                "parameters": trained.parameters["total"],
                "train_seconds": round(trained.seconds, 1),
                "history": history,
                "model": model,
            }
        )
    return rows


def multitask_row(ctx: TaskContext, lam: float, train, test) -> dict[str, Any]:
    """Train the shared network with loss = lam * L(item) + (1 - lam) * L(group)."""
    s: MultiTaskSettings = ctx.settings
    model = multitask_cnn(s)
    trained = train_and_score(
        ctx, model, train, ctx.config(), label=f"lambda={lam:g}", evals={"test": test}, score={},
        loss_fn=weighted_task_loss(lam), metrics=per_head_accuracy(*TASK_NAMES),
    )  # fmt: skip
    final = trained.history.last  # the test set is scored, head by head, after the last epoch
    return {
        "lambda": lam,
        "item_test_acc": round(final["test_acc_item"], 4),
        "group_test_acc": round(final["test_acc_group"], 4),
        "parameters": trained.parameters["total"],
        "train_seconds": round(trained.seconds, 1),
        "history": trained.history,
    }
