"""A rich progress bar per epoch, with live loss, accuracy and time left, and one summary line per epoch
that ends with the time left for the remaining epochs."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

console = Console(stderr=True)


class EpochProgress:
    """Shows the running loss/accuracy; reading them costs a device sync, so it refreshes ~20x an epoch."""

    UPDATES_PER_EPOCH = 20

    def __init__(self, label: str, enabled: bool = True) -> None:
        self.label, self.enabled = label, enabled
        self._progress: Progress | None = None
        self._epochs, self._seconds = 0, []

    def __enter__(self) -> EpochProgress:
        if self.enabled:
            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[stats]}"),
                TimeElapsedColumn(),
                TextColumn("left"),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            )
            self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)

    def start_epoch(self, epoch: int, epochs: int, steps: int) -> None:
        self._epochs = epochs
        if self._progress is not None:
            self._task = self._progress.add_task(f"{self.label} {epoch}/{epochs}", total=steps, stats="")

    def refresh_every(self, steps: int) -> int:
        """How many steps to run between refreshes of the live numbers."""
        return max(1, steps // self.UPDATES_PER_EPOCH)

    def update(self, done: int, loss: float, acc: float) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=done, stats=f"loss {loss:.4f} acc {acc:.2%}")

    def end_epoch(self, row: dict[str, float]) -> None:
        self._seconds.append(row["seconds"])
        if self._progress is None:
            return
        self._progress.remove_task(self._task)
        eta = eta_seconds(self._seconds, self._epochs - int(row["epoch"]))
        console.print(epoch_line(self.label, row, self._epochs, eta))


LABEL_WIDTH = 20  # an epoch line's label is cut to this, so that the line fits 100 columns


def epoch_line(label: str, row: dict[str, float], epochs: int, eta: float) -> str:
    """One epoch in at most 100 columns: loss and accuracy of each split, seconds, and the time left."""
    short = label if len(label) <= LABEL_WIDTH else label[: LABEL_WIDTH - 1] + "…"
    parts = [f"{short} {int(row['epoch'])}/{epochs}"]
    for split in ("train", "test", "val"):
        if f"{split}_acc" in row:
            parts.append(f"{split} {row[f'{split}_loss']:.3f} {row[f'{split}_acc']:.1%}")
    parts.append(f"{row['seconds']:.0f} s" if row["seconds"] >= 10 else f"{row['seconds']:.1f} s")
    if eta >= 1:
        parts.append(f"{format_duration(eta)} left")
    return " ".join(parts)


def eta_seconds(epoch_seconds: list[float], remaining: int) -> float:
    """Time left for `remaining` epochs, from the epochs so far (the first left out once there are more:
    it carries the warm-up)."""
    if remaining <= 0 or not epoch_seconds:
        return 0.0
    steady = epoch_seconds[1:] if len(epoch_seconds) > 1 else epoch_seconds
    return remaining * sum(steady) / len(steady)


def format_duration(seconds: float) -> str:
    """'45 s', '3 min 05 s', '2 h 07 min': as precise as a person planning around it needs."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
