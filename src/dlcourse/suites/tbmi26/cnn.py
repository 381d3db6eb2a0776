"""tbmi26 Q4 and Q5: a CNN on CIFAR-10, and why it beats the fully connected network with fewer parameters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from torch import nn

from dlcourse.models import cnn
from dlcourse.settings import Settings, setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.registry import task
from dlcourse.suites.tbmi26.common import TrainSettings, cifar10, earlier_summary, train_and_evaluate
from dlcourse.suites.tbmi26.observations import cnn_against_dense, computation_sentence, why_convolutions


@dataclass(frozen=True)
class CnnSettings(TrainSettings):
    filters: tuple[int, ...] = setting((32, 64, 128), "3x3 conv filters per block; each block ends in 2x2 max pooling")
    dense: tuple[int, ...] = setting((128,), "dense hidden layers between the conv blocks and the logits")
    epochs: int = setting(15, "passes over the training images", min=1)


def cifar_cnn(
    filters: Sequence[int], dense: Sequence[int], batch_norm: bool = False, dropout: float = 0.0
) -> nn.Sequential:
    """The Q4 network; Q6 adds dropout to it and Q8 batch norm, nothing else. `cifar_cnn(**spec)` rebuilds
    a saved one."""
    return cnn(
        filters,
        kernel_size=3,
        padding=1,
        pool_after=range(len(filters)),
        dense=dense,
        in_shape=(3, 32, 32),
        batch_norm=batch_norm,
        dropout=dropout,
    )


def cnn_spec(s: CnnSettings, batch_norm: bool = False, dropout: float = 0.0) -> dict:
    return {"filters": s.filters, "dense": s.dense, "batch_norm": batch_norm, "dropout": dropout}


def describe(s: CnnSettings) -> str:
    size = 32
    shapes = []
    for width in s.filters:
        size //= 2
        shapes.append(f"{width}x{size}x{size}")
    return (
        f"{len(s.filters)} blocks of [3x3 conv ('same' padding), ReLU, 2x2 max pooling] with "
        f"{', '.join(map(str, s.filters))} filters (maps {' -> '.join(shapes)}), flatten, dense "
        f"{', '.join(map(str, s.dense))} with ReLU, dense 10. Adam, lr {s.lr:g} ({s.lr_schedule}), batch "
        f"{s.batch_size}, {s.epochs} epochs, no augmentation"
    )


@task(
    "tbmi26/q4",
    "A CNN above 62% test accuracy",
    brief=CnnSettings(),
    quick=CnnSettings(epochs=4, val_size=500),
    target=("test_acc", ">=", 0.62),
    shows=("evaluation",),
)
def task_q4(ctx: TaskContext) -> None:
    s: CnnSettings = ctx.settings
    data = cifar10(ctx)
    ctx.answer(f"Model: {describe(s)}.")
    spec = cnn_spec(s)
    train_and_evaluate(ctx, cifar_cnn(**spec), data, "cnn", f"CNN {list(s.filters)}", spec=spec)


@dataclass(frozen=True)
class NoSettings(Settings):
    """Nothing to set: the task compares runs of earlier tasks."""


@task(
    "tbmi26/q5",
    "CNN against the fully connected network",
    brief=NoSettings(),
    quick=NoSettings(),
    reads=("q2", "q4"),
    shows=("cnn_vs_dense",),
)
def task_q5(ctx: TaskContext) -> None:
    dense, conv = earlier_summary(ctx, "q2"), earlier_summary(ctx, "q4")
    if dense is None or conv is None:
        return
    rows = []
    for name, summary in (("fully connected (Q2)", dense), ("CNN (Q4)", conv)):
        millions = summary["parameters"] / 1e6
        rows.append(
            {
                "model": name,
                "parameters": summary["parameters"],
                "test acc (%)": round(100 * summary["test_acc"], 2),
                "test acc per million parameters (%)": round(100 * summary["test_acc"] / millions, 2),
                "train acc (%)": round(100 * summary["train_acc"], 2),
                "seconds per epoch": round(summary["seconds_per_epoch"], 2),
            }
        )
    ctx.run.table("cnn_vs_dense", rows, title="CNN against fully connected network")
    ratio = dense["parameters"] / conv["parameters"]
    gain = 100 * (conv["test_acc"] - dense["test_acc"])
    ctx.run.metric("parameter_ratio", ratio, "fully connected parameters / CNN parameters")
    ctx.run.metric("accuracy_gain", gain, "CNN test accuracy minus fully connected (points)")
    per_million = (rows[1]["test acc per million parameters (%)"], rows[0]["test acc per million parameters (%)"])
    ctx.answer(cnn_against_dense(conv, dense, per_million))
    ctx.answer(why_convolutions(conv, dense))
    ctx.say(computation_sentence(conv, dense))
