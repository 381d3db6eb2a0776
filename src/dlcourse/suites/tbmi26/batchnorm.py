"""tbmi26 Q8 and Q9: the Q4 CNN with batch norm, and what the minibatch size does to batch norm."""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import torch
from torch import nn

from dlcourse.analysis.batchnorm import batch_statistic_error, channel_moments
from dlcourse.device import seed_everything
from dlcourse.plots.evaluation import column_by_run
from dlcourse.settings import setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.registry import task
from dlcourse.suites.tbmi26.cnn import CnnSettings, cifar_cnn, cnn_spec, describe
from dlcourse.suites.tbmi26.common import cifar10, summarise, train, train_and_evaluate
from dlcourse.train import History

STATISTICS_IMAGES = 10_000  # training images whose batch statistics are compared with their overall ones


@task(
    "tbmi26/q8",
    "The Q4 CNN with batch norm",
    brief=CnnSettings(),
    quick=CnnSettings(epochs=4, val_size=500),
    shows=("evaluation",),
)
def task_q8(ctx: TaskContext) -> None:
    s: CnnSettings = ctx.settings
    data = cifar10(ctx)
    ctx.say(
        f"Model: Q4's network ({describe(s)}) with a BatchNorm2d layer between each convolution and its ReLU: "
        "each channel is standardised with the mean and variance of the current minibatch (running averages of "
        "them at test time), then scaled and shifted by two learned numbers per channel."
    )
    spec = cnn_spec(s, batch_norm=True)
    train_and_evaluate(ctx, cifar_cnn(**spec), data, "cnn_batchnorm", f"CNN {list(s.filters)} + batch norm", spec)


@dataclass(frozen=True)
class BatchSizeSettings(CnnSettings):
    batch_sizes: tuple[int, ...] = setting((8, 32, 128, 512), "minibatch sizes to compare (brief Q9)")
    epochs: int = setting(5, "passes over the training images, the same for every batch size", min=1)


@task(
    "tbmi26/q9",
    "Batch norm and the minibatch size",
    brief=BatchSizeSettings(),
    quick=BatchSizeSettings(epochs=2, train_size=2000, val_size=200),
    shows=("batch_sizes",),
)
def task_q9(ctx: TaskContext) -> None:
    s: BatchSizeSettings = ctx.settings
    data = cifar10(ctx)
    spec = cnn_spec(s, batch_norm=True)
    ctx.say(
        f"Q8's network trained once per batch size ({', '.join(map(str, s.batch_sizes))}), each for {s.epochs} "
        f"epochs from the same initial weights with Adam at lr {s.lr:g} ({s.lr_schedule}): only the batch size "
        "changes, so smaller batches take more, noisier steps per epoch."
    )
    rows, histories = [], {}
    # The statistics batch norm meets in training are those of training batches.
    x_probe = torch.as_tensor(data.train[0][:STATISTICS_IMAGES])
    ctx.plan(len(s.batch_sizes))
    for b in s.batch_sizes:
        seed_everything(ctx.seed)
        model = cifar_cnn(**spec)
        trained = train(ctx, model, data, f"batch-{b}", ctx.config(batch_size=b))
        history = trained.history
        histories[f"batch {b}"] = history
        ctx.run.history(f"batch-{b}", history)
        summary = summarise(trained)
        moments = first_norm_moments(model, x_probe)
        errors = (
            batch_statistic_error(moments, b, torch.Generator().manual_seed(ctx.seed)) if b <= len(moments) else None
        )
        rows.append(
            {
                "batch size": b,
                "steps per epoch": math.ceil(len(data.train[1]) / b),
                "seconds per epoch": round(history.mean_epoch_seconds(), 2),
                "val acc (%)": round(100 * summary["val_acc"], 2) if "val_acc" in summary else "",
                "test acc, eval mode (%)": round(100 * summary["test_acc"], 2),
                "test acc, batch statistics (%)": round(100 * batch_statistics_accuracy(model, data.test, b), 2),
                "batch mean error (std units)": round(errors[0], 4) if errors else "",
                "batch variance error (relative)": round(errors[1], 4) if errors else "",
            }
        )
    record_batch_sizes(ctx, s, rows, histories, data.on)


