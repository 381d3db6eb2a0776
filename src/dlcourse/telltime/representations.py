"""Ways to write a clock time as a network's target (leiden-a1 Task 2, subtasks a-d).

Each representation says how wide the network's output is and how it splits into heads, encodes
(hour, minute) labels as targets, scores outputs against targets with its loss, and decodes outputs back
into minutes since 12:00, where the common-sense error is measured. Targets are float32 N x k arrays
(class indices stored as floats), so every representation trains through the same `fit` call.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from dlcourse.errors import InvalidSetting
from dlcourse.telltime.error import DIAL, minutes_since_twelve

TWO_PI = 2 * math.pi


def _float(out: torch.Tensor) -> torch.Tensor:
    # Under bf16 autocast outputs arrive in bf16: too coarse for regression targets and their losses.
    return out.float()


def _angle_targets(fraction: np.ndarray) -> np.ndarray:
    """A fraction of a turn (clockwise from 12) as (sin, cos) columns."""
    angle = TWO_PI * fraction
    return np.stack([np.sin(angle), np.cos(angle)], 1)


def _turns(sin_cos: torch.Tensor) -> torch.Tensor:
    """(sin, cos) pairs (any length) -> fraction of a turn clockwise from 12, in [0, 1)."""
    return torch.remainder(torch.atan2(sin_cos[:, 0], sin_cos[:, 1]) / TWO_PI, 1.0)


class Representation(ABC):
    """A label representation: targets, loss and decoding for one output layer layout."""

    name: str  # how tables name it
    heads: tuple[int, ...]  # output width of each head; the network's outputs are the heads side by side

    @property
    def outputs(self) -> int:
        return sum(self.heads)

    @abstractmethod
    def encode(self, hours: np.ndarray, minutes: np.ndarray) -> np.ndarray:
        """Targets, float32 N x k."""

    @abstractmethod
    def loss(self, out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Mean loss of outputs (N x outputs) against encoded targets."""

    @abstractmethod
    def decode(self, out: torch.Tensor) -> torch.Tensor:
        """Outputs -> predicted minutes since 12:00 (float, in [0, 720))."""


