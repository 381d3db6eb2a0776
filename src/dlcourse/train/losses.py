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


def weighted_task_loss(lam: float) -> LossFn:
    """bath-a2 Task 6.2's loss = λ · CE(task 1) + (1 - λ) · CE(task 2), for a two-head model.

    `outputs` is the pair of logit tensors; `targets` is N x 2 (task-1 label, task-2 label). A head whose
    weight is 0 gets no gradient at all, so it keeps its initial (random) weights.
    """
    if not 0 <= lam <= 1:
        raise InvalidSetting(f"the task weight lambda must be between 0 and 1, got {lam}")

    def loss(outputs: tuple[torch.Tensor, torch.Tensor], targets: torch.Tensor) -> torch.Tensor:
        first = torch.nn.functional.cross_entropy(outputs[0], targets[:, 0])
        second = torch.nn.functional.cross_entropy(outputs[1], targets[:, 1])
        return lam * first + (1 - lam) * second

    return loss
