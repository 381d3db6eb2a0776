"""A small fully connected network as plain arrays, and where it comes from (a file, a seed).

The notation is the brief's (fit3181-a1 Questions 1.2 and 1.3): row vectors, h⁰ = x,
h̄ᵏ = hᵏ⁻¹ Wᵏ + bᵏ and hᵏ = σ(h̄ᵏ) for the hidden layers, and the last layer's hᴸ = hᴸ⁻¹ Wᴸ + bᴸ are the
logits, with no activation (the softmax follows). So Wᵏ has shape (nₖ₋₁, nₖ) and bᵏ has nₖ entries.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from dlcourse.errors import InvalidNetwork
from dlcourse.theory.activations import ACTIVATION_FUNCTIONS


@dataclass(frozen=True)
class Network:
    weights: tuple[np.ndarray, ...]  # W¹ … Wᴸ, Wᵏ of shape (nₖ₋₁, nₖ)
    biases: tuple[np.ndarray, ...]  # b¹ … bᴸ, bᵏ of shape (nₖ,)
    activation: str = "relu"  # of the hidden layers; a name in theory.ACTIVATION_FUNCTIONS

    def __post_init__(self) -> None:
        if not self.weights or len(self.weights) != len(self.biases):
            raise InvalidNetwork(
                f"a network needs one bias vector per weight matrix and at least one layer, got "
                f"{len(self.weights)} weight matrices and {len(self.biases)} bias vectors"
            )
        ACTIVATION_FUNCTIONS.get(self.activation)
        width = self.weights[0].shape[0] if self.weights[0].ndim == 2 else None
        for k, (w, b) in enumerate(zip(self.weights, self.biases, strict=True), start=1):
            if w.ndim != 2 or b.ndim != 1 or w.shape[0] != width or w.shape[1] != b.shape[0]:
                raise InvalidNetwork(
                    f"layer {k} does not fit: W{k} has shape {w.shape} and b{k} has shape {b.shape}, but W{k} must "
                    f"be ({width}, n) to take the previous layer's {width} values and b{k} must have n entries"
                )
            width = w.shape[1]
        if width is None or width < 2:
            raise InvalidNetwork(f"the last layer has {width} outputs; a softmax classifier needs at least 2")

    @property
    def sizes(self) -> list[int]:
        return [self.weights[0].shape[0], *(w.shape[1] for w in self.weights)]

    def to_dict(self) -> dict[str, Any]:
        """The file form: {"activation": ..., "layers": [{"W": rows, "b": values}, ...]}."""
        return {
            "activation": self.activation,
            "layers": [{"W": w.tolist(), "b": b.tolist()} for w, b in zip(self.weights, self.biases, strict=True)],
        }


def network_from_dict(spec: Any, source: str = "the network") -> Network:
    """A Network from the file form (see `Network.to_dict`); anything malformed is an `InvalidNetwork`."""
    if not isinstance(spec, dict) or not isinstance(spec.get("layers"), list) or not spec["layers"]:
        raise InvalidNetwork(f"{source} must be a mapping with a non-empty 'layers' list of {{W: rows, b: values}}")
    weights, biases = [], []
    for k, layer in enumerate(spec["layers"], start=1):
        if not isinstance(layer, dict) or "W" not in layer or "b" not in layer:
            raise InvalidNetwork(f"layer {k} of {source} needs both 'W' (a list of rows) and 'b' (a list of numbers)")
        weights.append(_numbers(layer["W"], f"W{k} of {source}"))
        biases.append(_numbers(layer["b"], f"b{k} of {source}"))
    return Network(tuple(weights), tuple(biases), str(spec.get("activation", "relu")))


def _numbers(value: Any, what: str) -> np.ndarray:
    try:
        array = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise InvalidNetwork(f"{what} is not a rectangular array of numbers") from None
    if not np.isfinite(array).all():
        raise InvalidNetwork(f"{what} holds a value that is not a finite number")
    return array


def load_network(path: str | Path) -> Network:
    """Read a network from a YAML or JSON file (YAML 1.1 reads JSON too)."""
    path = Path(path)
    if not path.is_file():
        what = "is a folder, not a file" if path.exists() else "does not exist"
        raise InvalidNetwork(f"network file {path} {what}")
    try:
        spec = yaml.safe_load(path.read_text())
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InvalidNetwork(f"{path} is not valid YAML or JSON: {' '.join(str(exc).split())}") from None
    return network_from_dict(spec, str(path))


def random_network(sizes: Sequence[int], seed: int = 0, activation: str = "relu", decimals: int = 1) -> Network:
    """Standard-normal weights and biases, rounded to `decimals` places so that every printed number is exact
    and the calculation can be followed by hand (the brief's Question 1.3 draws its parameters at random)."""
    if len(sizes) < 2 or min(sizes) < 1:
        raise InvalidNetwork(f"layer sizes must be at least two positive widths, got {list(sizes)}")
    rng = np.random.default_rng(seed)
    weights = tuple(np.round(rng.standard_normal((a, b)), decimals) for a, b in itertools.pairwise(sizes))
    biases = tuple(np.round(rng.standard_normal(b), decimals) for b in sizes[1:])
    return Network(weights, biases, activation)
