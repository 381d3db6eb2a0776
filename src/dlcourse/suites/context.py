"""What a task receives: its settings, device, seed, data location and run folder, plus helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from dlcourse import data
from dlcourse.data.dataset import Dataset
from dlcourse.errors import DataNotFound
from dlcourse.runs import Run, load_json
from dlcourse.settings import Settings
from dlcourse.train import History, fit
from dlcourse.train.progress import console
from dlcourse.train.tensorboard import TensorBoardLogger, tensorboard_available


@dataclass
class TaskContext:
    task_id: str
    settings: Any  # the task's Settings subclass
    profile: str
    device: torch.device
    seed: int
    data_dir: Path | None
    run: Run
    quiet: bool = False
    precision: str = "auto"
    _trained: int = field(default=0, init=False)

    def say(self, text: str) -> None:
        """Record a note in the run and show it."""
        self.run.note(text)
        if not self.quiet:
            console.print(f"[dim]{self.task_id}:[/] {text}")

    def load(self, name: str) -> Dataset:
        """The dataset for this profile, sized by the settings' `train_size` / `test_size` when present.

        `quick` uses the full data when it is on disk (never downloads) and the bundled sample otherwise;
        other profiles need the full data and download it when they can.
        """
        s: Settings = self.settings
        if self.profile == "quick":
            try:
                ds = data.load(name, data_dir=self.data_dir, download=False, quiet=self.quiet)
            except DataNotFound:
                ds = data.load_sample(name)
                self.say(f"full {name} not found: using the bundled real sample")
        else:
            ds = data.load(name, data_dir=self.data_dir, quiet=self.quiet)
        ds = ds.balanced_subset(getattr(s, "train_size", None), getattr(s, "test_size", None), seed=self.seed)
        self.say(ds.describe() + "".join(f"; {note}" for note in ds.notes))
        return ds

    def earlier_run(self, task: str) -> Path | None:
        """The finished run folder of another task of this suite, if it ran with the same profile."""
        folder = self.run.final.parent / task
        provenance = load_json(folder / "provenance.json")
        if provenance and provenance.get("finished") and provenance.get("profile") == self.profile:
            return folder
        return None

    def fit(
        self, model: nn.Module, train, test=None, label: str = "train", seed: int | None = None, **kwargs: Any
    ) -> History:
        """`train.fit` with this run's device, precision, seed (unless one is given) and progress, a resumable
        training state in the run folder, and TensorBoard logging when installed.

        Each model a task trains gets a key from its order and label ("03-lambda=0.5"): a resumed task that
        trains several models finds the finished ones by it and skips their training.
        """
        self._trained += 1
        key = f"{self._trained:02d}-" + re.sub(r"[^A-Za-z0-9=.,+-]+", "_", label)
        callbacks = list(kwargs.pop("callbacks", ()))
        logger = TensorBoardLogger(self.run.tensorboard_dir / key) if tensorboard_available() else None
        if logger:
            callbacks.append(logger)
        try:
            history = fit(
                model,
                train,
                test,
                device=self.device,
                seed=self.seed if seed is None else seed,
                precision=self.precision,
                checkpoint=self.run.training_state(key),
                progress=not self.quiet,
                label=label,
                callbacks=callbacks,
                **kwargs,
            )
        finally:
            if logger:
                logger.close()
        if "resumed_from_epoch" in history.meta and not self.quiet:
            done = history.meta["resumed_from_epoch"]
            console.print(f"[dim]{self.task_id}:[/] {label}: continued from the saved state after epoch {done}")
        return history
