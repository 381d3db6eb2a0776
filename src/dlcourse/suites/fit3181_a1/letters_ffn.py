"""fit3181-a1 Questions 2.4-2.6: the 784 → 20 → 40 → softmax network, a grid search, and label smoothing.

Model selection uses the validation set only; the test set is evaluated once, for the chosen model.
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass
from typing import Any

import torch

from dlcourse.models import ACTIVATIONS, mlp
from dlcourse.settings import setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.fit3181_a1.letters import LettersSplit, Prepared, prepare, tell_output
from dlcourse.suites.mixins import Training
from dlcourse.suites.recipe import record, train_and_score
from dlcourse.suites.registry import task
from dlcourse.suites.spread import mean_std, std
from dlcourse.train import evaluate
from dlcourse.train.losses import label_smoothing_loss


@dataclass(frozen=True)
class LettersTraining(LettersSplit, Training):
    """How every letters network is trained: the brief's epochs, and Adam, which the brief leaves to us."""

    epochs: int = setting(20, "passes over the training set (brief: at least 20)", min=1)
    batch_size: int = setting(64, "images per Adam step (our choice; the brief leaves the optimiser open)", min=1)


@dataclass(frozen=True)
class FfnSettings(LettersTraining):
    hidden: tuple[int, ...] = setting((20, 40), "hidden-layer widths (brief 2.4: 784 → 20 → 40 → softmax)")
    activation: str = setting("relu", "hidden-layer activation (brief 2.4: ReLU)", choices=tuple(ACTIVATIONS))


@task(
    "fit3181-a1/2.4",
    "Feed-forward network 784 → 20 (ReLU) → 40 (ReLU) → softmax",
    brief=FfnSettings(),
    quick=FfnSettings(epochs=3, train_size=2000, test_size=500),
    shows=("curves",),
)
def task_2_4(ctx: TaskContext) -> None:
    s: FfnSettings = ctx.settings
    data = prepare(ctx, s.val_fraction)
    classes = data.dataset.num_classes
    tell_output(ctx, data.dataset)
    sizes = [784, *s.hidden, classes]
    model = mlp(sizes, s.activation)
    trained = train_and_score(ctx, model, data.train, ctx.config(), evals={"test": data.test}, label="ffn")
    record(ctx, trained, name="ffn", title=f"FFN {sizes} ({s.activation}), Adam lr={s.lr:g}")
    _, val_acc = evaluate(model, data.val)
    ctx.run.metric("val_acc", val_acc, "validation accuracy after training")


def grid(n1: tuple[int, ...], n2: tuple[int, ...], activations: tuple[str, ...]) -> list[dict[str, Any]]:
    """Every (n1, n2, act) combination, in the order the brief lists the values."""
    return [{"n1": a, "n2": b, "act": act} for a, b, act in itertools.product(n1, n2, activations)]


@dataclass(frozen=True)
class GridSettings(LettersTraining):
    n1: tuple[int, ...] = setting((20, 40), "first hidden layer widths (brief 2.5)")
    n2: tuple[int, ...] = setting((20, 40), "second hidden layer widths (brief 2.5)")
    activations: tuple[str, ...] = setting(("sigmoid", "tanh", "relu"), "activations to try (brief 2.5)")
    alphas: tuple[float, ...] = setting((0.1, 0.15, 0.2), "label smoothing values (brief 2.6), compared with 0")
    smoothing_seeds: int = setting(3, "seeds per α in 2.6, reported as mean ± std", min=1)


@task(
    "fit3181-a1/2.5-2.6",
    "Grid search over n1, n2 and the activation, then hand-written label smoothing on the best network",
    brief=GridSettings(),
    quick=GridSettings(epochs=2, smoothing_seeds=1, train_size=2000, test_size=500),
    shows=("grid", "smoothing"),
)
def task_2_5(ctx: TaskContext) -> None:
    s: GridSettings = ctx.settings
    for name in s.activations:
        ACTIVATIONS.get(name)  # an unknown name fails before any training
    data = prepare(ctx, s.val_fraction)
    tell_output(ctx, data.dataset)
    best = grid_search(ctx, data)
    smoothing(ctx, data, best)


def _train(ctx: TaskContext, data: Prepared, combo: dict[str, Any], seed: int, alpha: float = 0.0, label: str = ""):
    torch.manual_seed(seed)  # the same initial weights for a combination, whatever ran before it
    model = mlp([784, combo["n1"], combo["n2"], data.dataset.num_classes], combo["act"])
    config = ctx.config(seed=seed)
    ctx.fit(model, data.train, config, evals={"val": data.val}, label=label, loss_fn=label_smoothing_loss(alpha))
    return model


