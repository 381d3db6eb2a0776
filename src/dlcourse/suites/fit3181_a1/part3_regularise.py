"""fit3181-a1 Questions 3.5-3.7 and 3.10: augmentation with early stopping, mixup, and SAM, each compared with
the same model trained without it (same spec, seed, data order and initial weights)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from dlcourse.plots.curves import learning_curves
from dlcourse.settings import setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.fit3181_a1.part3_common import (
    BEST_MODEL,
    CnnSettings,
    Images,
    Trained,
    best_spec,
    comparison_row,
    describe,
    prepare,
    save_model,
    train_model,
)
from dlcourse.suites.registry import task
from dlcourse.suites.spread import mean_std, paired_noise

QUICK = dict(width=8, epochs=2, batch_size=64, train_size=2000, test_size=500, seeds=1)

Runs = dict[str, list[Trained]]  # each variant's runs, one per seed


def compare(
    ctx: TaskContext, data: Images, spec: dict[str, Any], lr: float, variants: dict[str, dict[str, Any]], title: str
) -> Runs:
    """Train each variant (keyword arguments of `train_model`) once per seed, the same seeds for every
    variant, so each seed's runs start from the same weights and data order. Record a table with one row per
    variant (mean ± std over the seeds) and one per run, the first seed's curves and every history; save the
    single run with the best validation accuracy for later tasks; return the runs by variant."""
    seeds: int = ctx.settings.seeds
    results: Runs = {}
    ctx.plan(seeds * len(variants))
    for name, options in variants.items():
        results[name] = []
        for k in range(seeds):
            label = name if seeds == 1 else f"{name}, seed {k}"
            trained = train_model(ctx, data, spec, label, lr=lr, seed=ctx.seed + k, **options)
            ctx.run.history(label, trained.history)
            results[name].append(trained)
    ctx.run.table(
        "comparison",
        [summary_row(name, runs) for name, runs in results.items()],
        title=f"{title}: {describe(spec)}, lr {lr:g}" + (f"; mean ± std over {seeds} seeds" if seeds > 1 else ""),
    )
    if seeds > 1:
        rows = [comparison_row(f"{name}, seed {k}", t, t.scores) for name, runs in results.items()
                for k, t in enumerate(runs)]  # fmt: skip
        ctx.run.table("comparison_runs", rows, title=f"{title}: every run")
    first = {name: runs[0].history for name, runs in results.items()}
    caption = f"{title}: learning curves" + (" (the first seed of each)" if seeds > 1 else "")
    ctx.run.figure("curves", learning_curves(first, title), caption=caption)
    name, best = max(((n, t) for n, runs in results.items() for t in runs), key=lambda nt: nt[1].scores["val_acc"])
    save_model(ctx, BEST_MODEL, best.model, spec, val_acc=best.scores["val_acc"], variant=name)
    for key in ("val_acc", "test_acc"):
        for name, runs in results.items():
            values = [t.scores[key] for t in runs]
            split = key.replace("_acc", "")
            ctx.run.metric(f"{key}_{name.replace(' ', '_')}", statistics.mean(values), f"{split} accuracy, {name}")
    return results


def summary_row(name: str, runs: list[Trained]) -> dict[str, Any]:
    """One variant's row: its single run as `comparison_row` gives it, or the mean ± std of its runs."""
    if len(runs) == 1:
        return comparison_row(name, runs[0], runs[0].scores)
    per_run = [comparison_row(name, t, t.scores) for t in runs]
    row: dict[str, Any] = {"model": name, "runs": len(runs)}
    for column in ("epochs", "train acc (%)", "val acc (%)", "test acc (%)", "train-val gap", "seconds"):
        row[column] = mean_std([r[column] for r in per_run])
    return row


def verdict(results: Runs, with_: str, without: str) -> str:
    """The test accuracy of two variants and their difference, with the train-validation gaps; over several
    seeds, the difference is the mean of the paired (same-seed) differences, called within seed noise when it
    is smaller than twice its standard error."""
    a, b = results[with_], results[without]
    test_a, test_b = ([100 * t.scores["test_acc"] for t in runs] for runs in (a, b))
    gap_a, gap_b = (statistics.mean(100 * (t.scores["train_acc"] - t.scores["val_acc"]) for t in r) for r in (a, b))
    change = [x - y for x, y in zip(test_a, test_b, strict=True)]
    mean_a, mean_b, mean_change = statistics.mean(test_a), statistics.mean(test_b), statistics.mean(change)
    said = (
        f"{with_[0].upper() + with_[1:]}: test {mean_a:.2f}%; {without}: test {mean_b:.2f}%, a change of "
        f"{mean_change:+.2f} points. The train-validation gap is {gap_a:.1f} points {with_} and {gap_b:.1f} {without}."
    )
    if len(change) == 1:
        return said + " One seed each: differences under about a point are within seed noise."
    noise = paired_noise(change)
    judged = "within seed noise" if abs(mean_change) < noise else "larger than seed noise"
    return said + (
        f" Over {len(change)} seeds the paired differences are {', '.join(f'{d:+.2f}' for d in change)}: "
        f"the change is {judged} (twice its standard error is {noise:.2f} points)."
    )


