"""fit3181-a1 Questions 3.5-3.7 and 3.10: augmentation with early stopping, mixup, and SAM, each compared with
the same model trained without it (same spec, seed, data order and initial weights)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from dlcourse.settings import setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.fit3181_a1.part3_common import BEST_PROFILE, best_spec, prepare
from dlcourse.suites.fit3181_a1.part3_compare import Seeded, compare, verdict
from dlcourse.suites.registry import task

QUICK = dict(width=8, epochs=2, batch_size=64, train_size=2000, test_size=500, seeds=1)


@dataclass(frozen=True)
class AugmentSettings(Seeded):
    epochs: int = setting(50, "most passes over the training set; early stopping usually ends sooner", min=1)
    patience: int = setting(3, "stop after this many epochs without a better validation accuracy (brief 3.5)", min=1)


@task(
    "fit3181-a1/3.5-3.6",
    "Data augmentation (random crop, flip) with early stopping, against no augmentation",
    brief=AugmentSettings(),
    quick=AugmentSettings(**QUICK | {"epochs": 4, "patience": 1}),
    best=AugmentSettings(**BEST_PROFILE),
    reads=("3.4",),
    shows=("comparison",),  # the table answers; the curves are in the appendix
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
    ctx.answer(
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
    best=MixupSettings(**BEST_PROFILE),
    reads=("3.4",),
    shows=("comparison",),  # the table answers; the curves are in the appendix
)
def task_3_7(ctx: TaskContext) -> None:
    s: MixupSettings = ctx.settings
    data = prepare(ctx)
    spec, lr, source = best_spec(ctx)
    ctx.say(f"Model: {source}; the weights of the best validation epoch are kept in both runs.")
    base = dict(augment=s.augment, keep_best=True)
    variants = {"no mixup": base, "mixup": base | {"mixup_alpha": s.alpha}}
    results = compare(ctx, data, spec, lr, variants, f"Mixup (α = {s.alpha:g})")
    ctx.answer(
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
    best=SamSettings(**BEST_PROFILE),
    reads=("3.4",),
    shows=("comparison",),
)
def task_3_10(ctx: TaskContext) -> None:
    s: SamSettings = ctx.settings
    data = prepare(ctx)
    spec, lr, source = best_spec(ctx)
    ctx.say(f"Model: {source}; Adam is the base optimiser; the best validation epoch's weights are kept.")
    base = dict(augment=s.augment, keep_best=True)
    results = compare(ctx, data, spec, lr, {"Adam": base, "SAM": base | {"sam_rho": s.rho}}, f"SAM (ρ = {s.rho:g})")
    seconds = {name: statistics.mean(t.history.mean_epoch_seconds() for t in runs) for name, runs in results.items()}
    ctx.answer(
        "SAM (train.sam.SAM, written by hand) first climbs to w + ρg/||g|| (first_step), takes the gradient there, "
        "then returns to w and lets Adam step with it (second_step); batch-norm running statistics are updated in "
        f"the first pass only. Each step costs two forward-backward passes: {seconds['SAM']:.1f} s per epoch "
        f"against {seconds['Adam']:.1f} s. " + verdict(results, "SAM", "Adam")
    )
