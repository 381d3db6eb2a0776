"""tbmi26 Q6 and Q7: the Q4 CNN with dropout, and what dropout changes (in training and at test time)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from dlcourse.runs import load_checkpoint
from dlcourse.settings import setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.mixins import SizedTestSet
from dlcourse.suites.registry import task
from dlcourse.suites.tbmi26.cnn import CnnSettings, cifar_cnn, cnn_spec, describe
from dlcourse.suites.tbmi26.common import cifar10, earlier_summary, measured_on, standardise, train_and_evaluate


@dataclass(frozen=True)
class DropoutSettings(CnnSettings):
    dropout: float = setting(
        0.25, "probability of zeroing a unit, after each pooling and each dense hidden layer", min=0, max=0.95
    )


@task(
    "tbmi26/q6",
    "The Q4 CNN with dropout",
    brief=DropoutSettings(),
    quick=DropoutSettings(epochs=4, val_size=500),
    shows=("evaluation",),
)
def task_q6(ctx: TaskContext) -> None:
    s: DropoutSettings = ctx.settings
    data = cifar10(ctx)
    ctx.answer(
        f"Model: Q4's network ({describe(s)}) with one change: a dropout layer (p = {s.dropout:g}) after each "
        f"max-pooling layer and after the dense hidden layer, {len(s.filters) + len(s.dense)} in all. Dropout has "
        "no parameters, so the parameter count is Q4's."
    )
    spec = cnn_spec(s, dropout=s.dropout)
    title = f"CNN {list(s.filters)} + dropout {s.dropout:g}"
    train_and_evaluate(ctx, cifar_cnn(**spec), data, "cnn_dropout", title, spec=spec)


@dataclass(frozen=True)
class TestTimeSettings(SizedTestSet):
    """The test-time comparison reads only test images."""


@task(
    "tbmi26/q7",
    "Q4 against Q6: train, validation and test accuracy",
    brief=TestTimeSettings(),
    quick=TestTimeSettings(),
    reads=("q4", "q6"),
    shows=("q4_vs_q6", "test_time"),
)
def task_q7(ctx: TaskContext) -> None:
    plain, dropped = earlier_summary(ctx, "q4"), earlier_summary(ctx, "q6")
    if plain is None or dropped is None:
        return
    rows = []
    for name, summary in (("Q4 (no dropout)", plain), ("Q6 (dropout)", dropped)):
        rows.append(
            {
                "model": name,
                "train acc, running, train mode (%)": round(100 * summary["train_acc_running"], 2),
                "train acc, eval mode (%)": round(100 * summary["train_acc"], 2),
                "val acc (%)": round(100 * summary["val_acc"], 2) if "val_acc" in summary else "",
                "test acc (%)": round(100 * summary["test_acc"], 2),
                "train - test (points)": round(100 * (summary["train_acc"] - summary["test_acc"]), 2),
                "seconds per epoch": round(summary["seconds_per_epoch"], 2),
            }
        )
    ctx.run.table("q4_vs_q6", rows, title=f"Without and with dropout (accuracies {measured_on(plain)})")
    gap_plain, gap_dropped = (100 * (r["train_acc"] - r["test_acc"]) for r in (plain, dropped))
    ctx.run.metric("gap_without", gap_plain, "train - test accuracy without dropout (points)")
    ctx.run.metric("gap_with", gap_dropped, "train - test accuracy with dropout (points)")
    ctx.answer(
        f"Without dropout the network fits its training images to {plain['train_acc']:.2%} and scores "
        f"{plain['test_acc']:.2%} on the test set (a gap of {gap_plain:.1f} points); with dropout it reaches "
        f"{dropped['train_acc']:.2%} and {dropped['test_acc']:.2%} (a gap of {gap_dropped:.1f} points). "
        f"Validation: {plain.get('val_acc', float('nan')):.2%} against {dropped.get('val_acc', float('nan')):.2%}. "
        "Dropout zeroes a random subset of units at each step, so no unit can rely on particular others being "
        "there: the network has to learn redundant features and can memorise its training images less, "
        f"{'which the smaller gap shows' if gap_dropped < gap_plain else 'though here the gap did not shrink'}."
    )
    ctx.answer(
        f"The running training accuracy of the last epoch, measured with dropout on, is "
        f"{dropped['train_acc_running']:.2%} for Q6 against {dropped['train_acc']:.2%} when the same images are "
        "scored again in eval mode: during training each prediction is made by a random thinned network, so "
        "Q6's training curve understates what the network can do, and its validation curve can lie above it."
    )
    test_time(ctx)


def test_time(ctx: TaskContext) -> None:
    """At test time dropout is off; PyTorch's inverted dropout scales the kept units by 1 / (1 - p) during
    training, so the expected activation is the same in both modes and nothing needs rescaling at test time."""
    folder = ctx.earlier_run("q6")
    saved = load_checkpoint(folder / "cnn_dropout.pt")
    spec = saved["spec"]
    model = cifar_cnn(spec["filters"], spec["dense"], dropout=spec["dropout"])
    model.load_state_dict(saved["state_dict"])
    ds = ctx.load("cifar10")
    x, y = torch.as_tensor(standardise(ds.x_test, spec["mean"], spec["std"])), torch.as_tensor(ds.y_test)
    first_dropout = next(m for m in model.modules() if isinstance(m, nn.Dropout))
    sums = torch.zeros(3, dtype=torch.float64)  # zeros, sum, count of the first dropout layer's outputs

    def watch(_module, _inputs, out: torch.Tensor) -> None:
        sums.add_(torch.tensor([(out == 0).sum(), out.sum(), out.numel()], dtype=torch.float64))

    hook = first_dropout.register_forward_hook(watch)
    torch.manual_seed(ctx.seed)
    rows = []
    try:
        for mode in ("eval", "train"):
            model.train(mode == "train")
            sums.zero_()
            with torch.no_grad():
                predicted = torch.cat([model(x[i : i + 1000]).argmax(1) for i in range(0, len(x), 1000)])
            zeros, total, count = sums.tolist()
            rows.append(
                {
                    "mode": mode,
                    "dropout": "off" if mode == "eval" else f"on (p = {spec['dropout']:g})",
                    "zero units after the first dropout (%)": round(100 * zeros / count, 1),
                    "mean activation there": round(total / count, 4),
                    "test acc (%)": round(100 * float((predicted == y).float().mean()), 2),
                }
            )
    finally:
        hook.remove()
    ctx.run.table("test_time", rows, title="The Q6 network in eval mode (test time) and in train mode")
    eval_row, train_row = rows
    ratio = train_row["mean activation there"] / eval_row["mean activation there"]
    ctx.answer(
        f"What dropout does at test time: nothing. model.eval() switches it off, so every unit is used and the "
        f"prediction is deterministic ({eval_row['test acc (%)']}% test accuracy). Left on, it zeroes units "
        f"({train_row['zero units after the first dropout (%)']}% zeros after the first dropout layer against "
        f"{eval_row['zero units after the first dropout (%)']}% from the ReLU alone) and each prediction comes from "
        f"a random thinned network ({train_row['test acc (%)']}% test accuracy). The mean activation there is "
        f"{ratio:.3f} times its eval-mode value because the units kept in training are multiplied by 1 / (1 - p) = "
        f"{1 / (1 - spec['dropout']):.2f} (inverted dropout): the expected activation does not change, so the "
        "test-time network needs no rescaling and acts as the average of the thinned networks seen in training."
    )
