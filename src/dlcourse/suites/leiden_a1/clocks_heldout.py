"""leiden-a1 2e: the saved readers of 2a-2d scored on clocks from the held-out renderer (`dlcourse.heldout`).

The held-out clocks are drawn by code that shares nothing with the training renderer and are never used to
train or to choose a model: they only measure how well a reader generalises to clocks drawn differently.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dlcourse.heldout.clocks import HeldoutClocks, heldout_clocks
from dlcourse.plots.clocks import clock_grid, hhmm
from dlcourse.suites.context import TaskContext
from dlcourse.telltime import common_sense_error, error_summary
from dlcourse.telltime.diagnosis import KINDS, LARGE, breakdown, describe, mistake_kinds
from dlcourse.telltime.reader import load_reader

HELDOUT_SEED = 2024  # fixed: the same held-out clocks for every run and every profile's size


@dataclass
class HeldoutScore:
    representation: str
    predicted: np.ndarray  # minutes since 12:00 read from each held-out clock
    errors: np.ndarray

    @property
    def summary(self) -> dict[str, float]:
        return error_summary(self.errors)


def draw(ctx: TaskContext, count: int, size: int) -> HeldoutClocks:
    with ctx.busy(f"drawing {count:,} held-out clocks at {size}x{size}"):
        clocks = heldout_clocks(count, size, HELDOUT_SEED)
    ctx.say(
        f"Held-out clocks: {count:,} at {size}x{size} from a second renderer written apart from the training one "
        "(other dials, marks, hands, a seconds hand, backgrounds, lighting and JPEG artefacts; the 12 within ±15° of "
        "the top). They are only scored: no model was trained or chosen on them."
    )
    return clocks


def score(clocks: HeldoutClocks, model_path: Path, representation: str) -> HeldoutScore | None:
    """The saved reader's errors on the held-out clocks, or None when its run kept no model."""
    if not model_path.is_file():
        return None
    predicted = load_reader(model_path).read(clocks.images)
    return HeldoutScore(representation, predicted, common_sense_error(predicted, clocks.times.astype(np.float64)))


def record_heldout(ctx: TaskContext, clocks: HeldoutClocks, scores: list[HeldoutScore], shown: int = 16) -> None:
    """The kinds of mistake of each reader, and the worst held-out readings of the best one."""
    rows = [{"representation": s.representation, **_percent(breakdown(s.predicted, clocks.times))} for s in scores]
    ctx.run.table(
        "heldout_mistakes",
        rows,
        title=f"Held-out clocks: share of clocks read within {LARGE:g} min and of each kind of mistake",
    )
    best = min(scores, key=lambda s: s.summary["mean_min"])
    shares = breakdown(best.predicted, clocks.times)
    for kind in ("within", *KINDS):
        ctx.run.metric(f"heldout_{kind.replace(' ', '_')}", shares[kind], f"held-out share: {kind}")
    kinds = mistake_kinds(best.predicted, clocks.times)
    by_style = [
        {
            "style": f"{name}: {value}",
            "clocks": int(mask.sum()),
            "mean error (min)": round(float(best.errors[mask].mean()), 2),
        }
        for name, column in clocks.styles.items()
        for value in sorted(set(column))
        if (mask := column == value).any()
    ]
    ctx.run.table("heldout_styles", by_style, title=f"{best.representation}: held-out mean error by style")
    worst = np.argsort(-best.errors, kind="stable")[:shown]
    titles = [
        f"true {hhmm(t)}\nread {hhmm(p)}\n{kinds[i] or 'close'}"
        for i, t, p in zip(worst, clocks.times[worst], best.predicted[worst], strict=True)
    ]
    ctx.run.figure(
        "heldout_worst",
        clock_grid(clocks.images[worst], titles, title=f"{best.representation}: the worst held-out readings"),
        caption=f"The worst readings of held-out clocks by the best reader there ({best.representation})",
    )
    ctx.run.array("heldout", true=clocks.times, **{f"predicted_{i}": s.predicted for i, s in enumerate(scores)})
    ctx.answer(f"Held-out mistakes of {best.representation}: {describe(shares)}.")  # how it fails, in one line


def _percent(shares: dict[str, float]) -> dict[str, float]:
    return {
        (f"within {LARGE:g} min (%)" if k == "within" else f"{k} (%)"): round(100 * v, 1) for k, v in shares.items()
    }
