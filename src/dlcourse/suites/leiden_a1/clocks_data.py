"""leiden-a1 Task 2: the tell-the-time clocks themselves, shown with their times."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dlcourse.data.clock_data import ClockSet, load_clocks
from dlcourse.data.clocks import UPRIGHT, Variety
from dlcourse.plots.clocks import clock_grid
from dlcourse.settings import setting
from dlcourse.suites.context import TaskContext
from dlcourse.suites.leiden_a1.clocks_settings import QUICK, ClockDataSettings
from dlcourse.suites.registry import task


@dataclass(frozen=True)
class SamplesSettings(ClockDataSettings):
    shown: int = setting(16, "clocks shown with their times", min=1)


@task(
    "leiden-a1/2",
    "Tell the time: the clock images and their labels",
    brief=SamplesSettings(),
    quick=SamplesSettings(count=QUICK["count"], size=QUICK["size"]),
    shows=("samples",),
)
def task_2(ctx: TaskContext) -> None:
    s: SamplesSettings = ctx.settings
    data = load_clocks(s.images, s.count, s.size, s.data_seed, Variety(rotation=s.rotation), ctx.data_dir)
    ctx.say(data.describe() + "".join(f"; {n}" for n in data.notes))
    ctx.run.metric("clocks", len(data.images), "clocks")
    ctx.run.metric("image_size", data.size, "image edge (pixels)")
    ctx.run.table("labels", [labels_row(data)], title="The labels and their spread")
    if data.source.startswith("rendered"):
        say_how_drawn(ctx, len(data.images))
    shown = np.random.default_rng(s.data_seed).choice(
        len(data.images), size=min(s.shown, len(data.images)), replace=False
    )
    titles = [f"{h}:{m:02d}" for h, m in data.labels[shown]]
    ctx.run.array("shown", images=data.images[shown], labels=data.labels[shown])
    ctx.run.figure(
        "samples", clock_grid(data.images[shown], titles), caption=f"{len(shown)} random clocks with their times"
    )


def labels_row(data: ClockSet) -> dict[str, object]:
    """How the labels spread over the dial: distinct times, clocks per time and per hour, the mean pixel."""
    hours, minutes = data.labels.T
    per_time = np.bincount(hours * 60 + minutes, minlength=720)
    per_hour = np.bincount(hours, minlength=12)
    return {
        "labels": "hour 0-11, minute 0-59",
        "distinct times": int((per_time > 0).sum()),
        "clocks per time": f"{per_time.min()}-{per_time.max()}",
        "clocks per hour": f"{per_hour.min()}-{per_hour.max()}",
        "mean pixel": round(float(data.images.mean()), 1),
    }


def say_how_drawn(ctx: TaskContext, count: int) -> None:
    """Fixed text: what the renderer varies (a description of the drawing code, not a finding)."""
    s: SamplesSettings = ctx.settings
    ctx.disclose(
        f"The brief's clock images are not public: these {count:,} clocks are drawn by dlcourse's "
        f"renderer at {s.size}x{s.size} pixels, with the variety that Task 2 in the appendix lists."
    )
    ctx.say(
        "The clocks are drawn: random dials (round, rounded square "
        "or octagon; rim or none; minute ticks or none; bar, dot or no hour marks; Arabic, Roman, quarter or no "
        "numerals; sometimes a logo), hands of random length, width, taper and shape (bar, lozenge, arrow) with "
        "the hour hand always clearly shorter and thicker, a thin seconds hand on half of them, the whole "
        f"clock turned in its plane (half by up to ±{min(UPRIGHT, s.rotation):g}°, the rest by up to "
        f"±{s.rotation:g}°) and tilted in perspective by up to 40°, plain, "
        "blotchy or striped backgrounds, a light reflection on the glass, hand shadows, uneven light, blur, "
        "noise and JPEG compression. A turned clock can only be read relative to a cue at 12: most dials mark "
        "12 unlike the other hours (a triangle, a double bar, a large dot or two dots); on the rest only the "
        "numeral 12 tells it apart, and those clocks hang upright, as such a clock turned far could not be read."
    )
