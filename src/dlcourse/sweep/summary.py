"""Reading a sweep's records: the ranking, table rows, and the score per value of each hyper-parameter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Record = dict[str, Any]


def main_metric(records: Sequence[Record]) -> str:
    """What to rank by: validation accuracy where the records have it, else test accuracy."""
    keys = {k for r in records for k in (r.get("metrics") or {})}
    return "val_acc" if "val_acc" in keys or "test_acc" not in keys else "test_acc"


def score_of(record: Record, metric: str) -> float | None:
    """The record's `metric`, or None for a trial that diverged."""
    return (record.get("metrics") or {}).get(metric)


def ranked(records: Sequence[Record], metric: str = "val_acc") -> list[Record]:
    """Best first by `metric`; diverged trials last, in their original order."""
    scored = [r for r in records if score_of(r, metric) is not None]
    failed = [r for r in records if score_of(r, metric) is None]
    return sorted(scored, key=lambda r: -score_of(r, metric)) + failed


def table_rows(records: Sequence[Record], metric: str = "val_acc") -> list[dict[str, Any]]:
    """One row per trial, best first: rank, each param's value, the score in %, train accuracy, seconds."""
    rows = []
    for rank, record in enumerate(ranked(records, metric), start=1):
        score = score_of(record, metric)
        metrics = record.get("metrics") or {}
        rows.append(
            {
                "rank": rank,
                **record["params"],
                f"{metric.replace('_acc', '')} acc (%)": round(100 * score, 2) if score is not None else "diverged",
                "train acc (%)": round(100 * metrics["train_acc"], 2) if "train_acc" in metrics else "",
                "seconds": round(record["timing"]["seconds"], 1),
                "trial": record["trial"],
            }
        )
    return rows


def marginals(records: Sequence[Record], metric: str = "val_acc") -> dict[str, dict[str, list[float]]]:
    """{param: {value label: scores of the trials that took that value}}, values in first-seen order.

    With a random search each value's trials vary every other param, so the spread of a value's scores
    shows how much it matters next to the rest; diverged trials are left out.
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
