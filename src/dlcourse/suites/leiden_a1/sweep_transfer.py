"""leiden-a1 Task 1's transfer: the best settings of each search retrained on the whole Fashion-MNIST training
set and on the transfer dataset (CIFAR-10), and scored on each test set."""

from __future__ import annotations

from pathlib import Path

from dlcourse import data
from dlcourse.data.registry import CIFAR10_JPEG_NOTE
from dlcourse.errors import DataNotFound
from dlcourse.plots.sweep import paired_bars
from dlcourse.suites.context import TaskContext
from dlcourse.suites.leiden_a1.sweep_notes import pct, setting_text, succeeded, test_of, transfer_notes
from dlcourse.suites.leiden_a1.sweep_settings import SweepSettings, data_source, final_epochs, sweep_trials
from dlcourse.sweep import make_trial
from dlcourse.sweep.summary import ranked
from dlcourse.train.classify import check

ORIGINAL_CIFAR10_MEANS = (125.31, 122.95, 113.87)  # training-set channel means of the original CIFAR-10 bytes


def transfer(ctx: TaskContext, searched: dict, path: Path, context: dict, workers: int) -> list[dict]:
    """The top settings of each network, retrained on the whole Fashion-MNIST training set and on the transfer
    dataset, and scored on each test set."""
    s: SweepSettings = ctx.settings
    target, target_source = transfer_target(ctx)
    chosen = {net: [r for r in ranked(records) if succeeded(r)][: s.top] for net, records in searched.items()}
    trials = []
    for net, records in chosen.items():
        epochs = final_epochs(s, net)
        for rank, record in enumerate(records, start=1):
            for dataset, source in (("fashion-mnist", record["config"]["source"]), (target, target_source)):
                config = {**record["config"], "dataset": dataset, "source": source, "holdout": 0, "epochs": epochs}
                trials.append(make_trial(config, {"network": net, "rank": str(rank), **record["params"]}))
    ctx.say(f"{target} data: " + "; ".join(check([t.config for t in trials], context["data_dir"])[target]), "data")
    finals = sweep_trials(ctx, "final", trials, path, context, workers, "none")  # the final models train to the end
    by_trial = {r["trial"]: r for r in finals}
    rows, scores = [], {}
    for net, records in chosen.items():
        for rank, record in enumerate(records, start=1):
            fashion, other = (
                by_trial[t.id] for t in trials if t.params["network"] == net and t.params["rank"] == str(rank)
            )
            scores[(net, rank)] = (record["metrics"]["val_acc"], test_of(fashion), test_of(other))
            rows.append(
                {
                    "network": net.upper(),
                    "rank": rank,
                    "setting": setting_text(record),
                    "fashion-mnist val acc (%)": pct(record["metrics"]["val_acc"]),
                    "fashion-mnist test acc (%)": pct(test_of(fashion)),
                    f"{target} test acc (%)": pct(test_of(other)),
                    "parameters on " + target: (other["metrics"] or {}).get("parameters", ""),
                }
            )
    epochs = " / ".join(f"{final_epochs(s, net)} ({net.upper()})" for net in chosen) + " epochs"
    ctx.run.table(
        "transfer", rows, title=f"The best settings on all training images, {epochs}: Fashion-MNIST vs {target}"
    )
    labels = [f"{net.upper()} #{rank}" for net, rank in scores]
    series = {"fashion-mnist": [v[1] for v in scores.values()], target: [v[2] for v in scores.values()]}
    ctx.run.figure(
        "transfer",
        paired_bars(
            labels, series, f"Test accuracy of the same settings on Fashion-MNIST and {target}", "test accuracy (%)"
        ),
        caption="The top settings of each search (#1 = best on Fashion-MNIST validation), retrained per dataset",
    )
    for net in chosen:
        if (net, 1) in scores:
            ctx.run.metric(
                f"best_{net}_test_acc", scores[(net, 1)][1], f"Fashion-MNIST test accuracy, best {net.upper()}"
            )
            ctx.run.metric(
                f"best_{net}_{target}_test_acc", scores[(net, 1)][2], f"{target} test accuracy, best {net.upper()}"
            )
    for text in transfer_notes(scores, target):
        ctx.answer(text)
    if target == "cifar10":
        text, lossless = cifar_copy_note(ctx, target_source)
        if lossless:
            ctx.say(text)
        else:
            ctx.disclose(text)
    return finals


def transfer_target(ctx: TaskContext) -> tuple[str, str]:
    s: SweepSettings = ctx.settings
    source = data_source(ctx, s.transfer)
    if source == "full":
        return s.transfer, "full"
    try:
        data.load_sample(s.transfer)
        return s.transfer, "sample"
    except DataNotFound:
        ctx.disclose(
            f"{s.transfer} is not on disk and ships no sample, so this quick run transfers to the bundled MNIST sample "
            f"instead; its numbers say nothing about {s.transfer}. Pass --data-dir with {s.transfer} to run it."
        )
        return "mnist", "sample"


def cifar_copy_note(ctx: TaskContext, source: str) -> tuple[str, bool]:
    """Which CIFAR-10 the transfer read, and whether it was the lossless original (else a copy or a sample that
    stood in for it)."""
    if source == "sample":
        ds = data.load_sample("cifar10")
        return (
            f"CIFAR-10 here is the bundled sample ({len(ds.y_train):,} train / {len(ds.y_test):,} test images, cut "
            "from the course's lossy JPEG copy): a smoke test, not a CIFAR-10 result. Pass --data-dir to run on "
            "all of it.",
            False,
        )
    ds = data.load("cifar10", data_dir=ctx.data_dir, download=False, quiet=True)
    if CIFAR10_JPEG_NOTE not in ds.notes:
        return f"CIFAR-10 read from {Path(ds.source).name} (lossless).", True  # no folder of this machine in a report
    means = ds.x_train.reshape(-1, 3).mean(axis=0)
    return (
        f"CIFAR-10 here is decoded from a JPEG copy ({Path(ds.source).name}), so it is lossy: its training-set channel "
        "means are "
        f"{', '.join(f'{m:.2f}' for m in means)} against {', '.join(f'{m:.2f}' for m in ORIGINAL_CIFAR10_MEANS)} in "
        "the original, and a reference model that reaches 94% on the original CIFAR-10 (airbench94) reaches about "
        "90.7% on this copy. Compare these CIFAR-10 accuracies with others run on the same copy.",
        False,
    )
