"""What `fit` counts besides the loss: correct answers, for one head or for each head of a model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

CountFn = Callable[..., torch.Tensor]


def count_correct(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Correct top-1 predictions; one-hot or soft targets count their argmax as the label."""
    labels = target.argmax(1) if target.ndim == 2 else target
    return (logits.argmax(1) == labels).sum()


def count_correct_per_head(outputs: tuple[torch.Tensor, ...], targets: torch.Tensor) -> torch.Tensor:
    """Correct top-1 predictions of each head of a multi-head model; `targets` is N x heads (class indices)."""
    return torch.stack([(logits.argmax(1) == targets[:, i]).sum() for i, logits in enumerate(outputs)])


@dataclass(frozen=True)
class Metrics:
    """`count(outputs, targets)` gives one count per head (a scalar for one head); `heads` names them.

    A History row then has `<split>_acc` (the mean over the heads) and, for named heads, `<split>_acc_<head>`.
    "Correct" is whatever `count` says: a top-1 match by default, a clock read within 10 minutes elsewhere.
    """

    count: CountFn = count_correct
    heads: tuple[str, ...] = ()

    @property
    def width(self) -> int:
        return max(1, len(self.heads))

    def row(self, split: str, loss: float, accuracies: list[float]) -> dict[str, float]:
        row = {f"{split}_loss": loss, f"{split}_acc": sum(accuracies) / len(accuracies)}
        if not self.heads:
            return row
        return row | {f"{split}_acc_{h}": a for h, a in zip(self.heads, accuracies, strict=True)}


ACCURACY = Metrics()


def per_head_accuracy(*heads: str) -> Metrics:
    return Metrics(count_correct_per_head, tuple(heads))
