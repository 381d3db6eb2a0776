"""The model registry: every builder, by name, for lookups and the registry-sweep tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torch import nn

from dlcourse.registry import Registry

MODELS: Registry[Callable[..., nn.Module]] = Registry("model")


def register_model(fn: Callable[..., nn.Module]) -> Callable[..., nn.Module]:
    """Register a builder under its function name (timm style)."""
    return MODELS.add(fn.__name__, fn)


def build(name: str, **spec: Any) -> nn.Module:
    return MODELS.get(name)(**spec)
