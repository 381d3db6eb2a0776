"""leiden-a1 Task 1's settings and its two search spaces (Géron's MLP and CNN), also registered for
`dlcourse sweep`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlcourse import data
from dlcourse.console import console
from dlcourse.device import PRECISIONS, cpu_supports_bf16
from dlcourse.errors import DataNotFound
from dlcourse.settings import Settings, setting
from dlcourse.suites.context import TaskContext
from dlcourse.sweep import BACKENDS, SPACES, SearchSpace, run_sweep
from dlcourse.sweep.runner import cpu_count
from dlcourse.sweep.study import PRUNERS, Pruning
from dlcourse.train.classify import classify
from dlcourse.train.schedule import SCHEDULES

REPORTED_TRIALS = 10  # rows of each search's table in the report (the brief's PDF has 10 pages); all are in the CSV


NETWORKS = {"mlp": "MLP (Géron ch. 10)", "cnn": "CNN (Géron ch. 14, p. 447)"}


@dataclass(frozen=True)
class SweepSettings(Settings):
    networks: tuple[str, ...] = setting(("mlp", "cnn"), "the searches to run: mlp, cnn or both (brief: both)")
    mlp_trials: int = setting(30, "random-search trials for the MLP", min=1)
    cnn_trials: int = setting(24, "random-search trials for the CNN", min=1)
    mlp_epochs: int = setting(10, "epochs per MLP trial", min=1)
    cnn_epochs: int = setting(8, "epochs per CNN trial", min=1)
    final_mlp_epochs: int | None = setting(
        None, "epochs of the best MLP settings on all training images; none = mlp_epochs, the validated schedule", min=1
    )
    final_cnn_epochs: int | None = setting(
        None, "epochs of the best CNN settings on all training images; none = cnn_epochs, the validated schedule", min=1
    )
    batch_size: int = setting(32, "images per step (Keras's default, which the book uses)", min=1)
    lr_schedule: str = setting(
        "cosine", "rate schedule of every training; cosine ends each trial converged", choices=SCHEDULES
    )
    top: int = setting(3, "best settings per network carried to CIFAR-10 (brief: 3)", min=1)
    val_fraction: float = setting(0.1, "validation share of the training set (brief: 10%)", gt=0, max=0.5)
    cnn_width: float = setting(
        0.5,
        "scale on every CNN filter count: 1 = the book's 64-128-256; 0.5 fits the whole task in 90 minutes on two "
        "CPU cores (an epoch of 54,000 images: 38 s at width 1, 13 s at 0.5, bf16) and lost nothing measurable: "
        "a search without batch normalisation had elu, Adam 1e-3, 32-64-128 at 92.40% validation after 8 epochs, "
        "and the same setting and seed at width 1 (64-128-256) at 92.25%",
        brief=1.0,
        gt=0,
    )
    train_size: int | None = setting(None, "class-balanced training images per dataset; none = all", min=100)
    transfer: str = setting("cifar10", "the dataset the best settings move to (brief: CIFAR-10)")
    backend: str = setting("local", "where trials run: local worker processes, or Ray tasks", choices=BACKENDS)
    workers: int | None = setting(None, "trials at a time; none = one per 4 CPU cores", min=1)
    threads: int | None = setting(
        None, "torch threads per trial; none = the CPU cores divided among the workers", min=1
    )
    address: str | None = setting(None, "the Ray cluster's address for backend=ray; none = a local Ray")
    precision: str = setting(
        "auto",
        "arithmetic of the CNN trials: auto = bf16 where the CPU has it (an epoch at batch 32: 38 s against 103 s "
        "in fp32 here), fp32 elsewhere; the MLP trials always run in fp32 (2 s an epoch either way)",
        choices=PRECISIONS,
    )
    pruner: str = setting("median", "stops hopeless search trials early; none trains all", choices=tuple(PRUNERS))
    mlp_prune_after: int = setting(2, "epochs every MLP trial trains before the pruner may stop it", min=1)
    cnn_prune_after: int = setting(
        4,
        "epochs every CNN trial trains before the pruner may stop it: half the trial, so that slow starters such "
        "as dropout are judged on more than their first epochs (on full data they still lost: all 5 dropout-0.5 "
        "trials were pruned, 4 at epoch 4 and 1 at epoch 7)",
        min=1,
    )


def base_config(s: SweepSettings, source: str, seed: int, epochs: int) -> dict[str, Any]:
    """What every trial of a search shares: the data, the split, the training budget, the seed."""
    return {
        "precision": "fp32",
        "dataset": "fashion-mnist",
        "source": source,
        "train_size": s.train_size,
        "holdout": s.val_fraction,
        "split_seed": seed,
        "epochs": epochs,
        "batch_size": s.batch_size,
        "lr_schedule": s.lr_schedule,
        "seed": seed,
    }


def mlp_space(s: SweepSettings, source: str = "full", seed: int = 0) -> SearchSpace:
    """Géron's MLP (Flatten, 300 ReLU, 100 ReLU, 10; SGD 0.01, no regulariser) is one point of this space."""
    return SearchSpace(
        fixed={**base_config(s, source, seed, s.mlp_epochs), "model": "geron_mlp"},
        params={
            "init": ["glorot_uniform", "he_normal", "normal", "default"],
            "activation": ["relu", "elu", "tanh", "sigmoid"],
            "optimizer": [
                {"optimizer": "sgd", "lr": 0.01, "momentum": 0.0},
                {"optimizer": "sgd", "lr": 0.01, "momentum": 0.9},
                {"optimizer": "adam", "lr": 1e-3},
                {"optimizer": "adam", "lr": 1e-4},
                {"optimizer": "rmsprop", "lr": 1e-3, "momentum": 0.0},
            ],
            "regularisation": [{}, {"l1": 1e-5}, {"l2": 1e-4}, {"dropout": 0.2}],
            "hidden": [[300, 100], [100], [600, 300], [300, 300, 100]],
        },
        method="random",
        samples=s.mlp_trials,
        seed=seed,
    )


