"""Train, score, record: what every task that trains a model does with it, in one place.

`train_and_score` fits a model and scores its final weights with full eval-mode passes; `record` writes
what the briefs ask about a trained model: the history, the per-epoch table, the learning curves, the
headline numbers and the notes read off the curves (where the held-out accuracy peaks, whether the loss
turns up, how far train and held-out accuracy are apart).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import torch.nn.functional as F
from torch import nn

from dlcourse.models import parameter_counts
from dlcourse.plots.curves import learning_curves
from dlcourse.suites.context import TaskContext
from dlcourse.train import ACCURACY, History, Metrics, TrainConfig, evaluate
from dlcourse.train.steps import LossFn

SPLIT_NAMES = {"train": "train", "val": "validation", "test": "test"}


@dataclass
class Trained:
    model: nn.Module
    history: History
    scores: dict[str, float] = field(default_factory=dict)  # "<split>_loss", "<split>_acc": full eval passes

    @property
    def parameters(self) -> dict[str, int]:
        return parameter_counts(self.model)

    @property
    def seconds(self) -> float:
        """Training seconds (the epochs' wall time, scoring excluded)."""
        return float(sum(self.history.column("seconds")))

    @property
    def held_out(self) -> str:
        """The split that plays the held-out role in the curves: validation when there is one, else test."""
        return "val" if "val_acc" in self.history.last else "test"


def train_and_score(
    ctx: TaskContext,
    model: nn.Module,
    train,
    config: TrainConfig,
    *,
    label: str,
    evals: Mapping[str, Any] | None = None,
    score: Mapping[str, Any] | None = None,
    loss_fn: LossFn = F.cross_entropy,
    metrics: Metrics = ACCURACY,
    **fit_kwargs: Any,
) -> Trained:
    """Fit `model`, then score the final weights on `score` (default: the training set and every set in
    `evals`) with full passes in eval mode: no dropout, running batch-norm statistics, unaugmented images."""
    history = ctx.fit(model, train, config, evals=evals, label=label, loss_fn=loss_fn, metrics=metrics, **fit_kwargs)
    sets = dict(score) if score is not None else {"train": train, **(evals or {})}
    sets = {split: data for split, data in sets.items() if data is not None}
    scores: dict[str, float] = {}
    if sets:  # score={}: the caller scores the model its own way
        with ctx.busy(f"scoring {label} on {', '.join(sets)}"):
            for split, data in sets.items():
                loss, acc = evaluate(model, data, loss_fn=loss_fn, metrics=metrics)
                scores[f"{split}_loss"], scores[f"{split}_acc"] = loss, acc
    return Trained(model, history, scores)


def record(
    ctx: TaskContext,
    trained: Trained,
    *,
    name: str,
    title: str,
    headline: bool = True,
    spec: dict[str, Any] | None = None,
    curves_answer: bool = False,
    curves: bool = True,
) -> None:
    """The history, per-epoch table, learning curves and curve notes of `trained`; with `headline`, also the
    final accuracies, parameter count and seconds per epoch as the run's metrics; with `spec` (what rebuilds
    the model), the weights as `<name>.pt` for later tasks. With `curves_answer` (where the brief asks what the
    learning curves show), the curve notes answer the brief and the main report shows them; otherwise they
    are details. Without `curves`, the caller draws the curves in a figure of its own."""
    run, history, scores = ctx.run, trained.history, trained.scores
    if headline:
        for split in ("train", "val", "test"):
            if f"{split}_acc" in scores:
                run.metric(f"{split}_acc", scores[f"{split}_acc"], f"{SPLIT_NAMES[split]} accuracy after training")
        counts = trained.parameters
        run.metric(
            "parameters", counts["total"], f"parameters ({counts['weights']:,} weights + {counts['biases']:,} biases)"
        )
        seconds = history.mean_epoch_seconds()
        run.metric("seconds_per_epoch", seconds, f"training seconds per epoch ({history.meta['device']})")
    run.history(name, history)
    run.table("epochs", [epoch_row(r) for r in history.rows], title=f"{title}: per-epoch values")
    if curves:
        run.figure("curves", learning_curves({name: history}, title), caption=f"{title}: accuracy and loss per epoch")
    for text in curve_notes(trained):
        if curves_answer:
            ctx.answer(text)
        else:
            ctx.say(text)
    if spec is not None:
        run.checkpoint(name, trained.model, spec=spec)


def epoch_row(row: dict[str, float]) -> dict[str, Any]:
    """One epoch for a table: accuracies in percent, then losses, then seconds, for whichever splits ran."""
    splits = [s for s in ("train", "val", "test") if f"{s}_acc" in row]
    out: dict[str, Any] = {"epoch": int(row["epoch"])}
    out |= {f"{s} acc (%)": round(100 * row[f"{s}_acc"], 2) for s in splits}
    out |= {f"{s} loss": round(row[f"{s}_loss"], 4) for s in splits}
    return out | {"seconds": round(row["seconds"], 2)}


def curve_notes(trained: Trained) -> list[str]:
    """Plain statements read off the learning curves and the final scores."""
    history, scores = trained.history, trained.scores
    held = trained.held_out
    name = SPLIT_NAMES[held]
    accs, losses = history.column(f"{held}_acc"), history.column(f"{held}_loss")
    best = max(range(len(accs)), key=accs.__getitem__)
    low = min(range(len(losses)), key=losses.__getitem__)
    notes = []
    if "train_acc" in scores and f"{held}_acc" in scores:
        gap = 100 * (scores["train_acc"] - scores[f"{held}_acc"])
        notes.append(
            f"After training: train accuracy {scores['train_acc']:.2%}, {name} accuracy {scores[f'{held}_acc']:.2%} "
            f"(a gap of {gap:.2f} points)."
        )
    notes.append(
        f"{name.capitalize()} accuracy peaks at {accs[best]:.2%} in epoch {best + 1} of {len(accs)}; {name} loss "
        f"is lowest in epoch {low + 1}."
    )
    if low + 1 < len(losses) and losses[-1] > 1.1 * losses[low]:
        notes.append(
            f"{name.capitalize()} loss rises from {losses[low]:.4f} to {losses[-1]:.4f} after epoch {low + 1} while "
            "train loss keeps falling: the model starts to overfit (more confident wrong answers), even when "
            f"{name} accuracy changes little."
        )
    elif low + 1 == len(losses):
        notes.append(f"{name.capitalize()} loss is still falling in the last epoch: more epochs may still help.")
    else:
        notes.append(f"{name.capitalize()} loss has flattened near its minimum: the curves have converged here.")
    return notes
