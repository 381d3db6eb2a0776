"""Two or more variants of one fit3181-a1 Part 3 model, each trained over several seeds: one table row per
variant (mean ± std), one per run, and a verdict that weighs the difference against seed noise.

Every variant trains with the same seeds, so the runs of one seed share their data order (and their initial
weights, where the variants share a model); the difference of two variants is then judged on the paired,
same-seed differences, whose spread is what a change within noise looks like.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from dlcourse.plots.curves import learning_curves
from dlcourse.settings import setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.fit3181_a1.part3_common import (
    BEST_MODEL,
    CnnSettings,
    Images,
    Trained,
    comparison_row,
    describe,
    save_model,
    train_model,
)
from dlcourse.suites.spread import mean_std, paired_noise

Runs = dict[str, list[Trained]]  # each variant's runs, one per seed


def compare(
    ctx: TaskContext,
    data: Images,
    spec: dict[str, Any],
    lr: float,
    variants: dict[str, dict[str, Any]],
    title: str,
    *,
    model: str | None = None,
    save_best: bool = True,
) -> Runs:
    """Train each variant (keyword arguments of `train_model`, plus `spec` where a variant changes the model)
    once per seed, the same seeds for every variant, so each seed's runs start from the same data order (and
    the same weights, where the model is the same). Record a table with one row per variant (mean ± std over
    the seeds) and one per run, the first seed's curves and every history; with `save_best`, save the single
    run with the best validation accuracy for later tasks; return the runs by variant. `model` describes the
    model in the titles (default: `spec`'s description)."""
    seeds: int = ctx.settings.seeds
    results: Runs = {}
    specs = {name: options.get("spec", spec) for name, options in variants.items()}
    ctx.plan(seeds * len(variants))
    for name, options in variants.items():
        options = {k: v for k, v in options.items() if k != "spec"}
        results[name] = []
        for k in range(seeds):
            label = name if seeds == 1 else f"{name}, seed {k}"
            trained = train_model(ctx, data, specs[name], label, lr=lr, seed=ctx.seed + k, **options)
            ctx.run.history(label, trained.history)
            results[name].append(trained)
    model = model or describe(spec)
    ctx.run.table(
        "comparison",
        [summary_row(name, runs) for name, runs in results.items()],
        title=f"{title}: {model}, lr {lr:g}" + (f"; mean ± std over {seeds} seeds" if seeds > 1 else ""),
    )
    if seeds > 1:
        rows = [comparison_row(f"{name}, seed {k}", t, t.scores) for name, runs in results.items()
                for k, t in enumerate(runs)]  # fmt: skip
        ctx.run.table("comparison_runs", rows, title=f"{title}: every run")
    first = {name: runs[0].history for name, runs in results.items()}
    caption = f"{title}: learning curves" + (" (the first seed of each)" if seeds > 1 else "")
    ctx.run.figure("curves", learning_curves(first, title), caption=caption)
    if save_best:
        name, best = max(((n, t) for n, runs in results.items() for t in runs), key=lambda nt: nt[1].scores["val_acc"])
        save_model(ctx, BEST_MODEL, best.model, specs[name], val_acc=best.scores["val_acc"], variant=name)
    for key in ("val_acc", "test_acc"):
        for name, runs in results.items():
            values = [t.scores[key] for t in runs]
            split = key.replace("_acc", "")
            ctx.run.metric(f"{key}_{name.replace(' ', '_')}", statistics.mean(values), f"{split} accuracy, {name}")
    return results


def summary_row(name: str, runs: list[Trained]) -> dict[str, Any]:
    """One variant's row: its single run as `comparison_row` gives it, or the mean ± std of its runs."""
    if len(runs) == 1:
        return comparison_row(name, runs[0], runs[0].scores)
    per_run = [comparison_row(name, t, t.scores) for t in runs]
    row: dict[str, Any] = {"model": name, "runs": len(runs)}
    for column in ("epochs", "train acc (%)", "val acc (%)", "test acc (%)", "train-val gap", "seconds"):
        row[column] = mean_std([r[column] for r in per_run])
    return row


def verdict(results: Runs, with_: str, without: str) -> str:
    """The test accuracy of two variants and their difference, with the train-validation gaps; over several
    seeds, the difference is the mean of the paired (same-seed) differences, called within seed noise when it
    is smaller than twice its standard error."""
    a, b = results[with_], results[without]
    test_a, test_b = ([100 * t.scores["test_acc"] for t in runs] for runs in (a, b))
    gap_a, gap_b = (statistics.mean(100 * (t.scores["train_acc"] - t.scores["val_acc"]) for t in r) for r in (a, b))
    change = [x - y for x, y in zip(test_a, test_b, strict=True)]
    mean_a, mean_b, mean_change = statistics.mean(test_a), statistics.mean(test_b), statistics.mean(change)
    said = (
        f"{with_[0].upper() + with_[1:]}: test {mean_a:.2f}%; {without}: test {mean_b:.2f}%, a change of "
        f"{mean_change:+.2f} points. The train-validation gap is {gap_a:.1f} points {with_} and {gap_b:.1f} {without}."
    )
    if len(change) == 1:
        return said + " One seed each: differences under about a point are within seed noise."
    noise = paired_noise(change)
    judged = "within seed noise" if abs(mean_change) < noise else "larger than seed noise"
    return said + (
        f" Over {len(change)} seeds the paired differences are {', '.join(f'{d:+.2f}' for d in change)}: "
        f"the change is {judged} (twice its standard error is {noise:.2f} points)."
    )


@dataclass(frozen=True)
class Seeded(CnnSettings):
    seeds: int = setting(3, "runs per variant, each with its own seed; the table gives mean ± std", min=1)
