from dataclasses import dataclass

from dlcourse.settings import Settings, setting


@dataclass(frozen=True)
class TinySettings(Settings):
    epochs: int = setting(1, "passes", min=1)
