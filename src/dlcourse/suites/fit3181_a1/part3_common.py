"""What the fit3181-a1 Part 3 tasks share: the images (STL-10, or CIFAR-10 when STL-10 is not on disk), the
configurable model (the brief's `YourModel`), one training call with every option the part uses, and the
hand-over of the best model between tasks.

Model selection always uses the validation split held out of the training set; the test set is scored
for the chosen model only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from dlcourse.attacks import Attack, adversarial_batches
from dlcourse.data import DATASETS, channel_stats, channels_first, scale_unit
from dlcourse.data.dataset import Dataset
from dlcourse.data.splits import validation_split
from dlcourse.errors import DataNotFound
from dlcourse.models import image_classifier, parameter_counts
from dlcourse.runs import load_checkpoint, load_json
from dlcourse.settings import setting
from dlcourse.suites import recipe
from dlcourse.suites.context import TaskContext
from dlcourse.suites.mixins import DataSize, Training
from dlcourse.train.augment import flip_and_crop
from dlcourse.train.callbacks import EarlyStopping
from dlcourse.train.mixup import Mixup
from dlcourse.train.transforms import chain, on_images

Split = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class CnnSettings(DataSize, Training):
    """The model spec and training settings every Part 3 task has (the brief leaves them to us)."""

    num_blocks: int = setting(3, "conv blocks, each halving the resolution (brief 3.4 tries 2, 3, 4)", min=1, max=6)
    width: int = setting(
        32,
        "channels of the first block, doubled in each further block (our choice: an epoch of 4,500 images costs "
        "0.8 s at width 16, 1.7 s at 32 and 4.1 s at 64 on two CPU cores)",
        min=1,
    )
    use_skip: bool = setting(True, "residual skip connection in every block (brief 3.3)")
    dropout: float = setting(0.1, "dropout rate after every block (our choice)", min=0, max=0.9)
    epochs: int = setting(20, "passes over the training set (our choice)", min=1)
    lr: float = setting(1e-3, "Adam learning rate (brief 3.4 tries 1e-3 and 1e-4)", gt=0)
    val_fraction: float = setting(0.1, "share of the training set held out for validation", gt=0, max=0.5)
    train_size: int | None = setting(None, "class-balanced training images to use; none = all", min=20)
    fallback_train_size: int | None = setting(
        5000,
        "class-balanced training images when CIFAR-10 stands in for STL-10 (and train_size is none): STL-10's 5,000 "
        "labelled ones; none = all 50,000",
        min=20,
    )


# The `best` profile, for a GPU: twice the width, and all 50,000 CIFAR-10 training images when CIFAR-10
# stands in for STL-10 (STL-10 itself has only its 5,000).
BEST_PROFILE = dict(width=64, fallback_train_size=None)


@dataclass(frozen=True)
class Images:
    """Images as N x C x H x W float32 in [0, 1] and labels 0..K-1, with the training set's channel statistics."""

    dataset: Dataset
    train: Split
    val: Split
    test: Split
    mean: tuple[float, ...]
    std: tuple[float, ...]

    @property
    def num_classes(self) -> int:
        return self.dataset.num_classes

    @property
    def name(self) -> str:
        return "STL-10" if self.dataset.name == "stl10" else "CIFAR-10"


def load_images(ctx: TaskContext) -> Dataset:
    """STL-10, or CIFAR-10 with a note saying so when STL-10 is not on disk. CIFAR-10 then keeps STL-10's
    budget of labelled training images (`fallback_train_size`) unless `train_size` sets another."""
    s: CnnSettings = ctx.settings
    try:
        return ctx.load("stl10")
    except DataNotFound:
        ctx.disclose(
            "STL-10 was not found, so this task runs on CIFAR-10 instead: the same ten-way colour-photo task (eight "
            "classes shared; frog and automobile stand in for monkey and car) at 32x32 rather than 96x96 pixels, "
            "so its numbers are not STL-10 results."
        )
        # How to give STL-10 is a detail, in the appendix; the first page says what stood in.
        ctx.say(f"To run on STL-10, give --data-dir a folder with {DATASETS.get('stl10').expected}.")
    ds = ctx.load("cifar10")
    if s.train_size is None and s.fallback_train_size and s.fallback_train_size < len(ds.y_train):
        ds = ds.balanced_subset(s.fallback_train_size, None, seed=ctx.seed)
        per_class = len(ds.y_train) // ds.num_classes
        ctx.disclose(
            f"CIFAR-10 keeps STL-10's small-data regime: {len(ds.y_train):,} training images ({per_class:,} per class, "
            f"as STL-10 has) and all {len(ds.y_test):,} test images: the small-data setting the brief's questions on "
            "skip connections, augmentation, mixup and early stopping are asked in, at a tenth of the images of all "
            "50,000; --set fallback_train_size=none trains on all of them."
        )
    return ds


