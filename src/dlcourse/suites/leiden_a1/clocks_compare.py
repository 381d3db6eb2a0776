"""leiden-a1 Task 2, subtask 2: the best model of each representation, side by side (from runs 2a-2d)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dlcourse.errors import DataNotFound
from dlcourse.plots.clocks import error_cdfs
from dlcourse.runs import load_json
from dlcourse.settings import Settings
from dlcourse.suites.context import TaskContext
from dlcourse.suites.leiden_a1.clocks_common import table_row
from dlcourse.suites.registry import task

SUBTASKS = {"2a": "classification", "2b": "regression", "2c": "multi-head", "2d": "periodic labels"}
DATA_SETTINGS = ("images", "count", "size", "rotation", "data_seed")  # equal settings: the same test clocks


@dataclass(frozen=True)
class CompareSettings(Settings):
    pass


@task(
    "leiden-a1/2e",
    "Tell the time: the representations compared (brief subtask 2)",
    brief=CompareSettings(),
    quick=CompareSettings(),
)
def task_2e(ctx: TaskContext) -> None:
    rows, errors, missing, data = [], {}, [], {}
    for name, kind in SUBTASKS.items():
        folder = ctx.earlier_run(name)
        results = load_json(folder / "results.json") if folder else None
        if not results:
            missing.append(f"leiden-a1/{name}")
            continue
        i, best = min(enumerate(results["rows"]), key=lambda item: item[1]["mean_min"])
        rows.append({"subtask": f"{name} {kind}", **table_row(best)})
        settings = load_json(folder / "provenance.json")["settings"]
        data[name] = tuple(settings[k] for k in DATA_SETTINGS)
        with np.load(folder / "predictions.npz") as saved:
            errors[best["representation"]] = saved[f"errors_{i}"]
    if not rows:
        raise DataNotFound(f"no finished {ctx.profile}-profile runs of leiden-a1/2a-2d to compare; run them first")
    if missing:
        ctx.say(f"Not run yet with the {ctx.profile} profile, so not compared: {', '.join(missing)}.")
    if len(set(data.values())) > 1:
        ctx.say(
            f"The runs did not all read the same clocks ({', '.join(DATA_SETTINGS)} differ: "
            + "; ".join(f"{name} {values}" for name, values in data.items())
            + "), so their numbers compare only loosely."
        )
    rows.sort(key=lambda r: r["mean error (min)"])
    ctx.run.table("best", rows, title="The best model of each representation, by mean common-sense error")
    ctx.run.figure(
        "cdf", error_cdfs(errors, "Test clocks read within x minutes"), caption="Error distribution of each best model"
    )
    ctx.run.metric(
        "best_mean_min", rows[0]["mean error (min)"], f"best mean common-sense error (min): {rows[0]['representation']}"
    )
    ctx.run.metric("best_median_min", rows[0]["median error (min)"], "its median common-sense error (min)")
    ctx.say(
        f"Best: {rows[0]['representation']} ({rows[0]['subtask']}), mean {rows[0]['mean error (min)']} min, median "
        f"{rows[0]['median error (min)']} min; worst of the best: {rows[-1]['representation']}, mean "
        f"{rows[-1]['mean error (min)']} min."
    )
