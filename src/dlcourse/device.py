"""Choosing the device and seeding every random source."""

from __future__ import annotations

import random

import numpy as np
import torch

from dlcourse.errors import DeviceUnavailable, UnknownName


def resolve_device(name: str = "auto") -> torch.device:
    """'auto' picks CUDA when present, else the CPU; asking for CUDA without one is an error."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise DeviceUnavailable("CUDA was requested but no CUDA device is available; use --device cpu")
        return torch.device(name)
    if name == "cpu":
        return torch.device("cpu")
    raise UnknownName(f"unknown device {name!r}; known: auto, cpu, cuda")


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (all devices) so model initialisation is reproducible."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def describe_device(device: torch.device) -> str:
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)} (CUDA {torch.version.cuda})"
    threads = torch.get_num_threads()
    return f"CPU ({threads} thread{'s' if threads != 1 else ''})"
