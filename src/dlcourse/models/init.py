"""Weight initialisation schemes by name, as the brief's "try various initializations" asks.

Each scheme sets the weights of every linear and convolutional layer and zeroes their biases, as Keras
initialisers do; "default" keeps PyTorch's own initialisation (a scaled uniform, He et al. with a = √5).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from dlcourse.registry import Registry

INITS: Registry[Callable[[torch.Tensor], object] | None] = Registry("initialisation")
INITS.add("default", None)
INITS.add("glorot_uniform", nn.init.xavier_uniform_)  # Glorot and Bengio (2010); the Keras default
INITS.add("glorot_normal", nn.init.xavier_normal_)
INITS.add("he_uniform", lambda w: nn.init.kaiming_uniform_(w, nonlinearity="relu"))  # He et al. (2015)
INITS.add("he_normal", lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"))
INITS.add("lecun_normal", lambda w: nn.init.kaiming_normal_(w, nonlinearity="linear"))  # std = 1/√fan_in
INITS.add("normal", lambda w: nn.init.normal_(w, 0.0, 0.05))  # Keras RandomNormal's default spread


def initialize(model: nn.Module, scheme: str) -> nn.Module:
    """Re-initialise `model` in place with the named scheme (from the global torch seed) and return it."""
    init = INITS.get(scheme)
    if init is None:
        return model
    for layer in model.modules():
        if isinstance(layer, nn.Linear | nn.Conv2d):
            init(layer.weight)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)
    return model
