"""bath-a2 Task 6.2: one network with a shared trunk and two heads, trained for five task weights λ."""

from __future__ import annotations

from typing import Any

from dlcourse.plots.curves import learning_curves
from dlcourse.plots.multitask import accuracy_vs_task_weight
from dlcourse.runs import load_json
from dlcourse.suites.bath_a2.observations import pros_and_cons, sharing_note
from dlcourse.suites.bath_a2.task6 import (
    CLASSES,
    QUICK,
    MultiTaskSettings,
    fashion_tasks,
    largest_group_share,
    multitask_row,
    say_budget,
)
from dlcourse.suites.context import TaskContext
from dlcourse.suites.registry import task
from dlcourse.suites.spread import difference_noise


@task(
    "bath-a2/6.2",
    "Multi-task CNN (hard parameter sharing) on Fashion-MNIST, loss weight λ in {0, 0.25, 0.5, 0.75, 1}",
    brief=MultiTaskSettings(),
    quick=MultiTaskSettings(**QUICK),
    reads=("6.1",),
    shows=("lambdas", "accuracy_vs_lambda"),
    headline=("item_test_acc_lambda_0.5", "group_test_acc_lambda_0.5"),  # what the brief asks: λ = 0.5
)
def task_6_2(ctx: TaskContext) -> None:
    s: MultiTaskSettings = ctx.settings
    ds = ctx.load("fashion-mnist")
    train, test = fashion_tasks(ds)
    say_budget(ctx, len(train[1]), len(s.lambdas))
    ctx.say(
        f"Shared: conv {list(s.filters)} (3x3 'same', 2x2 max pooling after the first two), flatten, dense "
        f"{s.shared_dense}. Heads: dense {[*s.head, 10]} (item) and {[*s.head, 3]} (group), softmax in the loss. "
        f"Loss = λ · CE(item) + (1 - λ) · CE(group), one Adam optimiser, lr {s.lr:g}, batch {s.batch_size}, "
        f"{s.epochs} epochs; λ in {list(s.lambdas)}."
    )
    ctx.plan(len(s.lambdas))
    rows = [multitask_row(ctx, lam, train, test) for lam in s.lambdas]
    public = [{k: v for k, v in r.items() if k != "history"} for r in rows]
    ctx.run.table("lambdas", public, title="Multi-task network: test accuracy of both heads for each λ")
    ctx.run.figure(
        "curves",
        learning_curves({f"λ={r['lambda']:g}": r["history"] for r in rows}, "Multi-task network (mean of both heads)"),
        caption="Training curves per λ; accuracy is the mean of the two heads' accuracies",
    )
    single = single_task_results(ctx)
    chance = {"item": 1 / CLASSES["item"], "group": 1 / CLASSES["group"]}
    ctx.run.figure(
        "accuracy_vs_lambda",
        accuracy_vs_task_weight(
            [r["lambda"] for r in rows],
            {"item": [r["item_test_acc"] for r in rows], "group": [r["group_test_acc"] for r in rows]},
            {name: row["test_acc"] for name, row in single.items()},
            chance,
            "Test accuracy of both tasks against λ",
        ),
        caption="Both heads' test accuracy against λ, with the single-task networks (6.1) and chance",
    )
    record_metrics(ctx, rows)
    for text in lambda_observations(rows, single, chance, test):
        ctx.answer(text)
    if single:
        compare_with_single_task(ctx, rows, single, len(test[0]))


def single_task_results(ctx: TaskContext) -> dict[str, dict[str, Any]]:
    """6.1's results when it ran with this profile, by task name; empty otherwise."""
    folder = ctx.earlier_run("6.1")
    rows = load_json(folder / "single_task.json") if folder else None
    if not rows:
        ctx.say("Run bath-a2/6.1 first (same profile) to compare with the single-task networks.")
        return {}
    return {row["task"]: row for row in rows}


def record_metrics(ctx: TaskContext, rows: list[dict[str, Any]]) -> None:
    for r in rows:
        lam = f"{r['lambda']:g}"
        ctx.run.metric(f"item_test_acc_lambda_{lam}", r["item_test_acc"], f"λ={lam}: item head test accuracy")
        ctx.run.metric(f"group_test_acc_lambda_{lam}", r["group_test_acc"], f"λ={lam}: group head test accuracy")
    ctx.run.metric("parameters", rows[0]["parameters"], "parameters of the multi-task network")


