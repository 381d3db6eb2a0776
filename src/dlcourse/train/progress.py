"""A rich progress bar per epoch, with live loss, accuracy and time left, and one summary line per epoch
that ends with the time left for the remaining epochs."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from dlcourse.console import console


class ProgressBar:
    """A `fit` callback: a live bar with the running loss and accuracy while an epoch trains, then one line
    per epoch. Reading the running numbers costs a device sync, so `fit` hands them over ~20x an epoch."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._progress: Progress | None = None
        self._task = None
        self._epochs, self._seconds = 0, []

    def on_train_begin(self, meta: dict) -> None:
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
        self._progress.start()

    def on_epoch_begin(self, epoch: int, epochs: int, steps: int) -> None:
        self._epochs = epochs
        if self._progress is not None:
            self._task = self._progress.add_task(f"{self.label} {epoch}/{epochs}", total=steps, stats="")

    def on_steps(self, done: int, loss: float, acc: float) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=done, stats=f"loss {loss:.4f} acc {acc:.2%}")

    def on_epoch_end(self, history, model) -> bool:
        row = history.last
        self._seconds.append(row["seconds"])
        if self._progress is not None:
            self._progress.remove_task(self._task)
        eta = eta_seconds(self._seconds, self._epochs - int(row["epoch"]))
        console.print(epoch_line(self.label, row, self._epochs, eta))
        return False

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


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
