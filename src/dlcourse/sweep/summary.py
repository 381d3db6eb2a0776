"""Reading a sweep's records: the ranking, table rows, the score per value of each hyper-parameter, and the
compute the pruner saved."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Record = dict[str, Any]


def main_metric(records: Sequence[Record]) -> str:
    """What to rank by: validation accuracy where the records have it, else test accuracy."""
    keys = {k for r in records for k in (r.get("metrics") or {})}
    return "val_acc" if "val_acc" in keys or "test_acc" not in keys else "test_acc"


def score_of(record: Record, metric: str) -> float | None:
    """The record's `metric`, or None for a trial that was pruned or diverged."""
    return (record.get("metrics") or {}).get(metric)


def ranked(records: Sequence[Record], metric: str = "val_acc") -> list[Record]:
    """Best first by `metric`; then the pruned trials, best last reported value first (their scores are
    from fewer epochs, so they rank below every finished trial); diverged trials last, in their order."""
    scored = [r for r in records if score_of(r, metric) is not None]
    pruned = [r for r in records if r.get("pruned")]
    failed = [r for r in records if score_of(r, metric) is None and not r.get("pruned")]
    return (
        sorted(scored, key=lambda r: -score_of(r, metric))
        + sorted(pruned, key=lambda r: -((r.get("curve") or [0.0])[-1]))
        + failed
    )


def compute_saved(records: Sequence[Record]) -> tuple[int, int]:
    """(epochs trained, epochs a full training of every trial would take) over the trials that have an
    epoch budget; what pruning (and divergence) left untrained is the difference."""
    budgeted = [r for r in records if isinstance(r.get("budget"), int)]
    return sum(r["epochs"] for r in budgeted), sum(r["budget"] for r in budgeted)


def saved_line(records: Sequence[Record]) -> str | None:
    """'3 of 30 trials pruned; epochs trained 250 of a full budget of 300 (17% saved)', or None for records
    without an epoch budget."""
    trained, budget = compute_saved(records)
    if not budget:
        return None
    pruned = sum(bool(r.get("pruned")) for r in records)
    return (
        f"{pruned} of {len(records)} trials pruned; epochs trained {trained} of a full budget of {budget} "
        f"({1 - trained / budget:.0%} saved)"
    )


def table_rows(records: Sequence[Record], metric: str = "val_acc") -> list[dict[str, Any]]:
    """One row per trial, best first: rank, each param's value, the score in % ("pruned" or "diverged" for
    a trial stopped early), train accuracy, epochs trained, seconds."""
    rows = []
    for rank, record in enumerate(ranked(records, metric), start=1):
        score = score_of(record, metric)
        metrics = record.get("metrics") or {}
        stopped = "pruned" if record.get("pruned") else "diverged"
        rows.append(
            {
                "rank": rank,
                **record["params"],
                f"{metric.replace('_acc', '')} acc (%)": round(100 * score, 2) if score is not None else stopped,
                "train acc (%)": round(100 * metrics["train_acc"], 2) if "train_acc" in metrics else "",
                "epochs": _epochs(record),
                "seconds": round(record["timing"]["seconds"], 1),
                "trial": record["trial"],
            }
        )
    return rows


def _epochs(record: Record) -> str:
    """'10', or '2 of 10' for a trial stopped early; '' for an objective without epochs."""
    epochs, budget = record.get("epochs"), record.get("budget")
    if epochs is None:
        return ""
    return str(epochs) if epochs == budget else f"{epochs} of {budget}"


def marginals(records: Sequence[Record], metric: str = "val_acc") -> dict[str, dict[str, list[float]]]:
    """{param: {value label: scores of the trials that took that value}}, values in first-seen order.

    With a random search each value's trials vary every other param, so the spread of a value's scores
    shows how much it matters next to the rest; pruned and diverged trials are left out.
    """
    out: dict[str, dict[str, list[float]]] = {}
    for record in records:
        score = score_of(record, metric)
        if score is None:
            continue
        for param, value in record["params"].items():
            out.setdefault(param, {}).setdefault(value, []).append(score)
    return out


def spread(values: dict[str, list[float]]) -> float:
    """Best minus worst mean score over a param's values: a rough measure of how much the param matters."""
    means = [sum(v) / len(v) for v in values.values()]
    return max(means) - min(means)
