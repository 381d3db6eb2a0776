import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import torch

from dlcourse.settings import Settings, setting


@dataclass(frozen=True)
class TinySettings(Settings):
    epochs: int = setting(1, "passes", min=1)


@contextlib.contextmanager
def offline_runs(tmp_path_factory, threads: int | None = 1) -> Iterator[None]:
    """For a module- or session-scoped fixture that runs tasks: offline, without user data and with an empty
    cache, as conftest makes every test; with `threads` torch threads (tiny models train faster on one
    thread than on several competing for the cores), restored afterwards."""
    before = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DLCOURSE_OFFLINE", "1")
        mp.delenv("DLCOURSE_DATA", raising=False)
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        try:
            yield
        finally:
            torch.set_num_threads(before)
