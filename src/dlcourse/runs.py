"""A task run's folder: `runs/<suite>/<task>/` with metrics, tables, figures, arrays, histories, provenance.

A run writes into a staging folder next to the final one and swaps it into place only when the task
finishes, so a failed or killed run never replaces (or half-replaces) the previous run's results. Inside,
every file is written atomically. The staging folder also holds each model's training state
(`checkpoints/`, see `train.checkpoint`): a run opened with `resume=True` takes over the newest staging
folder that a killed or interrupted run of the same task and configuration left behind, and its models
continue from their last finished epoch. Any other staging folder whose process is gone is removed.
`manifest.json` keeps the order in which artifacts were recorded, which is the order a report shows them in.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import math
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from dlcourse import atomic
from dlcourse.errors import InvalidInput, RunFolderError
from dlcourse.train.history import History

KEPT_ON_RESUME = ("checkpoints", "tensorboard")
NOTE_ROLES = ("answer", "disclosure", "data", "detail")  # where a note goes in the report: see Run.note
FIGURE_DPI = 200


class Run:
    def __init__(
        self, root: str | Path, suite: str, task: str, fingerprint: dict[str, Any] | None = None, resume: bool = False
    ) -> None:
        self.final = Path(root) / suite / task
        try:
            self.final.parent.mkdir(parents=True, exist_ok=True)
            _check_replaceable(self.final)
        except OSError as exc:
            raise RunFolderError(
                f"cannot write the results of {suite}/{task} under {root}: {exc.strerror or exc} ({exc.filename}); "
                "nothing was trained and earlier results are kept"
            ) from None
        fingerprint = json.loads(json.dumps(fingerprint or {}, default=str))  # as it reads back from JSON
        self.dir, self.resumed = _staging_folder(self.final, fingerprint, resume)
        owner = {"pid": os.getpid(), "started": _start_time(os.getpid()), "fingerprint": fingerprint}
        atomic.write_json(self.dir / "owner.json", owner)
        self.metrics: dict[str, Any] = {}
        self.manifest: list[dict[str, Any]] = []
        self.histories: dict[str, Any] = {}

    # -- recording ------------------------------------------------------------------------------------
    def metric(self, name: str, value: Any, label: str | None = None) -> None:
        """A headline number (accuracy, seconds, parameter count); `label` is how a report names it."""
        self.metrics[name] = value
        self._add({"kind": "metric", "name": name, "label": label or name.replace("_", " ")}, unique=True)
        atomic.write_json(self.dir / "metrics.json", self.metrics)

    def table(self, name: str, rows: list[dict[str, Any]], title: str = "", shown: int | None = None) -> None:
        """A table written as `<name>.csv` and `<name>.md`; a report shows its first `shown` rows (all when
        None) and says where the rest are."""
        if not rows:
            raise InvalidInput(f"table {name!r} has no rows")
        columns = list(rows[0])
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        atomic.write_text(self.dir / f"{name}.csv", buf.getvalue())
        atomic.write_text(self.dir / f"{name}.md", markdown_table(rows))
        entry = {"kind": "table", "name": name, "title": title or name}
        self._add(entry | ({"shown": shown} if shown is not None and shown < len(rows) else {}))

    def figure(self, name: str, fig: Any, caption: str = "") -> None:
        """A matplotlib figure saved as `<name>.png` at 200 dpi (sharp at print size) and as `<name>.svg`
        (for a report that scales it), then closed. The manifest records the size its smallest text prints
        at in the report (`printed_pt`; see plots/print_size.py)."""
        import matplotlib.pyplot as plt

        from dlcourse.plots.print_size import save_png

        png, printed = save_png(fig, FIGURE_DPI)
        atomic.write_bytes(self.dir / f"{name}.png", png)
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", bbox_inches="tight")
        atomic.write_bytes(self.dir / f"{name}.svg", buf.getvalue())
        plt.close(fig)
        entry = {"kind": "figure", "name": name, "caption": caption}
        self._add(entry | ({"printed_pt": round(printed, 2)} if math.isfinite(printed) else {}))

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

    def note(self, text: str, role: str = "detail") -> None:
        """A sentence for the reader, with its place in the report (NOTE_ROLES): an answer to the brief's
        question goes in the main report; a disclosure (data that stood in, a budget choice) and the data used
        on its first page; a detail of how the task ran only in the appendix."""
        if role not in NOTE_ROLES:
            raise ValueError(f"a note's role is one of {', '.join(NOTE_ROLES)}, got {role!r}")
        self._add({"kind": "note", "text": text, "role": role})

    def write_json(self, name: str, obj: Any) -> None:
        atomic.write_json(self.dir / name, obj)

    @property
    def tensorboard_dir(self) -> Path:
        return self.dir / "tensorboard"

    def training_state(self, key: str) -> Path:
        """Where the model trained under `key` keeps its resumable training state."""
        return self.dir / "checkpoints" / f"{key}.pt"

    # -- lifecycle ------------------------------------------------------------------------------------
    def commit(self) -> Path:
        """Swap the finished staging folder into place of the previous run's folder."""
        shutil.rmtree(self.dir / "checkpoints", ignore_errors=True)  # training states: only for resuming
        (self.dir / "owner.json").unlink(missing_ok=True)
        old = self.final.parent / f".{self.final.name}.old-{uuid.uuid4().hex[:8]}"
        with _commit_lock(self.final):
            if self.final.exists():
                self.final.rename(old)
            try:
                self.dir.rename(self.final)
            except OSError:
                if old.exists():
                    old.rename(self.final)  # the previous results go back in place
                raise
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


