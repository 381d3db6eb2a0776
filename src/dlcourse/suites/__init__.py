"""One package per brief. Their tasks register the first time the suites are asked for (`TASKS`,
`select`, ...), so that the light parts of this package (the registry, the catalog that `dlcourse list`
reads) import without the suites and torch."""

from __future__ import annotations

import importlib
from typing import Any

PACKAGES = ("bath_a2", "fit3181_a1", "leiden_a1", "tbmi26")
_EXPORTS = ("TASKS", "Task", "select", "suites", "task")
__all__ = list(_EXPORTS)


def load() -> None:
    """Import every suite package, which registers its tasks."""
    for name in PACKAGES:
        importlib.import_module(f"dlcourse.suites.{name}")


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'dlcourse.suites' has no attribute {name!r}")
    load()
    from dlcourse.suites import registry

    return getattr(registry, name)
