"""A report section: one task's finished run as read from its folder, for the renderers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


class ReportedTask(Protocol):
    """What a report needs to know of a task; the caller hands these over, so the report needs no suite."""

    @property
    def id(self) -> str: ...  # "bath-a2/3.1", the section's heading

    @property
    def name(self) -> str: ...  # "3.1", the run folder's name under the suite's folder

    @property
    def title(self) -> str: ...


@dataclass
class Section:
    task: ReportedTask
    folder: Path
    provenance: dict[str, Any]
    metrics: dict[str, Any]
    entries: list[dict[str, Any]] = field(default_factory=list)  # the manifest, with tables' rows loaded