@dataclass(frozen=True)
class Classes(Representation):
    """Subtask (a): the dial cut into `count` equal intervals, one class each, trained with cross-entropy.

    A class decodes to the middle of the whole minutes it holds (for 24 classes, 3:00-3:29 -> 3:14.5), which
    is the prediction with the least mean error when the true minute is spread evenly over the interval.
    """

    count: int

    def __post_init__(self) -> None:
        if self.count < 2 or DIAL % self.count:
            raise InvalidSetting(f"the number of classes must divide 720, got {self.count}")

    @property
    def name(self) -> str:
        return f"{self.count} classes"

    @property
    def heads(self) -> tuple[int, ...]:
        return (self.count,)

    @property
    def width(self) -> int:
        """Minutes per class."""
        return DIAL // self.count

    def encode(self, hours, minutes):
        return (minutes_since_twelve(hours, minutes) // self.width)[:, None].astype(np.float32)

    def loss(self, out, target):
        return F.cross_entropy(_float(out), target[:, 0].long())

    def decode(self, out):
        return out.argmax(1).float() * self.width + (self.width - 1) / 2


@dataclass(frozen=True)
class Hours(Representation):
    """Subtask (b): one output, the time in hours as a number ("05:30" -> 5.5).

    loss="mse" is plain squared error on that number: it treats 11.9 and 0.1 as almost 12 hours apart,
    although they are 12 minutes apart on the dial. loss="circular" measures the difference the short way
    round the dial (a squared error on the circle), so 11:55 and 0:05 are neighbours for the loss too.
    """

    loss_kind: str = "mse"

    def __post_init__(self) -> None:
        if self.loss_kind not in ("mse", "circular"):
            raise InvalidSetting(f"the hours loss is mse or circular, got {self.loss_kind!r}")

    @property
    def name(self) -> str:
        return "hours, " + ("squared error" if self.loss_kind == "mse" else "squared error on the circle")

    heads = (1,)

    def encode(self, hours, minutes):
        return (minutes_since_twelve(hours, minutes) / 60)[:, None].astype(np.float32)

    def loss(self, out, target):
        gap = _float(out[:, 0]) - target[:, 0]
        if self.loss_kind == "circular":
            gap = torch.remainder(gap + 6, 12) - 6
        return gap.square().mean()

    def decode(self, out):
        return torch.remainder(_float(out[:, 0]) * 60, DIAL)


@dataclass(frozen=True)
class HourAndMinute(Representation):
    """Subtask (c): two heads, a 12-way hour classifier and a minute regressor.

    minute="linear": one output, the minute / 60 (squared error); minute="sincos": the minute hand's angle
    as (sin, cos) (squared error), which removes the jump from 59 to 0. The loss is the hour's
    cross-entropy plus `weight` times the minute's squared error. The time decodes to argmax hour * 60
    plus the decoded minute.
    """

    minute: str = "linear"
    weight: float = 10.0

    def __post_init__(self) -> None:
        if self.minute not in ("linear", "sincos"):
            raise InvalidSetting(f"the minute head is linear or sincos, got {self.minute!r}")

    @property
    def name(self) -> str:
        return "hour classes + minute " + ("number" if self.minute == "linear" else "sin/cos")

    @property
    def heads(self) -> tuple[int, ...]:
        return (12, 1 if self.minute == "linear" else 2)

    def encode(self, hours, minutes):
        minute = minutes[:, None] / 60 if self.minute == "linear" else _angle_targets(minutes / 60)
        return np.concatenate([hours[:, None], minute], 1).astype(np.float32)

    def loss(self, out, target):
        out = _float(out)
        hour = F.cross_entropy(out[:, :12], target[:, 0].long())
        return hour + self.weight * (out[:, 12:] - target[:, 1:]).square().mean()

    def decode(self, out):
        out = _float(out)
        minute = out[:, 12].clamp(0, 59 / 60) if self.minute == "linear" else _turns(out[:, 12:])
        return out[:, :12].argmax(1).float() * 60 + minute * 60


@dataclass(frozen=True)
class Periodic(Representation):
    """Subtask (d): the hands' angles as (sin, cos) pairs on the unit circle, decoded with atan2.

    The hour hand's angle alone carries the whole time (it turns once in 12 hours). With hands="both" the
    minute hand's angle is a second head, and decoding takes the minute from it and only the hour from
    the hour hand: the hour is the whole number nearest to (hour-hand position - minute / 60), so an hour
    hand read a few degrees off still gives the right hour. Outputs are linear: atan2 ignores the length
    of each (sin, cos) pair, so no squashing activation is needed (tanh would fit the range but never
    reach ±1 exactly). The loss is the squared error on the pairs.
    """

    hands: str = "both"

    def __post_init__(self) -> None:
        if self.hands not in ("hour", "both"):
            raise InvalidSetting(f"the periodic hands are hour or both, got {self.hands!r}")

    @property
    def name(self) -> str:
        return "sin/cos of the hour hand" + (" and the minute hand" if self.hands == "both" else "")

    @property
    def heads(self) -> tuple[int, ...]:
        return (2, 2) if self.hands == "both" else (2,)

    def encode(self, hours, minutes):
        hour_hand = _angle_targets(minutes_since_twelve(hours, minutes) / DIAL)
        if self.hands == "hour":
            return hour_hand.astype(np.float32)
        return np.concatenate([hour_hand, _angle_targets(minutes / 60)], 1).astype(np.float32)

    def loss(self, out, target):
        return (_float(out) - target).square().sum(1).mean()

    def decode(self, out):
        out = _float(out)
        hour_hand = _turns(out[:, :2]) * 12  # hours, fractional
        if self.hands == "hour":
            return hour_hand * 60
        minute = _turns(out[:, 2:4]) * 60
        hour = torch.remainder(torch.round(hour_hand - minute / 60), 12)
        return hour * 60 + minute
