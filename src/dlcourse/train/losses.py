"""Loss functions written out by hand, each usable as `fit(..., loss_fn=...)`."""

from __future__ import annotations

import torch

from dlcourse.errors import InvalidSetting
from dlcourse.train.steps import LossFn


def label_smoothing_loss(alpha: float) -> LossFn:
    """Cross-entropy against smoothed targets q = (1 - α) onehot(y) + α / K, averaged over the batch.

    Label smoothing as in Szegedy et al. (2016) and Müller, Kornblith and Hinton, "When does label smoothing
    help?" (NeurIPS 2019). Since Σₖ qₖ = 1, -Σₖ qₖ log pₖ = (1 - α)(-log p_y) + α · mean over k of (-log pₖ):
    the plain loss plus a pull of every log-probability towards the others, which keeps the logits from
    growing without bound. `targets` are class indices.
    """
    if not 0 <= alpha <= 1:
        raise InvalidSetting(f"label smoothing alpha must be between 0 and 1, got {alpha}")

    def loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        # At least float32: under bf16 autocast the logits arrive in bf16, too coarse for log-probabilities.
        log_p = torch.log_softmax(logits.to(torch.promote_types(logits.dtype, torch.float32)), dim=1)
        true_class = log_p.gather(1, targets.long().unsqueeze(1)).squeeze(1)
        per_example = -(1 - alpha) * true_class - alpha * log_p.mean(dim=1)
        return per_example.mean()

    return loss
