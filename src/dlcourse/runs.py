"""A task run's folder: `runs/<suite>/<task>/` with metrics, tables, figures, arrays, histories, provenance.

A run writes into a staging folder next to the final one and swaps it into place only when the task
finishes, so a failed or killed run never replaces (or half-replaces) the previous run's results. Inside,
every file is written atomically. `manifest.json` keeps the order in which artifacts were recorded,
which is the order a report shows them in.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from dlcourse import atomic
from dlcourse.train.history import History


class Run:
    def __init__(self, root: str | Path, suite: str, task: str) -> None:
        self.final = Path(root) / suite / task
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self.dir = self.final.parent / f".{task}.partial-{uuid.uuid4().hex[:8]}"
        self.dir.mkdir()
        self.metrics: dict[str, Any] = {}
        self.manifest: list[dict[str, Any]] = []
        self.histories: dict[str, Any] = {}

    # -- recording ------------------------------------------------------------------------------------
    def metric(self, name: str, value: Any, label: str | None = None) -> None:
        """A headline number (accuracy, seconds, parameter count); `label` is how a report names it."""
        self.metrics[name] = value
        self._add({"kind": "metric", "name": name, "label": label or name.replace("_", " ")}, unique=True)
        atomic.write_json(self.dir / "metrics.json", self.metrics)

    def table(self, name: str, rows: list[dict[str, Any]], title: str = "") -> None:
        """A table written as `<name>.csv` and `<name>.md`."""
        if not rows:
            raise ValueError(f"table {name!r} has no rows")
        columns = list(rows[0])
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        atomic.write_text(self.dir / f"{name}.csv", buf.getvalue())
        atomic.write_text(self.dir / f"{name}.md", markdown_table(rows))
        self._add({"kind": "table", "name": name, "title": title or name})

    def figure(self, name: str, fig: Any, caption: str = "") -> None:
        """A matplotlib figure saved as `<name>.png` (and closed)."""
        import matplotlib.pyplot as plt

        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=130, bbox_inches="tight")
        plt.close(fig)
        atomic.write_bytes(self.dir / f"{name}.png", buf.getvalue())
        self._add({"kind": "figure", "name": name, "caption": caption})

    def array(self, name: str, **arrays: np.ndarray) -> None:
        """Raw arrays as `<name>.npz`, so figures can be redrawn without retraining."""
        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)
        atomic.write_bytes(self.dir / f"{name}.npz", buf.getvalue())

    def checkpoint(self, name: str, model: Any, spec: dict[str, Any] | None = None) -> None:
        """A model's state_dict (and the spec that rebuilds it) as `<name>.pt`, loadable with weights_only=True."""
        import torch

        buf = io.BytesIO()
        state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
        torch.save({"state_dict": state, "spec": spec or {}}, buf)
        atomic.write_bytes(self.dir / f"{name}.pt", buf.getvalue())

    def history(self, name: str, history: History) -> None:
        self.histories[name] = history.to_dict()
        atomic.write_json(self.dir / "history.json", self.histories)

    def note(self, text: str) -> None:
        """An observation or a fact a reader must know (data used, fallbacks, choices made)."""
        self._add({"kind": "note", "text": text})

    def write_json(self, name: str, obj: Any) -> None:
        atomic.write_json(self.dir / name, obj)

    @property
    def tensorboard_dir(self) -> Path:
        return self.dir / "tensorboard"

    # -- lifecycle ------------------------------------------------------------------------------------
    def commit(self) -> Path:
        """Swap the finished staging folder into place of the previous run's folder."""
        old = self.final.parent / f".{self.final.name}.old-{uuid.uuid4().hex[:8]}"
        if self.final.exists():
            self.final.rename(old)
        self.dir.rename(self.final)
        shutil.rmtree(old, ignore_errors=True)
        self.dir = self.final
        return self.final

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def _add(self, entry: dict[str, Any], unique: bool = False) -> None:
        if unique:
            self.manifest = [
                e for e in self.manifest if not (e["kind"] == entry["kind"] and e.get("name") == entry["name"])
            ]
        self.manifest.append(entry)
        atomic.write_json(self.dir / "manifest.json", self.manifest)


def markdown_table(rows: list[dict[str, Any]]) -> str:
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join(" --- " for _ in columns) + "|"]
    lines += ["| " + " | ".join(format_cell(row.get(c, "")) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def format_cell(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return f"{value:.4g}" if abs(value) < 1e5 else f"{value:,.0f}"
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def load_checkpoint(path: str | Path) -> dict[str, Any]:
    """Read a checkpoint written by `Run.checkpoint` (tensors and plain data only: weights_only=True)."""
    import torch

    from dlcourse.errors import CorruptFile, DataNotFound

    path = Path(path)
    if not path.is_file():
        raise DataNotFound(f"no checkpoint at {path}")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises several unrelated types for a damaged file
        raise CorruptFile(f"{path} is not a readable checkpoint: {exc}") from None


def load_json(path: Path, default: Any = None) -> Any:
    return json.loads(path.read_text()) if path.is_file() else default