@contextlib.contextmanager
def _commit_lock(final: Path) -> Iterator[None]:
    """Holds an exclusive lock on the suite folder while two renames swap a run folder into place, so that two
    runs finishing at the same instant take turns (the later one's results stay) instead of one failing
    halfway. The lock is on the folder itself, so no lock file is left. Without fcntl (Windows) the swap
    runs unlocked."""
    if fcntl is None:
        yield
        return
    fd = os.open(final.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _staging_folder(final: Path, fingerprint: dict[str, Any], resume: bool) -> tuple[Path, bool]:
    """The staging folder to write into, and whether it is a resumed one.

    With `resume`, the newest abandoned folder of the same configuration is taken over: its training states
    and TensorBoard logs stay, everything the task records again is cleared. Every other abandoned folder
    of this task is removed."""
    left = _abandoned_staging(final)
    reused = next((f for f in left if _read_owner(f).get("fingerprint") == fingerprint), None) if resume else None
    for folder in left:
        if folder != reused:
            shutil.rmtree(folder, ignore_errors=True)
    if reused is None:
        folder = final.parent / f".{final.name}.partial-{uuid.uuid4().hex[:8]}"
        folder.mkdir()
        return folder, False
    for entry in reused.iterdir():
        if entry.name not in KEPT_ON_RESUME:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    return reused, True


def _check_replaceable(final: Path) -> None:
    """Fail now, before any training, if the previous results could not be swapped out at the end: a staging
    folder can be made next to them, and they can be renamed (and are renamed straight back)."""
    if final.exists() and not final.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "a file stands where the run folder goes; move it away", str(final))
    probe = final.parent / f".{final.name}.probe-{uuid.uuid4().hex[:8]}"
    probe.mkdir()
    probe.rmdir()
    if final.exists():
        final.rename(probe)
        probe.rename(final)


def _abandoned_staging(final: Path) -> list[Path]:
    """Staging folders of this task whose process has ended (killed or interrupted), newest first."""
    found = []
    for folder in final.parent.glob(f".{final.name}.partial-*"):
        owner = _read_owner(folder)
        if not _alive(owner.get("pid"), owner.get("started")):
            found.append(folder)
    return sorted(found, key=lambda f: f.stat().st_mtime, reverse=True)


def _read_owner(folder: Path) -> dict[str, Any]:
    """The staging folder's owner record; a damaged or missing one reads as empty (an abandoned folder)."""
    try:
        return load_json(folder / "owner.json", {}) or {}
    except (OSError, ValueError):
        return {}


def _alive(pid: int | None, started: int | None) -> bool:
    """Whether the process that made a staging folder still runs: the same pid and the same start time, so
    that a new process given the old pid (a container's pid 1, after a restart) does not count."""
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return started is None or _start_time(pid) == started


def _start_time(pid: int) -> int | None:
    """When process `pid` started, in clock ticks since boot (Linux); None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def markdown_table(rows: list[dict[str, Any]]) -> str:
    columns = list(rows[0])
    lines = ["| " + " | ".join(map(format_header, columns)) + " |", "|" + "|".join(" --- " for _ in columns) + "|"]
    lines += ["| " + " | ".join(format_cell(row.get(c, "")) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def format_header(name: str) -> str:
    """A column name as a reader sees it: "test_acc" -> "test acc" (the CSV keeps the name as recorded)."""
    return name.replace("_", " ")


def format_text_cell(text: str) -> str:
    """A cell read back from CSV, formatted as `format_cell` formats the value it came from."""
    for kind in (int, float):
        try:
            return format_cell(kind(text))
        except ValueError:
            continue
    return text


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
