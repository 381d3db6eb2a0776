"""Steps that many tasks share: train a classifier and record what the briefs ask about it."""

from __future__ import annotations

from typing import Any

from torch import nn

from dlcourse.models import parameter_counts
from dlcourse.plots import learning_curves
from dlcourse.suites.context import TaskContext
from dlcourse.train import History, evaluate


def fit_and_score(ctx: TaskContext, model: nn.Module, train, test, label: str, **fit_kwargs: Any):
    """Fit with the task's epochs, batch size, lr (and schedule), then score the final model with a
    full pass over the train and test sets. Returns (history, final numbers); records nothing."""
    s = ctx.settings
    schedule = getattr(s, "lr_schedule", "constant")
    history = ctx.fit(
        model,
        train,
        test,
        label=label,
        epochs=s.epochs,
        batch_size=s.batch_size,
        lr=s.lr,
        lr_schedule=schedule,
        **fit_kwargs,
    )
    train_loss, train_acc = evaluate(model, train)
    test_loss, test_acc = evaluate(model, test)
    counts = parameter_counts(model)
    final = {
        "train_acc": train_acc,
        "test_acc": test_acc,
        "train_loss": train_loss,
        "test_loss": test_loss,
        "parameters": counts["total"],
        "weights": counts["weights"],
        "biases": counts["biases"],
        "seconds_per_epoch": history.mean_epoch_seconds(),
    }
    return history, final


def train_classifier(
    ctx: TaskContext, model: nn.Module, train, test, label: str, title: str, **fit_kwargs: Any
) -> tuple[History, dict[str, float]]:
    """Fit, then record final train/test accuracy (a full pass over each set), the per-epoch table,
    the learning curves, the parameter count and observations drawn from the curves."""
    history, final = fit_and_score(ctx, model, train, test, label, **fit_kwargs)
    ctx.run.metric("train_acc", final["train_acc"], "train accuracy after training")
    ctx.run.metric("test_acc", final["test_acc"], "test accuracy after training")
    ctx.run.metric(
        "parameters", final["parameters"], f"parameters ({final['weights']:,} weights + {final['biases']:,} biases)"
    )
    ctx.run.metric(
        "seconds_per_epoch", final["seconds_per_epoch"], f"training seconds per epoch ({history.meta['device']})"
    )
    ctx.run.history(label, history)
    ctx.run.table("epochs", [_epoch_row(r) for r in history.rows], title=f"{title}: per-epoch values")
    ctx.run.figure("curves", learning_curves({label: history}, title), caption=f"{title}: accuracy and loss per epoch")
    for text in curve_observations(history, final):
        ctx.say(text)
    return history, final


def _epoch_row(row: dict[str, float]) -> dict[str, Any]:
    return {
        "epoch": int(row["epoch"]),
        "train acc (%)": round(100 * row["train_acc"], 2),
        "test acc (%)": round(100 * row["test_acc"], 2),
        "train loss": round(row["train_loss"], 4),
        "test loss": round(row["test_loss"], 4),
        "seconds": round(row["seconds"], 2),
    }


def curve_observations(history: History, final: dict[str, float]) -> list[str]:
    """Plain statements read off the learning curves."""
    test_acc, test_loss = history.column("test_acc"), history.column("test_loss")
    best = max(range(len(test_acc)), key=test_acc.__getitem__)
    low = min(range(len(test_loss)), key=test_loss.__getitem__)
    gap = 100 * (final["train_acc"] - final["test_acc"])
    notes = [
        f"After training: train accuracy {final['train_acc']:.2%}, test accuracy {final['test_acc']:.2%} "
        f"(a gap of {gap:.2f} points)."
    ]
    notes.append(
        f"Test accuracy peaks at {test_acc[best]:.2%} in epoch {best + 1} of {len(test_acc)}; "
        f"test loss is lowest in epoch {low + 1}."
    )
    if low + 1 < len(test_loss) and test_loss[-1] > 1.1 * test_loss[low]:
        notes.append(
            f"Test loss rises from {test_loss[low]:.4f} to {test_loss[-1]:.4f} after epoch {low + 1} while train "
            "loss keeps falling: the model starts to overfit (more confident wrong answers), even though test "
            "accuracy changes little."
        )
    elif low + 1 == len(test_loss):
        notes.append("Test loss is still falling in the last epoch: more epochs may still help.")
    else:
        notes.append("Test loss has flattened near its minimum: the curves have converged for these settings.")
    return notes
