"""Resumable training: everything `fit` needs to continue an interrupted run exactly where it stopped.

After every epoch `fit` writes one file (atomically, so a kill leaves the previous epoch's file intact):
the model, the optimiser, the epoch reached, the history so far, the state of every random source (the
data-order generator, torch's global generator that dropout draws from, NumPy's and Python's), the state
of a batch transform that keeps its own generator (mixup's λ) and the state of callbacks that keep some
(early stopping's best weights). Loading it and running the remaining
epochs gives, on the CPU, the same weights and numbers bit for bit as a run that was never interrupted.

A file records the configuration it was made with (`fingerprint`); one made with other settings is
ignored, so changing a setting and resuming retrains instead of mixing two runs.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from dlcourse import atomic
from dlcourse.train.history import History

FORMAT = 1


def save_training_state(
    path: Path,
    *,
    fingerprint: dict[str, Any],
    epoch: int,
    finished: bool,
    model: nn.Module,
    optimizer: Any,
    generator: torch.Generator,
    history: History,
    callbacks: Sequence[Any],
    transform: Any = None,
) -> None:
    """Write the state after `epoch` (or after training, when `finished`) to `path`, atomically."""
    state = {
        "format": FORMAT,
        "fingerprint": fingerprint,
        "epoch": epoch,
        "finished": finished,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "generator": generator.get_state(),
        "rng": _global_rng_state(),
        "rows": history.rows,
        "callbacks": [[type(cb).__name__, cb.state_dict()] for cb in callbacks if hasattr(cb, "state_dict")],
        "transform": transform.state_dict() if hasattr(transform, "state_dict") else None,
    }
    buf = io.BytesIO()
    torch.save(state, buf)
    atomic.write_bytes(path, buf.getvalue())


def load_training_state(path: Path | None, fingerprint: dict[str, Any]) -> dict[str, Any] | None:
    """The saved state at `path` if it exists, is readable and was made with this configuration; else None.

    A damaged file (a disk that filled up mid-write cannot produce one, but a copied folder can) is treated
    as absent: training restarts rather than failing.
    """
    if path is None or not path.is_file():
        return None
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:  # torch raises several unrelated types for a damaged file
        return None
    if state.get("format") != FORMAT or state.get("fingerprint") != fingerprint:
        return None
    return state


def restore_training_state(
    state: dict[str, Any],
    model: nn.Module,
    optimizer: Any,
    generator: torch.Generator,
    callbacks: Sequence[Any],
    transform: Any = None,
) -> list[dict[str, float]]:
    """Put the saved state back into live objects; returns the history rows recorded so far."""
    model.load_state_dict(state["model"])
    _load_optimizer(optimizer, state["optimizer"])
    generator.set_state(state["generator"])
    _set_global_rng_state(state["rng"])
    keeping = [cb for cb in callbacks if hasattr(cb, "load_state_dict")]
    for cb, (name, saved) in zip(keeping, state["callbacks"], strict=False):
        if type(cb).__name__ == name:  # the same callback in the same place: a changed list restores nothing
            cb.load_state_dict(saved)
    if state.get("transform") is not None and hasattr(transform, "load_state_dict"):
        transform.load_state_dict(state["transform"])
    return list(state["rows"])


def _load_optimizer(optimizer: Any, saved: dict[str, Any]) -> None:
    """Load the optimiser's state, keeping each group's rate in the tensor it was in (on CUDA a device tensor
    that a captured graph reads; loading would put a CPU copy in its place, frozen into the graph)."""
    rates = [group["lr"] for group in optimizer.param_groups]
    optimizer.load_state_dict(saved)
    for group, rate in zip(optimizer.param_groups, rates, strict=True):
        if torch.is_tensor(rate):
            rate.fill_(float(group["lr"]))
            group["lr"] = rate


def _global_rng_state() -> dict[str, Any]:
    version, keys, pos, has_gauss, gauss = np.random.get_state()
    state = {
        "torch": torch.get_rng_state(),
        "numpy": [version, torch.from_numpy(keys.astype(np.int64)), pos, has_gauss, gauss],
        "python": random.getstate(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_global_rng_state(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    version, keys, pos, has_gauss, gauss = state["numpy"]
    np.random.set_state((version, keys.numpy().astype(np.uint32), pos, has_gauss, gauss))
    random.setstate(_as_tuples(state["python"]))
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def _as_tuples(value: Any) -> Any:
    """Python's random state is nested tuples; a save-and-load may hand back lists."""
    return tuple(_as_tuples(v) for v in value) if isinstance(value, list | tuple) else value