def lambda_observations(rows, single, chance, test) -> list[str]:
    by_lambda = {r["lambda"]: r for r in rows}
    notes = []
    majority = largest_group_share(test)
    if 0.0 in by_lambda:
        r = by_lambda[0.0]
        notes.append(
            f"λ = 0: the item loss has weight 0, so the item head gets no gradient and keeps its random initial "
            f"weights: its test accuracy is {r['item_test_acc']:.2%} (chance {chance['item']:.0%}), while the "
            f"group head reaches {r['group_test_acc']:.2%}. The network is a single-task group network with an "
            "unused head; the shared layers learn only group features."
        )
    if 1.0 in by_lambda:
        r = by_lambda[1.0]
        notes.append(
            f"λ = 1: the mirror case. The group head stays at its initial weights: {r['group_test_acc']:.2%} "
            f"(chance {chance['group']:.0%}; always answering the largest group would give {majority:.0%}), and the "
            f"item head reaches {r['item_test_acc']:.2%}."
        )
    inner = [r for r in rows if 0 < r["lambda"] < 1]
    if inner:
        best_item = max(inner, key=lambda r: r["item_test_acc"])
        best_group = max(inner, key=lambda r: r["group_test_acc"])
        notes.append(
            f"With both losses on (0 < λ < 1) one network serves both tasks: item accuracy is highest at "
            f"λ = {best_item['lambda']:g} ({best_item['item_test_acc']:.2%}), group accuracy at "
            f"λ = {best_group['lambda']:g} ({best_group['group_test_acc']:.2%})."
        )
    return notes


def compare_with_single_task(ctx: TaskContext, rows, single, n_test: int) -> None:
    """The multi-task network against the two 6.1 networks: accuracy, parameters, training time."""
    both_params = sum(r["parameters"] for r in single.values())
    both_seconds = sum(r["train_seconds"] for r in single.values())
    table = [
        {
            "model": "two single-task networks (6.1)",
            "item_test_acc": single["item"]["test_acc"],
            "group_test_acc": single["group"]["test_acc"],
            "parameters": both_params,
            "train_seconds": round(both_seconds, 1),
        }
    ] + [
        {
            "model": f"multi-task, λ={r['lambda']:g}",
            "item_test_acc": r["item_test_acc"],
            "group_test_acc": r["group_test_acc"],
            "parameters": r["parameters"],
            "train_seconds": r["train_seconds"],
        }
        for r in rows
    ]
    ctx.run.table("vs_single_task", table, title="Multi-task network against the two single-task networks")
    mtl = rows[0]
    ctx.answer(
        f"Size: the multi-task network has {mtl['parameters']:,} parameters against {both_params:,} for the two "
        f"single-task networks together ({mtl['parameters'] / both_params:.0%}): the convolutions and the "
        f"{ctx.settings.shared_dense}-unit dense layer exist once. One multi-task run (λ = {mtl['lambda']:g}) "
        f"trains both tasks in {mtl['train_seconds']:.0f} s against {both_seconds:.0f} s for the two networks."
    )
    half = next((r for r in rows if r["lambda"] == 0.5), None)
    if half:
        d_item = 100 * (half["item_test_acc"] - single["item"]["test_acc"])
        d_group = 100 * (half["group_test_acc"] - single["group"]["test_acc"])
        noise = {
            head: difference_noise(half[f"{head}_test_acc"], single[head]["test_acc"], n_test)
            for head in ("item", "group")
        }
        ctx.answer(
            f"At λ = 0.5 the multi-task network is {d_item:+.2f} points on items and {d_group:+.2f} points on "
            f"groups against the single-task networks (±{noise['item']:.2f} and ±{noise['group']:.2f} points is "
            f"the sampling noise of {n_test:,} test images at two standard errors; one seed each). "
            + sharing_note(d_item, d_group, noise["item"], noise["group"])
        )
    inner = [r["item_test_acc"] for r in rows if 0 < r["lambda"] < 1]
    spread = 100 * (max(inner) - min(inner)) if len(inner) > 1 else 0.0
    item_noise = difference_noise(single["item"]["test_acc"], single["item"]["test_acc"], n_test)
    time_share = mtl["train_seconds"] / both_seconds if both_seconds > 0 else None  # none timed in a dry run
    ctx.answer(pros_and_cons(mtl["parameters"] / both_params, time_share, spread, item_noise))
