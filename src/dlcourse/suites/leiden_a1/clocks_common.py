"""What the tell-the-time tasks (leiden-a1 2a-2d) share: the 80/10/10 split, one training path for every
label representation, and the comparison they record (their settings: `clocks_settings`)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from dlcourse.data.clock_data import ClockSet, load_clocks
from dlcourse.data.clocks import UPRIGHT, Variety
from dlcourse.models import clocknet, count_parameters
from dlcourse.plots.clocks import clock_grid, error_histograms, hhmm, training_curves
from dlcourse.suites import recipe
from dlcourse.suites.context import TaskContext
from dlcourse.suites.leiden_a1.clocks_settings import DESIGN_REASON, ClockSettings
from dlcourse.telltime import CONSTANT_BASELINE, Representation, common_sense_error, error_summary
from dlcourse.telltime.reader import representation_spec
from dlcourse.telltime.views import read_views
from dlcourse.train import History, Metrics

TOLERANCE = 10.0  # minutes: a clock read this close counts as read right in the per-epoch numbers
EVAL_BATCH = 1000  # clocks per evaluation batch: 150x150 activations of larger batches crowd a small GPU


@dataclass(frozen=True)
class ClockSplits:
    """The clocks shuffled and split 80/10/10; images as float32 N x 1 x H x W in [0, 1]."""

    data: ClockSet
    index: dict[str, np.ndarray]  # rows of data.images in each split
    x: dict[str, np.ndarray]

    @property
    def size(self) -> int:
        return self.data.size

    def labels(self, split: str) -> tuple[np.ndarray, np.ndarray]:
        hours, minutes = self.data.labels[self.index[split]].T
        return hours, minutes

    def times(self, split: str) -> np.ndarray:
        """True minutes since 12:00."""
        hours, minutes = self.labels(split)
        return hours * 60 + minutes

    def targets(self, split: str, rep: Representation) -> tuple[np.ndarray, np.ndarray]:
        """(images, targets): the representation's targets with the true minutes since 12:00 as a last
        column, so the per-epoch numbers can measure the real error whatever the representation."""
        encoded = rep.encode(*self.labels(split))
        return self.x[split], np.concatenate([encoded, self.times(split)[:, None].astype(np.float32)], 1)


def load_splits(ctx: TaskContext) -> ClockSplits:
    s: ClockSettings = ctx.settings
    start = time.perf_counter()
    with ctx.busy(f"loading or rendering {s.count:,} clocks at {s.size}x{s.size}"):
        data = load_clocks(s.images, s.count, s.size, s.data_seed, Variety(rotation=s.rotation), ctx.data_dir)
    seconds = time.perf_counter() - start
    ctx.say(f"{data.describe()} ({seconds:.1f} s to load or draw)" + "".join(f"; {n}" for n in data.notes))
    if data.source.startswith("rendered"):
        ctx.say(
            f"Rendered clocks are turned in their plane (half of them by up to ±{min(UPRIGHT, s.rotation):g}°, as "
            f"clocks mostly hang upright, the others by up to ±{s.rotation:g}°) and tilted in perspective by up to "
            "40°, so 12 is not always at the top; a dial marks 12 unlike the other hours (a triangle, a double "
            "bar, a large dot or two dots), without which a turned clock could not be read, or, hanging upright, "
            "by its numeral alone."
        )
    order = np.random.default_rng(s.data_seed).permutation(len(data.images))
    n_train, n_val = int(0.8 * len(order)), int(0.1 * len(order))
    index = {"train": order[:n_train], "val": order[n_train : n_train + n_val], "test": order[n_train + n_val :]}
    x = {k: data.images[v][:, None].astype(np.float32) / np.float32(255) for k, v in index.items()}
    ctx.say(
        f"Shuffled and split 80/10/10: {n_train:,} train, {n_val:,} validation, {len(index['test']):,} test clocks; "
        "models train on the first, are watched on the second and scored once on the third."
    )
    return ClockSplits(data, index, x)


@dataclass
class Result:
    rep: Representation
    row: dict[str, Any]
    predicted: np.ndarray  # minutes since 12:00 for each test clock
    errors: np.ndarray  # common-sense error (min) for each test clock
    history: History


def reader_spec(s: ClockSettings, rep: Representation, size: int) -> dict[str, Any]:
    """What rebuilds a trained clock reader (see `telltime.reader`): the network's arguments and the
    representation that decodes its outputs. The random turn is kept: it does nothing outside training, but
    it is a layer, and the saved weights' names count it."""
    network = {
        "filters": list(s.filters),
        "heads": list(rep.heads),
        "hidden": s.hidden,
        "in_size": size,
        "dropout": s.dropout,
        "stem": s.stem,
        "stem_stride": s.stem_stride,
        "turn": s.turn,
        "zoom": s.zoom,
        "light": s.light,
    }
    return {"network": network, "representation": representation_spec(rep), "views": list(s.views)}


