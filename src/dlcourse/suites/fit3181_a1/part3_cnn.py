"""fit3181-a1 Questions 3.1-3.4: the default model's learning curve, the configurable model (`YourModel`),
skip connections against none, and the 12-trial grid search."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import torch

from dlcourse.models import parameter_counts
from dlcourse.plots.curves import learning_curves
from dlcourse.settings import setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.fit3181_a1.part3_common import (
    BEST_MODEL,
    BEST_PROFILE,
    CnnSettings,
    Images,
    Trained,
    build,
    describe,
    pct,
    prepare,
    save_model,
    spec_of,
    train_model,
)
from dlcourse.suites.fit3181_a1.part3_compare import Seeded, compare, verdict
from dlcourse.suites.registry import task
from dlcourse.train import History, evaluate


def diagnose(history: History, scores: dict[str, float]) -> str:
    """Does the model learn well, over- or under-fit? Read off the final accuracies and the validation loss."""
    train_acc, val_acc = scores["train_acc"], scores["val_acc"]
    gap = 100 * (train_acc - val_acc)
    val_loss = history.column("val_loss")
    low = min(range(len(val_loss)), key=val_loss.__getitem__)
    rising = low + 1 < len(val_loss) and val_loss[-1] > 1.1 * val_loss[low]
    facts = (
        f"train accuracy {train_acc:.2%}, validation {val_acc:.2%} (a gap of {gap:.1f} points); validation loss "
        f"is lowest in epoch {low + 1} of {len(val_loss)}"
    )
    if gap > 10 or (rising and gap > 5):
        rise = f" and then rises to {val_loss[-1]:.3f} from {val_loss[low]:.3f}" if rising else ""
        return (
            f"The model overfits: {facts}{rise}. It learns the training images much better than it generalises. "
            "Remedies: data augmentation, dropout, early stopping on validation accuracy, mixup or weight decay "
            "(Questions 3.5-3.7 try the first three and mixup)."
        )
    if train_acc < 0.7:
        return (
            f"The model underfits: {facts}. Training accuracy itself stays low, so the model lacks capacity or "
            "training time: more blocks or channels, more epochs, or a better learning rate would help."
        )
    more = " and still falling: more epochs would help" if low + 1 == len(val_loss) else ""
    return f"The model learns well: {facts}{more}. Training and validation accuracy stay close."


@dataclass(frozen=True)
class BaselineSettings(CnnSettings):
    num_blocks: int = setting(2, "conv blocks of the default model", min=1, max=6)
    use_skip: bool = setting(False, "the default model is a plain CNN: no skip connections")
    dropout: float = setting(0.0, "the default model has no dropout", min=0, max=0.9)


QUICK = dict(width=8, epochs=2, batch_size=64, train_size=2000, test_size=500)


@task(
    "fit3181-a1/3.1",
    "The default model: learning curve and what it shows",
    brief=BaselineSettings(),
    quick=BaselineSettings(**QUICK),
    best=BaselineSettings(**BEST_PROFILE),
    shows=("curves",),
)
def task_3_1(ctx: TaskContext) -> None:
    data = prepare(ctx)
    spec = spec_of(ctx.settings)
    # Fixed text: where the default model comes from does not depend on the run.
    ctx.disclose(
        "The course's base code (a TensorFlow notebook that downloads STL-10 and trains its default model) is "
        "not part of dlcourse, so the default model here is our stand-in for it: 3.2's YourModel built as "
        f"{describe(spec)} and trained with the settings above. The learning curve below is this stand-in's, "
        "not the base code's exact network's."
    )
    trained = train_and_record(ctx, data, spec, "default", f"Default model ({describe(spec)})")
    ctx.answer(diagnose(trained.history, trained.scores))


def train_and_record(ctx: TaskContext, data: Images, spec: dict[str, Any], label: str, title: str) -> Trained:
    trained = train_model(ctx, data, spec, label)
    for name in ("train_acc", "val_acc", "test_acc"):
        ctx.run.metric(name, trained.scores[name], name.replace("_acc", " accuracy").replace("val ", "validation "))
    ctx.run.metric("parameters", parameter_counts(trained.model)["total"], "trainable parameters")
    ctx.run.metric("seconds", round(trained.seconds, 1), f"training seconds ({trained.history.meta['device']})")
    ctx.run.history(label, trained.history)
    ctx.run.figure("curves", learning_curves({label: trained.history}, title), caption=f"{title}: learning curves")
    return trained


@task(
    "fit3181-a1/3.2",
    "YourModel: one classifier built from a spec (blocks, skip, widths, dropout)",
    brief=CnnSettings(),
    quick=CnnSettings(**QUICK),
    best=CnnSettings(**BEST_PROFILE),
    shows=("specs",),
)
def task_3_2(ctx: TaskContext) -> None:
    s: CnnSettings = ctx.settings
    data = prepare(ctx)
    x = torch.as_tensor(data.val[0][:4])
    rows = []
    for num_blocks, use_skip in itertools.product((2, 3, 4), (True, False)):
        spec = spec_of(s, num_blocks=num_blocks, use_skip=use_skip)
        model = build(spec, data).eval()
        with torch.no_grad():
            out = model(x)
        side = x.shape[-1] // 2**num_blocks
        rows.append({"num_blocks": num_blocks, "use_skip": use_skip,
                     "widths": ", ".join(str(s.width * 2**i) for i in range(num_blocks)),
                     "last feature map": f"{s.width * 2 ** (num_blocks - 1)} x {side} x {side}",
                     "output": "x".join(map(str, out.shape)),
                     "parameters": parameter_counts(model)["total"]})  # fmt: skip
    ctx.run.table("specs", rows, title="Models built from (num_blocks, use_skip) with the settings' width and dropout")
    model = build(spec_of(s), data)
    ctx.run.write_json("model.json", {"spec": spec_of(s), "layers": str(model)})
    ctx.say(
        "YourModel is `dlcourse.models.image_classifier(num_blocks, width, widths, use_skip, dropout, ...)`. Each "
        "block is conv3x3-BN-ReLU, conv3x3-BN, plus the block's input when use_skip is set (through a 1x1 conv-BN "
        "where the width changes), then ReLU, 2x2 max pooling and dropout; the widths double from block to block. "
        "Global average pooling and one linear layer give the logits. The per-channel normalisation (the training "
        "set's mean and std) is the first layer, so the model takes [0, 1] pixels and attacks need no "
        f"normalisation of their own. The settings' model ({describe(spec_of(s))}) has "
        f"{parameter_counts(model)['total']:,} parameters; its layers are in model.json."
    )


@task(
    "fit3181-a1/3.3",
    "Skip connections against none: learning curves and overfitting",
    brief=Seeded(),
    quick=Seeded(**QUICK | {"seeds": 1}),
    best=Seeded(**BEST_PROFILE),
    shows=("comparison", "curves"),
)
def task_3_3(ctx: TaskContext) -> None:
    s: Seeded = ctx.settings
    data = prepare(ctx)
    variants = {"skip": {"spec": spec_of(s, use_skip=True)}, "no skip": {"spec": spec_of(s, use_skip=False)}}
    model = describe(spec_of(s, use_skip=True)).replace("with skip", "with and without skip")
    results = compare(ctx, data, spec_of(s), s.lr, variants, "Skip connections", model=model, save_best=False)
    ctx.answer(verdict(results, "skip", "no skip"))
    for label, runs in results.items():
        which = f"{label.capitalize()}, seed 0" if len(runs) > 1 else label.capitalize()
        ctx.answer(f"{which}: " + diagnose(runs[0].history, runs[0].scores))


def grid(num_blocks: tuple[int, ...], use_skip: tuple[bool, ...], lrs: tuple[float, ...]) -> list[dict[str, Any]]:
    """Every (num_blocks, use_skip, lr) combination, in the order the brief lists the values."""
    return [{"num_blocks": b, "use_skip": k, "lr": lr} for b, k, lr in itertools.product(num_blocks, use_skip, lrs)]


@dataclass(frozen=True)
class GridSettings(CnnSettings):
    grid_blocks: tuple[int, ...] = setting((2, 3, 4), "num_blocks values (brief 3.4)")
    grid_skip: tuple[bool, ...] = setting((True, False), "use_skip values (brief 3.4)")
    grid_lrs: tuple[float, ...] = setting((1e-3, 1e-4), "learning rates (brief 3.4)")


@task(
    "fit3181-a1/3.4",
    "Grid search over num_blocks, use_skip and the learning rate; the best model on test",
    brief=GridSettings(),
    quick=GridSettings(**QUICK | {"epochs": 1}),
    best=GridSettings(**BEST_PROFILE),
    shows=("grid",),
)
def task_3_4(ctx: TaskContext) -> None:
    s: GridSettings = ctx.settings
    data = prepare(ctx)
    rows, best, best_model = [], None, None
    combos = grid(s.grid_blocks, s.grid_skip, s.grid_lrs)
    ctx.plan(len(combos))
    for combo in combos:
        spec = spec_of(s, num_blocks=combo["num_blocks"], use_skip=combo["use_skip"])
        label = f"{combo['num_blocks']}-{'skip' if combo['use_skip'] else 'plain'}-{combo['lr']:g}"
        trained = train_model(ctx, data, spec, label, lr=combo["lr"])
        val_loss, val_acc = trained.history.last["val_loss"], trained.history.last["val_acc"]
        rows.append({**combo, "parameters": parameter_counts(trained.model)["total"],
                     "train acc (%)": pct(trained.history.last["train_acc"]), "val acc (%)": pct(val_acc),
                     "val loss": round(val_loss, 4), "seconds": round(trained.seconds, 1)})  # fmt: skip
        if best is None or val_acc > best["val_acc"]:
            best, best_model = {"spec": spec, "lr": combo["lr"], "val_acc": val_acc}, trained.model
    ctx.run.table("grid", rows, title=f"Grid search: validation accuracy after {s.epochs} epochs (one seed each)")
    test_acc = evaluate(best_model, data.test)[1]
    best["test_acc"] = test_acc
    ctx.run.write_json("best.json", best)
    save_model(ctx, BEST_MODEL, best_model, best["spec"], val_acc=best["val_acc"], lr=best["lr"])
    ctx.run.metric("best", f"{best['spec']['num_blocks']} blocks, skip={best['spec']['use_skip']}, lr={best['lr']:g}")
    ctx.run.metric("best_val_acc", best["val_acc"], "best validation accuracy")
    ctx.run.metric("best_test_acc", test_acc, "test accuracy of the best model")
    ctx.run.metric("seconds", round(sum(r["seconds"] for r in rows), 1), "training seconds, all trials")
    ranked = sorted(rows, key=lambda r: -r["val acc (%)"])
    by_lr = {lr: max(r["val acc (%)"] for r in rows if r["lr"] == lr) for lr in s.grid_lrs}
    ctx.answer(
        f"Best on validation: {describe(best['spec'])}, lr {best['lr']:g}, with {best['val_acc']:.2%}; its test "
        f"accuracy is {test_acc:.2%}. Runner-up: {ranked[1]['num_blocks']} blocks, skip={ranked[1]['use_skip']}, "
        f"lr {ranked[1]['lr']:g} at {ranked[1]['val acc (%)']:.2f}%. Best per learning rate: "
        + ", ".join(f"{lr:g}: {v:.2f}%" for lr, v in by_lr.items())
        + ". Each combination was trained once; differences under a point are within seed noise."
    )
