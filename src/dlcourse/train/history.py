"""Per-epoch training records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

COLUMNS = ("epoch", "train_loss", "train_acc", "test_loss", "test_acc", "seconds", "samples_per_s")


@dataclass
class History:
    """One row per epoch: train loss/accuracy (running means over the epoch's batches), test loss/accuracy
    (after the epoch), training wall time in seconds and throughput in samples per second.

    `meta` holds how the numbers were made (device, batch size, optimiser, fast path).
    """

    rows: list[dict[str, float]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def append(self, **row: float) -> None:
        self.rows.append(row)

    def column(self, name: str) -> list[float]:
        return [row.get(name, float("nan")) for row in self.rows]

    @property
    def last(self) -> dict[str, float]:
        return self.rows[-1] if self.rows else {}

    def __len__(self) -> int:
        return len(self.rows)

    def metrics(self) -> list[dict[str, float]]:
        """The learning-curve values only (no timings): what must repeat exactly for the same seed."""
        return [{k: v for k, v in row.items() if k not in ("seconds", "samples_per_s")} for row in self.rows]

    def mean_epoch_seconds(self) -> float:
        """Mean training seconds per epoch; the first epoch is left out when there are more (warm-up)."""
        secs = self.column("seconds")
        secs = secs[1:] if len(secs) > 1 else secs
        return sum(secs) / len(secs) if secs else float("nan")

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "meta": self.meta}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> History:
        return cls(rows=list(data["rows"]), meta=dict(data.get("meta", {})))
