"""What a task receives: its settings, device, seed, data location and run folder, plus helpers."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from dlcourse import data
from dlcourse.console import console
from dlcourse.data.dataset import Dataset
from dlcourse.errors import DataNotFound
from dlcourse.runs import Run, load_json
from dlcourse.settings import Settings
from dlcourse.suites.options import RunOptions
from dlcourse.train import History, TrainConfig, fit
from dlcourse.train.progress import ProgressBar, format_duration
from dlcourse.train.tensorboard import TensorBoardLogger, tensorboard_available


@dataclass
class TaskContext:
    task_id: str
    settings: Any  # the task's Settings subclass
    profile: str  # the profile the settings come from (the asked one, or brief where the task lacks it)
    device: torch.device
    run: Run
    options: RunOptions = field(default_factory=RunOptions)  # how the caller asked the task to run
    overridden: frozenset[str] = frozenset()  # settings given on the command line, which a task must not replace

    @property
    def seed(self) -> int:
        return self.options.seed

    @property
    def data_dir(self) -> Path | None:
        return Path(self.options.data_dir) if self.options.data_dir else None

    @property
    def quiet(self) -> bool:
        return self.options.quiet

    @property
    def precision(self) -> str:
        return self.options.precision

    @property
    def dry_run(self) -> bool:
        """Every model trains one epoch of one batch and is scored on one batch."""
        return self.options.dry_run

    _trained: int = field(default=0, init=False)
    _planned: int | None = field(default=None, init=False)
    _plan_start: int = field(default=0, init=False)  # models trained before the current plan
    _first_fit: float | None = field(default=None, init=False)

    def say(self, text: str, role: str = "detail") -> None:
        """Record a note in the run and show it; where the report puts it follows its role (Run.note)."""
        self.run.note(text, role)
        if not self.quiet:
            console.print(f"[dim]{self.task_id}:[/] {text}")

    def answer(self, text: str) -> None:
        """A sentence that answers the brief's question, computed from the numbers recorded beside it: the
        main report shows it."""
        self.say(text, "answer")

    def disclose(self, text: str) -> None:
        """A fact a marker must know before reading the results (a dataset that stood in, a budget choice):
        said once, on the report's first page."""
        self.say(text, "disclosure")

    def load(self, name: str) -> Dataset:
        """The dataset for this profile, sized by the settings' `train_size` / `test_size` when present.

        `quick` uses the full data when it is on disk (never downloads) and the bundled sample otherwise;
        other profiles need the full data and download it when they can.
        """
        s: Settings = self.settings
        said: tuple[str, ...] = ()
        if self.profile == "quick":
            try:
                ds = data.load(name, data_dir=self.data_dir, download=False, quiet=self.quiet)
            except DataNotFound:
                ds = data.load_sample(name)
                said = ds.notes[:1]  # the sample's own note (its size), said in the sentence below
                self.disclose(
                    f"The full {name} was not found, so its bundled real sample stood in ({len(ds.y_train):,} "
                    f"train / {len(ds.y_test):,} test images)."
                )
        else:
            ds = data.load(name, data_dir=self.data_dir, quiet=self.quiet)
        ds = ds.balanced_subset(getattr(s, "train_size", None), getattr(s, "test_size", None), seed=self.seed)
        self.say(ds.describe(), "data")
        for note in ds.notes:  # the data that stood in for the brief's (a fallback dataset, a lossy copy, a subset)
            if note not in said:
                self.disclose(note[0].upper() + note[1:].rstrip(".") + ".")
        return ds

    def earlier_run(self, task: str) -> Path | None:
        """The finished run folder of another task of this suite, if it ran with the same profile."""
        folder = self.run.final.parent / task
        provenance = load_json(folder / "provenance.json")
        if provenance and provenance.get("finished") and provenance.get("profile") == self.profile:
            return folder
        return None

    def plan(self, models: int) -> None:
        """Say how many models the task trains, so that its progress reads "model 3 of 5" with the time left
        for the whole task (from the models finished so far)."""
        self._planned, self._plan_start, self._first_fit = models, self._trained, None

    def _announce(self, label: str) -> None:
        now = time.perf_counter()
        self._first_fit = self._first_fit or now
        number = self._trained - self._plan_start
        done = number - 1
        total = f" of {self._planned}" if self._planned else ""
        line = f"[bold]model {number}{total}:[/] {label}"
        if self._planned and done:
            left = (now - self._first_fit) / done * (self._planned - done)
            line += f" [dim](about {format_duration(left)} left for {self.task_id})[/]"
        console.print(line)

    def busy(self, what: str):
        """A spinner while work other than training runs (rendering, attacks, PCA): `with ctx.busy("..."):`."""
        return nullcontext() if self.quiet else console.status(f"{self.task_id}: {what}")

    def config(self, **changes: Any) -> TrainConfig:
        """The training configuration of this task's settings (epochs, batch size, rate, schedule, optimiser,
        weight decay, momentum, where the settings have them) with this run's seed and precision, then
        `changes`."""
        return TrainConfig.of(self.settings, seed=self.seed, precision=self.precision).replace(**changes)

    def fit(
        self,
        model: nn.Module,
        train,
        config: TrainConfig,
        *,
        evals: Mapping[str, Any] | None = None,
        label: str = "train",
        callbacks: Sequence[Any] = (),
        **kwargs: Any,
    ) -> History:
        """`train.fit` on this run's device, with a progress bar (unless quiet), TensorBoard logging when
        installed, and a resumable training state in the run folder.

        Each model a task trains gets a key from its order and label ("03-lambda=0.5"): a resumed task that
        trains several models finds the finished ones by it and skips their training. TensorBoard gets one
        folder per model under the run's `tensorboard/`, with the same scalar names, so they overlay.
        """
        self._trained += 1
        key = f"{self._trained:02d}-" + re.sub(r"[^A-Za-z0-9=.,+-]+", "_", label)
        if self.dry_run:
            config = config.replace(epochs=1)
            train = first_rows(train, config.batch_size)
            evals = {name: first_rows(split, config.batch_size) for name, split in (evals or {}).items()}
        if not self.quiet:
            self._announce(label)
        callbacks = [*callbacks, *([] if self.quiet else [ProgressBar(label)])]
        if tensorboard_available():
            callbacks.append(TensorBoardLogger(self.run.tensorboard_dir / key))
        checkpoint = self.run.training_state(key)
        history = fit(
            model, train, config, evals=evals, callbacks=callbacks, checkpoint=checkpoint, device=self.device, **kwargs
        )
        if "resumed_from_epoch" in history.meta and not self.quiet:
            done = history.meta["resumed_from_epoch"]
            said = "trained before the interruption: loaded, not trained again"
            if not history.meta.get("resumed_finished"):
                said = f"continued from the saved state after epoch {done}"
            console.print(f"[dim]{self.task_id}:[/] {label}: {said}")
        return history


def first_rows(data: Any, n: int) -> Any:
    """The first `n` examples of a dataset given as an array, or a tuple, list or mapping of them."""
    if isinstance(data, tuple | list):
        return type(data)(first_rows(part, n) for part in data)
    if isinstance(data, Mapping):
        return {key: first_rows(part, n) for key, part in data.items()}
    return data[:n]
