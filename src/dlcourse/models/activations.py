"""Activation modules by name."""

from __future__ import annotations

from collections.abc import Callable

from torch import nn

from dlcourse.registry import Registry

ACTIVATIONS: Registry[Callable[[], nn.Module]] = Registry("activation")
for _name, _module in {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "elu": nn.ELU,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "leaky_relu": nn.LeakyReLU,
    "mish": nn.Mish,
}.items():
    ACTIVATIONS.add(_name, _module)


def activation(name: str) -> nn.Module:
    return ACTIVATIONS.get(name)()