def train_and_read(ctx: TaskContext, splits: ClockSplits, rep: Representation, label: str, index: int) -> Result:
    """Train a fresh clocknet for `rep` (the same initial seed for every representation), keep it in the run
    folder as `model_<index>.pt` and score it on the test clocks with the common-sense error."""
    s: ClockSettings = ctx.settings
    torch.manual_seed(ctx.seed)
    spec = reader_spec(s, rep, splits.size)
    model = clocknet(**spec["network"])

    def loss_fn(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return rep.loss(out, target[:, :-1])

    def within(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return (common_sense_error(rep.decode(out), target[:, -1]) <= TOLERANCE).sum()

    config = ctx.config(lr_schedule="cosine", optimizer="adamw", eval_batch_size=EVAL_BATCH)
    train, val = splits.targets("train", rep), splits.targets("val", rep)
    # Scored below in turned views, not by the recipe's single pass.
    trained = recipe.train_and_score(
        ctx, model, train, config, label=label, evals={"val": val}, score={}, loss_fn=loss_fn, metrics=Metrics(within)
    )
    history = trained.history
    predicted = read_views(model.eval(), rep, splits.x["test"], EVAL_BATCH, s.views)
    errors = common_sense_error(predicted, splits.times("test").astype(np.float64))
    ctx.run.checkpoint(f"model_{index}", model, spec | {"test_mean_min": float(errors.mean())})
    row = {
        "representation": rep.name,
        "outputs": rep.outputs,
        **error_summary(errors),
        "train_seconds": trained.seconds,
        "parameters": count_parameters(model),
    }
    return Result(rep, row, predicted, errors, history)


def compare(ctx: TaskContext, reps: list[Representation], title: str) -> tuple[ClockSplits, list[Result]]:
    """Train every representation on the same clocks and record the comparison the brief asks for."""
    s: ClockSettings = ctx.settings
    splits = load_splits(ctx)
    ctx.say(
        f"Network: {network_sentence(s)} AdamW (lr {s.lr:g}, cosine decay, weight decay {s.weight_decay:g}), "
        f"batch {s.batch_size}, {s.epochs} epochs; training images turned by a random angle up to ±{s.turn:g}°, "
        f"scaled by up to ±{s.zoom:g} and relit (gamma, contrast, brightness) by up to about {s.light:g}, anew each "
        "epoch. The brief leaves the network and its training to us; these are our choices."
    )
    ctx.say(DESIGN_REASON)
    if len(s.views) > 1:
        ctx.say(
            f"Every model reads each test clock in {len(s.views)} views turned by "
            f"{', '.join(f'{v:g}°' for v in s.views)} (a turned clock shows the same time) and keeps the reading "
            "closest to the others (the medoid), so that one view read an hour off is outvoted."
        )
    ctx.plan(len(reps))
    results = [train_and_read(ctx, splits, rep, label=rep.name, index=i) for i, rep in enumerate(reps)]
    record_comparison(ctx, splits, results, title)
    return splits, results


def network_sentence(s: ClockSettings) -> str:
    """The trunk and heads in words, with the map size after each step for the settings' image size."""
    edge, steps = s.size, []
    if s.stem:
        edge //= s.stem_stride
        steps.append(
            f"a {s.stem_stride}x{s.stem_stride} stride-{s.stem_stride} stem conv with {s.stem} channels ({edge}x{edge})"
        )
    for width in s.filters:
        edge //= 2
        steps.append(f"3x3 conv {width} + 2x2 max pool ({edge}x{edge})")
    return (
        "x/y coordinate channels added to the input, then "
        + ", ".join(steps)
        + f", each followed by batch norm and ReLU; flatten, then per head a {s.hidden}-unit dense layer and "
        "the outputs."
    )


def record_comparison(ctx: TaskContext, splits: ClockSplits, results: list[Result], title: str) -> None:
    run, s = ctx.run, ctx.settings
    best = min(results, key=lambda r: r.row["mean_min"])
    run.metric("best_mean_min", best.row["mean_min"], f"best mean common-sense error (min): {best.rep.name}")
    run.metric("best_median_min", best.row["median_min"], "its median common-sense error (min)")
    run.table("comparison", [table_row(r.row) for r in results], title=f"{title}: test clocks")
    run.write_json("results.json", {"rows": [r.row for r in results], "best": best.rep.name})
    run.array(
        "predictions",
        true=splits.times("test"),
        test_index=splits.index["test"],
        **{f"predicted_{i}": r.predicted for i, r in enumerate(results)},
        **{f"errors_{i}": r.errors for i, r in enumerate(results)},
    )
    for i, r in enumerate(results):
        run.history(f"r{i}", r.history)
    errors = {r.rep.name: r.errors for r in results}
    run.figure("errors", error_histograms(errors, title), caption=f"{title}: common-sense errors on the test clocks")
    curves = training_curves({r.rep.name: r.history for r in results}, TOLERANCE, title)
    run.figure("curves", curves, caption=f"{title}: share read within {TOLERANCE:g} min per epoch, and the loss")
    worst = np.argsort(-best.errors, kind="stable")[: s.shown]
    titles = [
        f"true {hhmm(t)}\nread {hhmm(p)}"
        for t, p in zip(splits.times("test")[worst], best.predicted[worst], strict=True)
    ]
    images = splits.data.images[splits.index["test"][worst]]
    run.figure(
        "worst",
        clock_grid(images, titles, title=f"{best.rep.name}: the {len(worst)} worst test predictions"),
        caption=f"The worst test predictions of the best representation here ({best.rep.name})",
    )
    for r in results:
        ctx.say(
            f"{r.rep.name}: mean error {r.row['mean_min']:.1f} min, median {r.row['median_min']:.1f} min, "
            f"{r.row['within_10']:.1%} of test clocks within 10 min ({r.row['train_seconds']:.0f} s of training; "
            f"always answering one time would average {CONSTANT_BASELINE:.0f} min)."
        )


def table_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "representation": row["representation"],
        "outputs": row["outputs"],
        "median error (min)": round(row["median_min"], 2),
        "mean error (min)": round(row["mean_min"], 2),
        "within 1 min (%)": round(100 * row["within_1"], 1),
        "within 5 min (%)": round(100 * row["within_5"], 1),
        "within 10 min (%)": round(100 * row["within_10"], 1),
        "training (s)": round(row["train_seconds"], 1),
        "parameters": row["parameters"],
    }
