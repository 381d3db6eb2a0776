"""bath-a2 Tasks 3.2 and 4.2: how depth, width and parameter count change accuracy, for MLPs and CNNs.

Every model of a study trains with the same settings (the baseline of 3.1 / 4.1 included, retrained
here), so the table compares architectures and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from dlcourse.analysis.timing import inference_seconds
from dlcourse.data import channels_first, flatten, scale_unit
from dlcourse.models import cnn, mlp
from dlcourse.plots.curves import accuracy_vs_parameters, learning_curves
from dlcourse.runs import load_checkpoint, load_json
from dlcourse.settings import setting
from dlcourse.suites.bath_a2.observations import cnn_against_mlp, depth_observations, depth_trend, fitting_sentence
from dlcourse.suites.context import TaskContext
from dlcourse.suites.mixins import ConstantRateBrief, DataSize
from dlcourse.suites.recipe import train_and_score
from dlcourse.suites.registry import task

INFERENCE_BATCH = 1000  # the same batch size for every model's inference timing


@dataclass(frozen=True)
class DepthSettings(DataSize, ConstantRateBrief):
    """What both depth studies share; each trains with its base network's batch size."""

    epochs: int = setting(5, "passes over the training set, the same for every model", min=1)


@dataclass(frozen=True)
class MlpDepthSettings(DepthSettings):
    hidden_layers: tuple[int, ...] = setting(
        (3, 4, 5, 7), "hidden-layer counts of the deeper MLPs (brief: e.g. 3, 4, 5, 7)"
    )
    width: int = setting(
        512, "neurons per hidden layer of the deeper MLPs (our choice: keeps 7 layers under 2M parameters)", min=1
    )
    batch_size: int = setting(50, "images per Adam step (as 3.1)", min=1)


@dataclass(frozen=True)
class CnnDepthSettings(DepthSettings):
    batch_size: int = setting(64, "images per Adam step (as 4.1)", min=1)


# The 4.2 variants: (filters, strides), 4x4 kernels as in 4.1. Narrower, wider, shallower and deeper
# than the 4.1 baseline; the deeper one's extra stride-1 layer turns the 4x4 maps into 1x1x256.
CNN_VARIANTS: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...] = (
    ((32, 64, 128), (1, 2, 2)),
    ((16, 32, 64), (1, 2, 2)),
    ((48, 96, 192), (1, 2, 2)),
    ((32, 64), (1, 2)),
    ((32, 64, 128, 256), (1, 2, 2, 1)),
)


def study(ctx: TaskContext, builds: list[tuple[str, Any, dict]], train, test, family: str) -> list[dict]:
    """Train each (name, model, spec) under the same settings; returns one table row per model."""
    rows, histories = [], {}
    ctx.plan(len(builds))
    for name, model, spec in builds:
        trained = train_and_score(ctx, model, train, ctx.config(), evals={"test": test}, label=name)
        history, final, counts = trained.history, trained.scores, trained.parameters
        seconds = inference_seconds(model, torch.as_tensor(test[0]), INFERENCE_BATCH)
        histories[name] = history
        ctx.run.checkpoint(name, model, spec=spec)
        rows.append(
            {
                "model": name,
                "hidden_layers": spec["hidden_layers"],
                "parameters": counts["total"],
                "weights": counts["weights"],
                "biases": counts["biases"],
                "train_acc": round(final["train_acc"], 5),
                "test_acc": round(final["test_acc"], 5),
                "train_s_per_epoch": round(history.mean_epoch_seconds(), 2),
                "test_inference_s": round(seconds, 3),
            }
        )
        ctx.run.history(name, history)
    ctx.run.figure("curves", learning_curves(histories), caption=f"Learning curves of every {family}")
    ctx.run.write_json("models.json", rows)  # typed numbers for later tasks (4.2 reads 3.2's)
    ctx.run.table("models", rows, title=f"{family}s: depth, parameters and accuracy")
    ctx.run.figure(
        "accuracy_vs_parameters",
        accuracy_vs_parameters({family: rows}, f"{family}s"),
        caption="Test accuracy against parameters; each point is labelled with its model",
    )
    for row in rows:
        ctx.run.metric(f"{row['model']}_test_acc", row["test_acc"], f"{row['model']} test accuracy")
    return rows


@task(
    "bath-a2/3.2",
    "Deeper MLPs: accuracy vs depth vs parameters",
    brief=MlpDepthSettings(),
    quick=MlpDepthSettings(epochs=2, width=128, train_size=2000, test_size=1000),
    shows=("models", "accuracy_vs_parameters"),
)
def task_3_2(ctx: TaskContext) -> None:
    s: MlpDepthSettings = ctx.settings
    ds = ctx.load("mnist")
    train = (flatten(scale_unit(ds.x_train)), ds.y_train)
    test = (flatten(scale_unit(ds.x_test)), ds.y_test)
    specs = [(784, 1000, 1000, 10)] + [(784, *[s.width] * n, 10) for n in s.hidden_layers]
    builds = [
        (f"mlp-{len(sizes) - 2}x{sizes[1]}", mlp(sizes), {"sizes": sizes, "hidden_layers": len(sizes) - 2})
        for sizes in specs
    ]
    ctx.say(
        f"Five MLPs, all with ReLU, Adam lr {s.lr:g} ({s.lr_schedule}), batch {s.batch_size}, {s.epochs} epochs: "
        f"the 3.1 network [784, 1000, 1000, 10] and {', '.join(map(str, s.hidden_layers))} hidden layers of "
        f"{s.width} neurons (wide enough to learn MNIST well, narrow enough to keep the deepest under 2M "
        "parameters and the training time close to the 3.1 network's)."
    )
    rows = study(ctx, builds, train, test, "MLP")
    for text in depth_observations(rows, "MLP"):
        ctx.answer(text)
    ctx.answer(depth_trend(rows[1:], f"{s.width} neurons per hidden layer", len(test[1])))
    ctx.answer(fitting_sentence(rows[1:], f"{s.width} neurons per hidden layer", len(test[1])))


