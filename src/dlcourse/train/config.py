"""`TrainConfig`: how one model is trained, in one frozen value that `fit` takes and records."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dlcourse.device import PRECISIONS
from dlcourse.errors import InvalidSetting, UnknownName
from dlcourse.train.optim import OPTIMIZERS
from dlcourse.train.schedule import SCHEDULES


@dataclass(frozen=True)
class TrainConfig:
    epochs: int  # passes over the training set
    batch_size: int  # examples per optimiser step (the epoch's last batch may be shorter)
    lr: float = 1e-3  # starting rate of a named optimiser; the schedule scales it per step
    lr_schedule: str = "constant"  # one of schedule.SCHEDULES
    optimizer: str = "adam"  # one of optim.OPTIMIZERS, built by `fit` (a ready one is passed to `fit` instead)
    weight_decay: float = 0.0  # L2 for adam, sgd and rmsprop; decoupled for adamw
    momentum: float = 0.9  # SGD's and RMSprop's momentum (Adam ignores it)
    seed: int = 0  # data order, augmentation draws and batch transforms (mixup, attacks' random starts)
    precision: str = "auto"  # auto, fp32 or bf16 (see device.choose_precision)
    threads: int | None = None  # CPU threads; None keeps the process's setting (the runner sets it once)
    cuda_graph: bool = True  # replay the step as one CUDA graph where the step allows it (see steps.py)
    sam_rho: float = 0.0  # > 0: SAM's two-pass step with this neighbourhood radius
    eval_batch_size: int | None = None  # scoring batch; None: 2,000 on the CPU, 8,192 on CUDA

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1:
            raise InvalidSetting(f"epochs and batch size must be at least 1, got {self.epochs} and {self.batch_size}")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise InvalidSetting(f"the learning rate must be a finite number greater than 0, got {self.lr}")
        if not (math.isfinite(self.weight_decay) and self.weight_decay >= 0):
            raise InvalidSetting(f"weight decay must be a finite number of at least 0, got {self.weight_decay}")
        for name, value, known in (
            ("lr schedule", self.lr_schedule, SCHEDULES),
            ("optimizer", self.optimizer, OPTIMIZERS),
            ("precision", self.precision, PRECISIONS),
        ):
            if value not in known:
                raise UnknownName(f"unknown {name} {value!r}; known: {', '.join(known)}")

    def replace(self, **changes: Any) -> TrainConfig:
        return dataclasses.replace(self, **changes)

    @classmethod
    def of(cls, source: Any, **changes: Any) -> TrainConfig:
        """The config that `source` (a task's settings, or a mapping such as a sweep trial's config)
        describes: each field of TrainConfig that it has, then `changes`."""
        names = [f.name for f in dataclasses.fields(cls)]
        if isinstance(source, Mapping):
            own = {k: source[k] for k in names if k in source}
        else:
            own = {k: getattr(source, k) for k in names if hasattr(source, k)}
        return cls(**(own | changes))
