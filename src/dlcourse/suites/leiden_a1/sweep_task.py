"""leiden-a1 Task 1: hyper-parameter search for Géron's MLP and CNN on Fashion-MNIST, then the best three
settings of each retrained on the whole training set and on CIFAR-10.

Each search is a random search (Bergstra and Bengio, 2012) over initialisation, activation, optimiser with
its rate and momentum, regularisation (none, L1, L2, dropout) and width/depth, run by `dlcourse.sweep`:
every trial trains on 90% of the training set and is scored on one stratified, seeded 10% validation
split, so the test set plays no part in choosing. A pruner (Optuna's median pruner by default) stops a
trial whose validation accuracy after an epoch is below the median of the earlier trials at that epoch,
and the task says how many epochs that saved. Trials are appended to `<runs>/leiden-a1/1.trials/` as they
end, with the Optuna study beside them, so a killed run resumes where it stopped.
"""

from __future__ import annotations

import functools
import time

from dlcourse.device import describe_device
from dlcourse.errors import InvalidSetting
from dlcourse.plots.sweep import marginal_scores
from dlcourse.suites.context import TaskContext
from dlcourse.suites.leiden_a1.sweep_notes import failed_note, search_notes
from dlcourse.suites.leiden_a1.sweep_settings import (
    NETWORKS,
    REPORTED_TRIALS,
    SweepSettings,
    cnn_space,
    data_source,
    dry_run_settings,
    mlp_space,
    sweep_trials,
)
from dlcourse.suites.leiden_a1.sweep_transfer import transfer
from dlcourse.suites.registry import task
from dlcourse.sweep.runner import default_workers
from dlcourse.sweep.study import Pruning
from dlcourse.sweep.summary import compute_saved, marginals, ranked, saved_line, table_rows
from dlcourse.train.classify import check


@task(
    "leiden-a1/1",
    "Fashion-MNIST hyper-parameter search for Géron's MLP and CNN; the best three of each on CIFAR-10",
    brief=SweepSettings(),
    quick=SweepSettings(
        mlp_trials=4,
        cnn_trials=3,
        mlp_epochs=1,
        cnn_epochs=1,
        final_mlp_epochs=1,
        final_cnn_epochs=1,
        top=2,
        cnn_width=0.125,
        train_size=1000,
        workers=1,
        threads=1,  # tiny models train faster on one thread than on several that compete for shared cores
    ),
    shows=("transfer", "mlp_marginals", "cnn_marginals"),
    details=(
        "mlp_epochs_trained",
        "mlp_epoch_budget",
        "cnn_epochs_trained",
        "cnn_epoch_budget",
        "search_seconds",
        "total_seconds",
        "trial_seconds",
    ),
)
def task_1(ctx: TaskContext) -> None:
    if ctx.dry_run:
        ctx.settings = dry_run_settings(ctx.settings)
    s: SweepSettings = ctx.settings
    unknown = set(s.networks) - set(NETWORKS)
    if unknown or not s.networks:
        raise InvalidSetting(f"networks takes {' and/or '.join(NETWORKS)}, got {', '.join(s.networks) or 'nothing'}")
    trials_dir = ctx.run.final.parent / f"{ctx.run.final.name}.trials"
    context = {"data_dir": str(ctx.data_dir) if ctx.data_dir else None, "device": str(ctx.device)}
    workers = s.workers or default_workers()
    ctx.say(
        f"Trials run on the {s.backend} backend, {workers} at a time, on {describe_device(ctx.device)}; "
        f"records stream to {ctx.task_id}.trials in the runs folder, and a rerun resumes from them."
    )
    start = time.perf_counter()
    source = data_source(ctx, "fashion-mnist")
    builders = {"mlp": mlp_space, "cnn": functools.partial(cnn_space, device=str(ctx.device))}
    searched = {}
    for net in (n for n in NETWORKS if n in s.networks):
        trials = builders[net](s, source, ctx.seed).trials()
        notes = check([t.config for t in trials], context["data_dir"])
        if not searched:
            ctx.say("Search data: " + "; ".join(notes["fashion-mnist"]), "data")  # the first page's data row
        pruning = Pruning(s.pruner, getattr(s, f"{net}_prune_after"))
        searched[net] = sweep_trials(ctx, net, trials, trials_dir / f"{net}.jsonl", context, workers, pruning)
        record_search(ctx, net, searched[net], s)
    search_seconds = time.perf_counter() - start
    finals = transfer(ctx, searched, trials_dir / "final.jsonl", context, workers)
    ctx.run.metric("search_seconds", round(search_seconds, 1), "wall seconds of the searches (this run)")
    ctx.run.metric("total_seconds", round(time.perf_counter() - start, 1), "wall seconds of the task (this run)")
    trial_seconds = sum(r["timing"]["seconds"] for records in (*searched.values(), finals) for r in records)
    ctx.run.metric("trial_seconds", round(trial_seconds, 1), "seconds of all trials, as run (resumed ones too)")
    ctx.run.write_json("trials.json", {**searched, "final": finals})


def record_search(ctx: TaskContext, net: str, records: list[dict], s: SweepSettings) -> None:
    name = NETWORKS[net]
    epochs = s.mlp_epochs if net == "mlp" else s.cnn_epochs
    rows = table_rows(records)
    ctx.run.table(
        f"{net}_trials",
        rows,
        title=f"{name}: the trials, best validation accuracy first ({epochs} epochs)",
        shown=REPORTED_TRIALS,
    )
    ctx.run.table(f"{net}_top", rows[: s.top], title=f"{name}: the {s.top} best settings")
    by_value = marginals(records)
    ctx.run.figure(
        f"{net}_marginals",
        marginal_scores(by_value, f"{name}: validation accuracy per hyper-parameter value"),
        caption=f"{name}: each dot is one trial trained to the end, at the value it took; bars are their means",
    )
    best = ranked(records)[0]
    ctx.run.metric(f"best_{net}_val_acc", best["metrics"]["val_acc"], f"best {net.upper()} validation accuracy")
    trained, budget = compute_saved(records)
    ctx.run.metric(
        f"{net}_epochs_trained", trained, f"epochs the {net.upper()} search trained, pruned trials' included"
    )
    ctx.run.metric(f"{net}_epoch_budget", budget, f"epochs of every {net.upper()} trial trained to the end")
    ctx.run.metric(f"{net}_compute_saved", round(1 - trained / budget, 4), "share of the epoch budget the pruner saved")
    after = getattr(s, f"{net}_prune_after")
    ctx.say(f"{name}: {saved_line(records)} by the {s.pruner} pruner, which judges a trial from its epoch {after} on.")
    for text in search_notes(name, records, by_value):
        ctx.answer(text)
    failed = failed_note(name, records)
    if failed:
        ctx.say(failed)
