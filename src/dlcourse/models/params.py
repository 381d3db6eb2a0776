"""Exact parameter counts."""

from __future__ import annotations

from torch import nn


def parameter_counts(model: nn.Module) -> dict[str, int]:
    """Trainable weights and biases, counted separately and together."""
    biases = sum(p.numel() for name, p in model.named_parameters() if p.requires_grad and name.endswith("bias"))
    total = count_parameters(model)
    return {"weights": total - biases, "biases": biases, "total": total}


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