def grid_search(ctx: TaskContext, data: Prepared) -> dict[str, Any]:
    """Question 2.5: train every combination once (seed = the run's seed), pick by validation accuracy."""
    s: GridSettings = ctx.settings
    rows, best, best_model = [], None, None
    combos = grid(s.n1, s.n2, s.activations)
    ctx.plan(len(combos))
    for combo in combos:
        label = f"{combo['n1']}-{combo['n2']}-{combo['act']}"
        model = _train(ctx, data, combo, ctx.seed, label=label)
        val_loss, val_acc = evaluate(model, data.val)
        train_acc = evaluate(model, data.train)[1]
        rows.append({**combo, "train acc (%)": round(100 * train_acc, 2), "val acc (%)": round(100 * val_acc, 2),
                     "val loss": round(val_loss, 4)})  # fmt: skip
        if best is None or val_acc > best["val_acc"]:
            best, best_model = {**combo, "val_acc": val_acc}, model
    ctx.run.table("grid", rows, title=f"Grid search: validation accuracy after {s.epochs} epochs (one seed each)")
    _, test_acc = evaluate(best_model, data.test)
    ctx.run.metric("best", f"{best['n1']}-{best['n2']}-{best['act']}", "best architecture (n1-n2-act)")
    ctx.run.metric("best_val_acc", best["val_acc"], "best validation accuracy")
    ctx.run.metric("best_test_acc", test_acc, "test accuracy of the best architecture")
    ranked = sorted(rows, key=lambda r: -r["val acc (%)"])
    by_act = {a: max(r["val acc (%)"] for r in rows if r["act"] == a) for a in s.activations}
    ctx.answer(
        f"Best on validation: 784 → {best['n1']} → {best['n2']} ({best['act']}) with {best['val_acc']:.2%}; its test "
        f"accuracy is {test_acc:.2%}. Runner-up: {ranked[1]['n1']}-{ranked[1]['n2']}-{ranked[1]['act']} at "
        f"{ranked[1]['val acc (%)']:.2f}%. Best per activation: "
        + ", ".join(f"{a} {v:.2f}%" for a, v in by_act.items())
        + ". Each combination was trained once, so differences of a few tenths of a point are within seed noise."
    )
    return best


def smoothing(ctx: TaskContext, data: Prepared, best: dict[str, Any]) -> None:
    """Question 2.6: the best architecture trained with the hand-written smoothed loss, against α = 0."""
    s: GridSettings = ctx.settings
    combo = {k: best[k] for k in ("n1", "n2", "act")}
    rows, means, stds, ces = [], {}, {}, {}
    for alpha in (0.0, *s.alphas):
        val, test, test_ce = [], [], []
        for r in range(s.smoothing_seeds):
            model = _train(ctx, data, combo, ctx.seed + 1000 + r, alpha, label=f"alpha-{alpha:g}-seed-{r}")
            val.append(100 * evaluate(model, data.val)[1])
            loss, acc = evaluate(model, data.test)  # plain cross-entropy, comparable across α
            test.append(100 * acc)
            test_ce.append(loss)
        means[alpha] = statistics.mean(test)
        stds[alpha] = std(test)
        ces[alpha] = statistics.mean(test_ce)
        rows.append({"α": alpha, "label smoothing": "no" if alpha == 0 else "yes", "val acc (%)": mean_std(val),
                     "test acc (%)": mean_std(test), "test cross-entropy": mean_std(test_ce, 4)})  # fmt: skip
    n = s.smoothing_seeds
    ctx.run.table("smoothing", rows, title=f"Label smoothing on {combo['n1']}-{combo['n2']}-{combo['act']}: mean ± std "
                  f"over {n} seed{'s' if n > 1 else ''}")  # fmt: skip
    top = max(means, key=means.get)
    gap, spread = means[top] - means[0.0], max(stds.values())
    verdict = (
        f"a gain of {gap:.2f} points, smaller than the seed-to-seed spread (std up to {spread:.2f}), so not a "
        "clear effect"
        if n > 1 and gap < spread
        else f"a gain of {gap:.2f} points"
    )
    ctx.answer(
        "Label smoothing is written by hand (train.losses.label_smoothing_loss: (1 - α)(-log p_y) + α·mean(-log p)); "
        f"the tests check it against PyTorch's built-in version. Mean test accuracy is highest at α = {top:g}: "
        f"{means[top]:.2f}% against {means[0.0]:.2f}% without smoothing ({n} seed{'s' if n > 1 else ''} each), "
        f"{verdict}. {cross_entropy_trend(ces)}"
    )


def cross_entropy_trend(ces: dict[float, float]) -> str:
    """What the plain test cross-entropy does as α grows, said from the means measured at each α."""
    alphas = sorted(ces)
    values = ", ".join(f"{ces[a]:.4f} at α = {a:g}" for a in alphas)
    if all(ces[a] < ces[b] for a, b in itertools.pairwise(alphas)):
        return (
            f"The test cross-entropy rises with every step of α ({values}), as smoothing predicts: smoothed "
            "targets keep the model from putting all its probability on one class, so the right class gets less."
        )
    return (
        f"The test cross-entropy does not rise with every step of α ({values}), although smoothed targets "
        "keep the model from putting all its probability on one class: at these settings seed noise or "
        "better accuracy outweighs that."
    )
