"""Resumable training: everything `fit` needs to continue an interrupted run exactly where it stopped.

After every epoch `fit` writes one file (atomically, so a kill leaves the previous epoch's file intact):
the model, the optimiser, the epoch reached, the history so far, the state of every random source (the
data-order generator, torch's global generator that dropout draws from, NumPy's and Python's) and the
state of callbacks that keep some (early stopping's best weights). Loading it and running the remaining
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
        "callbacks": [cb.state_dict() if hasattr(cb, "state_dict") else None for cb in callbacks],
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
    state: dict[str, Any], model: nn.Module, optimizer: Any, generator: torch.Generator, callbacks: Sequence[Any]
) -> list[dict[str, float]]:
    """Put the saved state back into live objects; returns the history rows recorded so far."""
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    generator.set_state(state["generator"])
    _set_global_rng_state(state["rng"])
    for cb, saved in zip(callbacks, state["callbacks"], strict=False):
        if saved is not None and hasattr(cb, "load_state_dict"):
            cb.load_state_dict(saved)
    return list(state["rows"])


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
