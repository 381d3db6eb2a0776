"""What a task receives: its settings, device, seed, data location and run folder, plus helpers."""

from __future__ import annotations

from dataclasses import dataclass
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
        """`train.fit` with this run's device, seed (unless one is given) and progress, logging to TensorBoard
        when installed."""
        callbacks = list(kwargs.pop("callbacks", ()))
        logger = TensorBoardLogger(self.run.tensorboard_dir / label, tag=label) if tensorboard_available() else None
        if logger:
            callbacks.append(logger)
        try:
            return fit(
                model,
                train,
                test,
                device=self.device,
                seed=self.seed if seed is None else seed,
                progress=not self.quiet,
                label=label,
                callbacks=callbacks,
                **kwargs,
            )
        finally:
            if logger:
                logger.close()