@task(
    "bath-a2/4.2",
    "CNNs of other depths and widths, and CNN vs MLP",
    brief=CnnDepthSettings(),
    quick=CnnDepthSettings(epochs=2, train_size=2000, test_size=1000),
    reads=("3.2",),
    shows=("models", "cnn_vs_mlp"),
)
def task_4_2(ctx: TaskContext) -> None:
    s: CnnDepthSettings = ctx.settings
    ds = ctx.load("mnist")
    train = (channels_first(scale_unit(ds.x_train)), ds.y_train)
    test = (channels_first(scale_unit(ds.x_test)), ds.y_test)
    builds = []
    for filters, strides in CNN_VARIANTS:
        spec = {"filters": filters, "kernel_size": 4, "strides": strides, "hidden_layers": len(filters)}
        builds.append((f"cnn-{'-'.join(map(str, filters))}", cnn(filters, kernel_size=4, strides=strides), spec))
    ctx.say(
        f"Five CNNs with 4x4 kernels and ReLU, trained alike (Adam lr {s.lr:g}, {s.lr_schedule}, batch "
        f"{s.batch_size}, {s.epochs} epochs): the 4.1 network [32, 64, 128], a narrower [16, 32, 64], a wider "
        "[48, 96, 192], a shallower [32, 64] and a deeper [32, 64, 128, 256]. Hidden layers = conv layers."
    )
    cnn_rows = study(ctx, builds, train, test, "CNN")
    for text in depth_observations(cnn_rows, "CNN"):
        ctx.answer(text)
    deepest = max(CNN_VARIANTS, key=lambda v: len(v[0]))[0]
    series = [r for r, (filters, _) in zip(cnn_rows, CNN_VARIANTS, strict=True) if deepest[: len(filters)] == filters]
    ctx.answer(depth_trend(series, f"filters {list(deepest)} taken in order", len(test[1])))
    ctx.answer(fitting_sentence(series, f"filters {list(deepest)} taken in order", len(test[1])))
    compare_with_mlps(ctx, cnn_rows, test)


def compare_with_mlps(ctx: TaskContext, cnn_rows: list[dict], test) -> None:
    """Table 4.2 against Table 3.2: the MLPs are reloaded from task 3.2 and timed here, on this device."""
    folder = ctx.earlier_run("3.2")
    if folder is None:
        ctx.say(f"No {ctx.profile}-profile run of bath-a2/3.2 found: run it first for the CNN-vs-MLP comparison.")
        return
    x_flat = torch.as_tensor(flatten(test[0]))
    mlp_rows = []
    for row in load_json(folder / "models.json", []):
        saved = load_checkpoint(folder / f"{row['model']}.pt")
        model = mlp(saved["spec"]["sizes"]).to(ctx.device)
        model.load_state_dict(saved["state_dict"])
        row["test_inference_s"] = round(inference_seconds(model, x_flat, INFERENCE_BATCH), 3)
        mlp_rows.append(row)
    both = [{"family": fam, **r} for fam, rows in (("MLP", mlp_rows), ("CNN", cnn_rows)) for r in rows]
    ctx.run.table(
        "cnn_vs_mlp",
        [
            {
                k: r[k]
                for k in (
                    "family",
                    "model",
                    "hidden_layers",
                    "parameters",
                    "test_acc",
                    "train_s_per_epoch",
                    "test_inference_s",
                )
            }
            for r in both
        ],
        title=f"CNNs (Table 4.2) against MLPs (Table 3.2); inference on the test set, batch {INFERENCE_BATCH}",
    )
    ctx.run.figure(
        "cnn_vs_mlp",
        accuracy_vs_parameters({"MLP": mlp_rows, "CNN": cnn_rows}, "CNNs and MLPs"),
        caption="Test accuracy against parameters for both families",
    )
    best_cnn, best_mlp = max(cnn_rows, key=lambda r: r["test_acc"]), max(mlp_rows, key=lambda r: r["test_acc"])
    ctx.answer(cnn_against_mlp(best_cnn, best_mlp))
    ctx.answer(
        f"Cost: per training epoch the CNN takes {best_cnn['train_s_per_epoch']:.1f} s against "
        f"{best_mlp['train_s_per_epoch']:.1f} s for the MLP, and {best_cnn['test_inference_s']:.3f} s against "
        f"{best_mlp['test_inference_s']:.3f} s to classify the test set: fewer parameters is not fewer "
        "operations, since every kernel is applied at every position."
    )