@dataclass(frozen=True)
class Seeded(CnnSettings):
    seeds: int = setting(3, "runs per variant, each with its own seed; the table gives mean ± std", min=1)


@dataclass(frozen=True)
class AugmentSettings(Seeded):
    epochs: int = setting(50, "most passes over the training set; early stopping usually ends sooner", min=1)
    patience: int = setting(3, "stop after this many epochs without a better validation accuracy (brief 3.5)", min=1)


@task(
    "fit3181-a1/3.5-3.6",
    "Data augmentation (random crop, flip) with early stopping, against no augmentation",
    brief=AugmentSettings(),
    quick=AugmentSettings(**QUICK | {"epochs": 4, "patience": 1}),
    reads=("3.4",),
)
def task_3_5(ctx: TaskContext) -> None:
    s: AugmentSettings = ctx.settings
    data = prepare(ctx)
    spec, lr, source = best_spec(ctx)
    ctx.say(f"Model: {source}.")
    variants = {"no augmentation": dict(patience=s.patience), "augmentation": dict(patience=s.patience, augment=True)}
    results = compare(ctx, data, spec, lr, variants, "Augmentation with early stopping")
    for name, runs in results.items():
        ended = [f"stopped after epoch {t.stopper.stopped_epoch}" if t.stopper.stopped_epoch else "ran all its epochs"
                 for t in runs]  # fmt: skip
        best = ", ".join(str(t.stopper.best_epoch) for t in runs)
        ctx.say(
            f"{name[0].upper() + name[1:]}: {'; '.join(ended)}; the weights of the best validation epoch "
            f"({best}) were restored."
        )
    ctx.say(
        "Augmentation: each training batch is randomly shifted by up to 4 pixels (zero padding, then a random crop "
        "of the original size) and half its images are mirrored left to right, on the device, per batch. Early "
        f"stopping ends training once validation accuracy has not improved for {s.patience} epoch(s) in a row and "
        "restores the best epoch's weights. " + verdict(results, "augmentation", "no augmentation")
    )


@dataclass(frozen=True)
class MixupSettings(Seeded):
    alpha: float = setting(0.2, "mixup's Beta(α, α) parameter (Zhang et al.: 0.2 on ImageNet, 1 on CIFAR-10)", gt=0)
    augment: bool = setting(True, "crop-and-flip augmentation in both runs, as 3.5 found it (our choice)")


@task(
    "fit3181-a1/3.7",
    "Mixup against no mixup",
    brief=MixupSettings(),
    quick=MixupSettings(**QUICK),
    reads=("3.4",),
)
def task_3_7(ctx: TaskContext) -> None:
    s: MixupSettings = ctx.settings
    data = prepare(ctx)
    spec, lr, source = best_spec(ctx)
    ctx.say(f"Model: {source}; the weights of the best validation epoch are kept in both runs.")
    base = dict(augment=s.augment, keep_best=True)
    variants = {"no mixup": base, "mixup": base | {"mixup_alpha": s.alpha}}
    results = compare(ctx, data, spec, lr, variants, f"Mixup (α = {s.alpha:g})")
    ctx.say(
        f"Mixup trains on λx_i + (1-λ)x_j with targets λy_i + (1-λ)y_j, one λ ~ Beta({s.alpha:g}, {s.alpha:g}) per "
        "batch and j a shuffled partner in the same batch. Its training accuracy (against the larger of the two "
        "labels) and loss are not comparable with the plain run's. " + verdict(results, "mixup", "no mixup")
    )


@dataclass(frozen=True)
class SamSettings(Seeded):
    rho: float = setting(0.05, "SAM's neighbourhood radius ρ (Foret et al.: 0.05 for CIFAR-10)", gt=0)
    augment: bool = setting(True, "crop-and-flip augmentation in both runs (our choice)")


@task(
    "fit3181-a1/3.10",
    "SAM (sharpness-aware minimisation) against the base optimiser",
    brief=SamSettings(),
    quick=SamSettings(**QUICK),
    reads=("3.4",),
)
def task_3_10(ctx: TaskContext) -> None:
    s: SamSettings = ctx.settings
    data = prepare(ctx)
    spec, lr, source = best_spec(ctx)
    ctx.say(f"Model: {source}; Adam is the base optimiser; the best validation epoch's weights are kept.")
    base = dict(augment=s.augment, keep_best=True)
    results = compare(ctx, data, spec, lr, {"Adam": base, "SAM": base | {"sam_rho": s.rho}}, f"SAM (ρ = {s.rho:g})")
    seconds = {name: statistics.mean(t.history.mean_epoch_seconds() for t in runs) for name, runs in results.items()}
    ctx.say(
        "SAM (train.sam.SAM, written by hand) first climbs to w + ρg/||g|| (first_step), takes the gradient there, "
        "then returns to w and lets Adam step with it (second_step); batch-norm running statistics are updated in "
        f"the first pass only. Each step costs two forward-backward passes: {seconds['SAM']:.1f} s per epoch "
        f"against {seconds['Adam']:.1f} s. " + verdict(results, "SAM", "Adam")
    )
