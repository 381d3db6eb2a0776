"""Settings fields that many tasks share, declared once; a task's settings class combines the mixins it needs.

A task redeclares a field only to change its default or to say what is its own about it (what the brief
fixes, why we chose the value). `ctx.load` reads `train_size` / `test_size`; `TrainConfig.of` reads the
training fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from dlcourse.settings import Settings, setting
from dlcourse.train.schedule import SCHEDULES


@dataclass(frozen=True)
class Training(Settings):
    epochs: int = setting(10, "passes over the training set", min=1)
    batch_size: int = setting(128, "examples per optimiser step", min=1)
    lr: float = setting(1e-3, "learning rate (the start or peak of the schedule, where there is one)", gt=0)


@dataclass(frozen=True)
class Scheduled(Training):
    lr_schedule: str = setting(
        "cosine",
        "constant, cosine (from lr down to 0 over the run) or triangle (airbench94's warm-up, then linear decay)",
        choices=SCHEDULES,
    )


@dataclass(frozen=True)
class ConstantRateBrief(Scheduled):
    """Scheduled training for a brief that asks for plain Adam at one learning rate: the cosine default is
    then a departure, listed as one with the `--set` that restores the constant rate."""

    lr_schedule: str = setting(
        "cosine",
        "cosine (our choice: the rate decays to 0 over the run, so the last epochs settle instead of "
        "jittering at the full rate) or constant (the brief's plain Adam)",
        brief="constant",
        choices=SCHEDULES,
    )


@dataclass(frozen=True)
class SizedTestSet(Settings):
    test_size: int | None = setting(None, "class-balanced test images to use; none = all", min=10)


@dataclass(frozen=True)
class DataSize(SizedTestSet):
    train_size: int | None = setting(None, "class-balanced training images to use; none = all", min=10)
