"""A rich progress bar per epoch, with live loss and accuracy, and one summary line per epoch."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

console = Console(stderr=True)


class EpochProgress:
    """Shows the running loss/accuracy; reading them costs a device sync, so it refreshes ~20x an epoch."""

    UPDATES_PER_EPOCH = 20

    def __init__(self, label: str, enabled: bool = True) -> None:
        self.label, self.enabled = label, enabled
        self._progress: Progress | None = None

    def __enter__(self) -> EpochProgress:
        if self.enabled:
            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[stats]}"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)

    def start_epoch(self, epoch: int, epochs: int, steps: int) -> None:
        if self._progress is not None:
            self._task = self._progress.add_task(f"{self.label} {epoch}/{epochs}", total=steps, stats="")

    def refresh_every(self, steps: int) -> int:
        """How many steps to run between refreshes of the live numbers."""
        return max(1, steps // self.UPDATES_PER_EPOCH)

    def update(self, done: int, loss: float, acc: float) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=done, stats=f"loss {loss:.4f} acc {acc:.2%}")

    def end_epoch(self, row: dict[str, float]) -> None:
        if self._progress is None:
            return
        self._progress.remove_task(self._task)
        test = f"  test loss {row['test_loss']:.4f} acc {row['test_acc']:.2%}" if "test_acc" in row else ""
        test += f"  val loss {row['val_loss']:.4f} acc {row['val_acc']:.2%}" if "val_acc" in row else ""
        console.print(
            f"{self.label} {int(row['epoch'])}: train loss {row['train_loss']:.4f} "
            f"acc {row['train_acc']:.2%}{test}  {row['seconds']:.1f} s, {row['samples_per_s']:,.0f} samples/s"
        )