def prepare(ctx: TaskContext) -> Images:
    """Hold out a stratified validation split (seeded by the run's seed) and scale pixels to [0, 1]."""
    s: CnnSettings = ctx.settings
    ds = load_images(ctx)
    (x_train, y_train), (x_val, y_val) = validation_split(ds.x_train, ds.y_train, s.val_fraction, seed=ctx.seed)
    mean, std = channel_stats(x_train)
    x_train = channels_first(scale_unit(x_train))
    val = (channels_first(scale_unit(x_val)), y_val)
    return Images(ds, (x_train, y_train), val, (channels_first(scale_unit(ds.x_test)), ds.y_test), mean, std)


def spec_of(s: CnnSettings, **changes: Any) -> dict[str, Any]:
    """The model spec from the settings, with any field replaced (e.g. use_skip=False)."""
    spec = {"num_blocks": s.num_blocks, "width": s.width, "use_skip": s.use_skip, "dropout": s.dropout}
    return spec | changes


def build(spec: dict[str, Any], data: Images) -> nn.Module:
    """The brief's `YourModel(num_blocks=..., use_skip=..., ...)`: normalisation inside, logits out."""
    return image_classifier(
        num_blocks=spec["num_blocks"],
        width=spec["width"],
        use_skip=spec["use_skip"],
        dropout=spec["dropout"],
        num_classes=data.num_classes,
        in_channels=data.train[0].shape[1],
        mean=data.mean,
        std=data.std,
    )


def describe(spec: dict[str, Any]) -> str:
    return (
        f"{spec['num_blocks']} blocks from width {spec['width']}, {'with' if spec['use_skip'] else 'no'} skip, "
        f"dropout {spec['dropout']:g}"
    )


@dataclass
class Trained(recipe.Trained):
    """A trained model, its scores (train, validation and test: full passes over the final or restored best
    weights) and its early stopping, when it had one."""

    stopper: EarlyStopping | None = None


def train_model(
    ctx: TaskContext,
    data: Images,
    spec: dict[str, Any],
    label: str,
    *,
    lr: float | None = None,
    epochs: int | None = None,
    augment: bool = False,
    mixup_alpha: float = 0.0,
    sam_rho: float = 0.0,
    patience: int | None = None,
    keep_best: bool = False,
    monitor: str = "val_acc",
    adversary: Attack | None = None,
    callbacks: tuple = (),
    seed: int | None = None,
    **fit_kwargs: Any,
) -> Trained:
    """Build the spec's model (seeded, so every variant of a comparison starts from the same draw) and fit it.

    Each epoch is scored on the validation split only: the curves are what model selection looks at, and a
    pass over the 10,000 test images would cost about as much as the training epoch of 4,500 images.
    `augment` adds the batched crop (4-pixel padding) and flip; `mixup_alpha` > 0 adds mixup after it;
    `patience` stops early on validation accuracy (or another `monitor`ed column); `keep_best` (or a
    patience) restores the weights of the best epoch at the end; `adversary` replaces every training batch
    by its attacked version (adversarial training).
    """
    s: CnnSettings = ctx.settings
    seed = ctx.seed if seed is None else seed
    torch.manual_seed(seed)
    model = build(spec, data)
    stopper = EarlyStopping(monitor, patience) if (patience or keep_best) else None
    batches = chain(
        on_images(flip_and_crop(4, "constant")) if augment else None,
        Mixup(mixup_alpha, data.num_classes, seed) if mixup_alpha else None,
        adversarial_batches(model, adversary) if adversary else None,
    )
    config = ctx.config(seed=seed, epochs=epochs or s.epochs, lr=lr or s.lr, sam_rho=sam_rho)
    trained = recipe.train_and_score(
        ctx, model, data.train, config, label=label, evals={"val": data.val},
        score={"train": data.train, "val": data.val, "test": data.test}, transform=batches,
        callbacks=[*callbacks, *([stopper] if stopper else [])], **fit_kwargs,
    )  # fmt: skip
    return Trained(trained.model, trained.history, trained.scores, stopper)


