"""bath-a2 Task 6.1: one CNN per task (item, group) on Fashion-MNIST, and the FAQ's optional Adam tuning."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcourse.data.labels import FASHION_GROUPS
from dlcourse.data.splits import validation_split
from dlcourse.plots.curves import learning_curves
from dlcourse.suites.bath_a2.task6 import (
    CLASSES,
    QUICK,
    TASK_NAMES,
    SingleTaskSettings,
    fashion_tasks,
    labels_of,
    largest_group_share,
    say_budget,
    single_task_cnn,
    single_task_rows,
)
from dlcourse.suites.context import TaskContext
from dlcourse.suites.registry import task
from dlcourse.train import evaluate, predict


@task(
    "bath-a2/6.1",
    "Single-task CNNs on Fashion-MNIST: item (10 classes) and group (3 classes)",
    brief=SingleTaskSettings(),
    quick=SingleTaskSettings(
        **QUICK,
        tune=True,
        tune_batch_sizes=(25, 100),
        tune_lrs=(1e-3, 1e-4),
        tune_epochs=1,
    ),
    shows=("single_task", "curves"),
)
def task_6_1(ctx: TaskContext) -> None:
    s: SingleTaskSettings = ctx.settings
    ds = ctx.load("fashion-mnist")
    train, test = fashion_tasks(ds)
    say_budget(ctx, len(train[1]), len(TASK_NAMES))
    ctx.say(
        f"Two networks of one structure: conv {list(s.filters)} (3x3, stride 1, 'same'), 2x2/stride-2 max pooling "
        f"after the first and second conv (28 -> 14 -> 7), flatten (7x7x{s.filters[-1]}), dense "
        f"{[s.shared_dense, *s.head]}, then 10 item logits or 3 group logits; ReLU; softmax in the loss. "
        f"Adam, lr {s.lr:g}, batch {s.batch_size}, {s.epochs} epochs ({s.lr_schedule} rate)."
    )
    rows = single_task_rows(ctx, train, test)
    for row in rows:
        ctx.run.metric(f"{row['task']}_test_acc", row["test_acc"], f"{row['task']} network: test accuracy")
    ctx.run.metric("parameters_each", rows[0]["parameters"], "parameters of the item network")
    ctx.run.metric("parameters_both", sum(r["parameters"] for r in rows), "parameters of both networks together")
    ctx.run.table("single_task", [public(r) for r in rows], title="Single-task networks: test accuracy, size, time")
    ctx.run.write_json("single_task.json", [public(r) for r in rows])
    ctx.run.figure(
        "curves",
        learning_curves({r["task"]: r["history"] for r in rows}, "Single-task CNNs"),
        caption="Accuracy and loss per epoch of the item and the group network",
    )
    ctx.answer(chance_note(rows, test))
    group_errors(ctx, ds.classes, rows[1]["model"], test)
    if s.tune:
        tune(ctx, train)


def public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("history", "model")}


def chance_note(rows: list[dict[str, Any]], test) -> str:
    majority = largest_group_share(test)
    item, group = rows
    return (
        f"Item network: {item['test_acc']:.2%} test accuracy (chance 10%). Group network: {group['test_acc']:.2%} "
        f"(chance 33%; always answering the largest group, uni-sex, would score {majority:.0%}). The group task "
        "has fewer classes but is not trivial: its errors come from items that look alike across groups."
    )


def group_errors(ctx: TaskContext, item_names: tuple[str, ...], model, test) -> None:
    """Which items the group network puts in the wrong group, as a table and a sentence."""
    items, groups = test[1][:, 0], test[1][:, 1]
    wrong = predict(model, test[0]).argmax(1).numpy() != groups
    rows = [
        {
            "item": item_names[i],
            "group": FASHION_GROUPS[groups[items == i][0]],
            "test_images": int((items == i).sum()),
            "wrong_group": int(wrong[items == i].sum()),
            "error_rate": round(float(wrong[items == i].mean()), 4),
            "share_of_errors": round(float(wrong[items == i].sum() / max(wrong.sum(), 1)), 4),
        }
        for i in range(len(item_names))
        if (items == i).any()
    ]
    rows.sort(key=lambda r: -r["wrong_group"])
    ctx.run.table("group_errors", rows, title="Group network: wrong groups by clothing item (test set)")
    top = rows[:3]
    ctx.say(
        "The group network's errors by item: "
        + ", ".join(f"{r['item']} ({r['group']}) {r['error_rate']:.1%}" for r in top)
        + f" of their test images put in the wrong group; together {sum(r['share_of_errors'] for r in top):.0%} "
        "of all its errors."
        + (
            ' Shirts sit in the brief\'s "gendered" group but look like T-shirts, pullovers and coats (uni-sex).'
            if top[0]["item"] == "Shirt"
            else ""
        )
    )


def tune(ctx: TaskContext, train) -> None:
    """The FAQ's optional Adam tuning: batch size x learning rate, scored on a stratified 10% validation split
    of the training set (the test set stays unseen), for each task."""
    s: SingleTaskSettings = ctx.settings
    fit_idx, val_idx = validation_split(np.arange(len(train[1])), train[1][:, 0], 0.1, seed=ctx.seed)
    fit_part = (train[0][fit_idx[0]], train[1][fit_idx[0]])
    val_part = (train[0][val_idx[0]], train[1][val_idx[0]])
    rows = []
    ctx.plan(len(TASK_NAMES) * len(s.tune_batch_sizes) * len(s.tune_lrs))
    for name in TASK_NAMES:
        for batch_size in s.tune_batch_sizes:
            for lr in s.tune_lrs:
                model = single_task_cnn(s, CLASSES[name])
                config = ctx.config(epochs=s.tune_epochs, batch_size=batch_size, lr=lr, lr_schedule="constant")
                history = ctx.fit(model, labels_of(fit_part, name), config, label=f"tune-{name}-b{batch_size}-lr{lr:g}")
                _, val_acc = evaluate(model, labels_of(val_part, name))
                seconds = sum(history.column("seconds"))
                rows.append(
                    {
                        "task": name,
                        "batch_size": batch_size,
                        "lr": lr,
                        "val_acc": round(val_acc, 4),
                        "train_seconds": round(seconds, 1),
                    }
                )
    ctx.run.table("tuning", rows, title=f"Adam tuning: validation accuracy after {s.tune_epochs} epoch(s)")
    for name in TASK_NAMES:
        best = max((r for r in rows if r["task"] == name), key=lambda r: r["val_acc"])
        ctx.answer(
            f"Tuning, {name}: best validation accuracy {best['val_acc']:.2%} with batch {best['batch_size']} and "
            f"lr {best['lr']:g} ({len(s.tune_batch_sizes) * len(s.tune_lrs)} settings, {s.tune_epochs} epoch(s) each)."
        )