def cnn_precision(s: SweepSettings, device: str = "cpu") -> str:
    """The CNN trials' precision, resolved here rather than in each trial, so that every machine of a Ray
    cluster runs the same arithmetic. `auto` means bf16 on a CPU with bf16 instructions even at batch 32,
    where the engine's general rule keeps fp32: this network's step is bound by its convolutions, not by
    reading its 0.4M weights, so bf16 was 2.7x faster (`device.choose_precision` has the general rule)."""
    if s.precision != "auto":
        return s.precision
    return "bf16" if device.startswith("cuda") or cpu_supports_bf16() else "fp32"


def cnn_space(s: SweepSettings, source: str = "full", seed: int = 0, device: str = "cpu") -> SearchSpace:
    """Géron's CNN (filters 64-128-256, dropout 0.5, no batch normalisation) is one point of this space.

    Batch normalisation after each convolution (ch. 11) is searched because the best networks of the first
    full search fitted their training images almost perfectly (99%). Single-seed 8-epoch probes of elu,
    Adam 1e-3 on the validation split: batch normalisation moved it by +0.22 (32-64-128) and +0.07 (32-64)
    points, dropout 0.25 by -0.10 and +0.02, random flips by -0.10 and -0.28; all within the few tenths a
    seed moves it, so the search, not the probes, decides.
    """
    scale = s.cnn_width

    def filters(*counts: int) -> list[int]:
        return [max(1, round(scale * c)) for c in counts]

    return SearchSpace(
        fixed={
            **base_config(s, source, seed, s.cnn_epochs),
            "model": "geron_cnn",
            "precision": cnn_precision(s, device),
        },
        params={
            "init": ["glorot_uniform", "he_normal", "default"],
            "activation": ["relu", "elu", "tanh"],
            "optimizer": [
                {"optimizer": "sgd", "lr": 0.01, "momentum": 0.9},
                {"optimizer": "adam", "lr": 1e-3},
                {"optimizer": "adam", "lr": 1e-4},
                {"optimizer": "rmsprop", "lr": 1e-3, "momentum": 0.0},
            ],
            "regularisation": [
                {"dropout": 0.5},
                {"dropout": 0.0},
                {"dropout": 0.0, "l2": 1e-4},
                {"dropout": 0.0, "l1": 1e-5},
            ],
            "filters": [filters(64, 128, 256), filters(32, 64, 128), filters(64, 128)],
            "batch_norm": [False, True],
        },
        method="random",
        samples=s.cnn_trials,
        seed=seed,
    )


SPACES.add("leiden-a1/mlp", lambda: mlp_space(SweepSettings()))


SPACES.add("leiden-a1/cnn", lambda: cnn_space(SweepSettings()))


def dry_run_settings(s: SweepSettings) -> SweepSettings:
    """The trials train in their own processes, outside `TaskContext.fit`, so a dry run shrinks the search
    itself: two trials per network of one epoch on 100 class-balanced images, and the best one carried over."""
    return dataclasses.replace(
        s,
        mlp_trials=min(2, s.mlp_trials),
        cnn_trials=min(2, s.cnn_trials),
        mlp_epochs=1,
        cnn_epochs=1,
        final_mlp_epochs=1,
        final_cnn_epochs=1,
        top=1,
        train_size=100,
    )


def final_epochs(s: SweepSettings, net: str) -> int:
    """Epochs of a network's final models: by default those of its search trials. The search validated each
    setting with that schedule (cosine to zero over those epochs); a longer one is a setting nobody scored,
    and a 15-epoch retraining of the best CNN fitted its training images perfectly (100% training accuracy)."""
    given = s.final_mlp_epochs if net == "mlp" else s.final_cnn_epochs
    return given or (s.mlp_epochs if net == "mlp" else s.cnn_epochs)


def data_source(ctx: TaskContext, name: str) -> str:
    """'full' for the data on disk (downloaded if need be); the quick profile falls back to the bundled sample."""
    if ctx.profile != "quick":
        return "full"
    try:
        data.load(name, data_dir=ctx.data_dir, download=False, quiet=True)
        return "full"
    except DataNotFound:
        return "sample"


def sweep_trials(
    ctx: TaskContext, label: str, trials, path: Path, context: dict, workers: int, pruner: Pruning
) -> list[dict]:
    """Run `trials` with the task's backend and workers, printing a line per ended trial; returns the records."""
    s: SweepSettings = ctx.settings

    def show(record: dict, done: int, total: int) -> None:
        if ctx.quiet:
            return
        metrics = record["metrics"] or {}
        score = next((v for k, v in metrics.items() if k in ("val_acc", "test_acc")), None)
        stopped = f"pruned after epoch {record['epochs']}" if record.get("pruned") else f"failed: {record['error']}"
        shown = f"{score:.2%}" if score is not None else stopped
        params = ", ".join(record["params"].values())
        console.print(f"[dim]{label} {done}/{total}[/] {params}: {shown} ({record['timing']['seconds']:.0f} s)")

    return run_sweep(
        trials,
        classify,
        path,
        backend=s.backend,
        workers=workers,
        threads=s.threads or max(1, cpu_count() // workers),
        address=s.address,
        context=context,
        on_record=show,
        pruner=pruner,
    )