def pct(value: float) -> float:
    return round(100 * value, 2)


def comparison_row(label: str, trained: Trained, scores: dict[str, float]) -> dict[str, Any]:
    val = trained.history.column("val_acc")
    best = max(range(len(val)), key=val.__getitem__)
    return {
        "model": label,
        "parameters": parameter_counts(trained.model)["total"],
        "epochs": len(trained.history),
        "best val acc (%)": pct(val[best]),
        "best epoch": best + 1,
        "train acc (%)": pct(scores["train_acc"]),
        "val acc (%)": pct(scores["val_acc"]),
        "test acc (%)": pct(scores["test_acc"]),
        "train-val gap": round(100 * (scores["train_acc"] - scores["val_acc"]), 2),
        "seconds": round(trained.seconds, 1),
    }


def save_model(ctx: TaskContext, name: str, model: nn.Module, spec: dict[str, Any], **facts: Any) -> None:
    """A checkpoint later tasks can rebuild: the state_dict plus the spec (and e.g. its validation accuracy)."""
    ctx.run.checkpoint(name, model, {**spec, **facts})


BEST_MODEL = "best_model"
# Tasks whose best model a later task may take over, in the order the brief builds them up.
MODEL_TASKS = ("3.4", "3.5-3.6", "3.7", "3.10")


def best_spec(ctx: TaskContext) -> tuple[dict[str, Any], float, str]:
    """num_blocks, use_skip and the learning rate as 3.4's grid search chose them (the settings' own when 3.4
    has not run); width and dropout, which the grid does not search, always come from the settings."""
    s: CnnSettings = ctx.settings
    folder = ctx.earlier_run("3.4")
    chosen = load_json(folder / "best.json") if folder else None
    if not chosen:
        return spec_of(s), s.lr, f"the settings' model ({describe(spec_of(s))}, lr {s.lr:g}), as 3.4 has not run"
    # What the command line sets wins over the grid's choice.
    given = {k: getattr(s, k) for k in ("num_blocks", "use_skip") if k in ctx.overridden}
    spec = spec_of(s, **({k: chosen["spec"][k] for k in ("num_blocks", "use_skip")} | given))
    lr = s.lr if "lr" in ctx.overridden else chosen["lr"]
    source = f"the grid search's best (3.4): {describe(spec)}, lr {lr:g}"
    if given or "lr" in ctx.overridden:
        source += f" (with {', '.join(sorted([*given, *({'lr'} & ctx.overridden)]))} as given on the command line)"
    return spec, lr, source


def best_saved_model(ctx: TaskContext, data: Images) -> tuple[nn.Module, dict[str, Any], str] | None:
    """The saved model of the earlier Part 3 tasks with the highest validation accuracy, or None."""
    found = []
    for task in MODEL_TASKS:
        folder = ctx.earlier_run(task)
        if folder and (folder / f"{BEST_MODEL}.pt").is_file():
            checkpoint = load_checkpoint(folder / f"{BEST_MODEL}.pt")
            found.append((checkpoint["spec"].get("val_acc", 0.0), task, checkpoint))
    if not found:
        return None
    val_acc, task, checkpoint = max(found, key=lambda f: f[0])
    model = build(checkpoint["spec"], data)
    model.load_state_dict(checkpoint["state_dict"])
    return model, checkpoint["spec"], f"task {task}'s model ({describe(checkpoint['spec'])}; validation {val_acc:.2%})"