def record_batch_sizes(
    ctx: TaskContext, s: BatchSizeSettings, rows: list[dict], histories: dict[str, History], on: str
) -> None:
    ctx.run.table("batch_sizes", rows, title=f"Batch norm CNN by minibatch size (test accuracy {on})")
    column = "val_acc" if "val_acc" in next(iter(histories.values())).last else "train_acc"
    ctx.run.figure(
        "curves",
        column_by_run(histories, column, "validation accuracy (%)" if column == "val_acc" else "train accuracy (%)"),
        caption="Validation accuracy per epoch for each batch size",
    )
    for row in rows:
        ctx.run.metric(
            f"test_acc_batch_{row['batch size']}",
            row["test acc, eval mode (%)"] / 100,
            f"test accuracy, batch {row['batch size']}",
        )
    small, large = rows[0], rows[-1]
    best = max(rows, key=lambda r: r["test acc, eval mode (%)"])
    measured = [r for r in rows if r["batch mean error (std units)"] != ""]
    few, many = measured[0], measured[-1]
    ctx.answer(
        f"Noise: batch norm standardises with the batch's own mean and variance. With {few['batch size']} "
        f"images the batch mean of a first-layer channel is off by {few['batch mean error (std units)']} "
        f"standard deviations on average and the variance by {100 * few['batch variance error (relative)']:.0f}%; "
        f"with {many['batch size']} images by {many['batch mean error (std units)']} and "
        f"{100 * many['batch variance error (relative)']:.0f}% (about 1 / sqrt(batch size)). Each image's "
        "normalised value thus depends on which other images share its batch: noise that regularises a little "
        "in moderation and destabilises training when batches are small."
    )
    ctx.answer(
        f"Train/test mismatch: at test time the running averages replace the batch statistics. Scoring the test "
        f"set with batch statistics instead gives {small['test acc, batch statistics (%)']}% with "
        f"batches of {small['batch size']} against {small['test acc, eval mode (%)']}% in eval mode; with batches "
        f"of {large['batch size']}: {large['test acc, batch statistics (%)']}% against "
        f"{large['test acc, eval mode (%)']}%. A network trained on tiny batches learned to work with noisy "
        "statistics and meets different, exact ones at test time; with a batch of 1 after a dense layer the "
        "variance cannot be estimated at all (PyTorch refuses it)."
    )
    ctx.answer(
        f"Large batches: {large['batch size']} images give {large['steps per epoch']} steps per epoch against "
        f"{small['steps per epoch']} for {small['batch size']}, so in the same {s.epochs} epochs the weights are "
        f"updated far fewer times ({large['test acc, eval mode (%)']}% test accuracy against "
        f"{best['test acc, eval mode (%)']}% for the best size here, {best['batch size']}), and large batches need "
        "memory and a retuned learning rate. Small batches: noisy statistics and slow epochs "
        f"({small['seconds per epoch']} s per epoch against {large['seconds per epoch']} s). A moderate batch "
        "(tens to a few hundred images) avoids both; where memory forces tiny batches, group or layer norm, "
        "which do not depend on the batch, are the usual way out (Wu and He, 'Group Normalization', 2018)."
    )


def first_norm_moments(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Per-image channel moments (see `channel_moments`) of what the first batch-norm layer receives."""
    norm = next(m for m in model.modules() if isinstance(m, nn.BatchNorm2d))
    seen: list[torch.Tensor] = []
    hook = norm.register_forward_hook(lambda _m, inputs, _out: seen.append(channel_moments(inputs[0]).cpu()))
    model.eval()
    try:
        with torch.no_grad():
            for i in range(0, len(x), 1000):
                model(x[i : i + 1000].to(next(model.parameters()).device))
    finally:
        hook.remove()
    return torch.cat(seen)


def batch_statistics_accuracy(model: nn.Module, test, batch_size: int) -> float:
    """Test accuracy with batch norm in train mode: every batch of `batch_size` test images is normalised with
    its own statistics (on a copy, so the model's running averages are untouched)."""
    probe = copy.deepcopy(model).train()
    device = next(probe.parameters()).device
    x, y = torch.as_tensor(test[0]), torch.as_tensor(test[1])
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch_size):
            correct += int((probe(x[i : i + batch_size].to(device)).argmax(1).cpu() == y[i : i + batch_size]).sum())
    return correct / len(x)
