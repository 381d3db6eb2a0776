"""What every bad-input case shares: a finished earlier run that must come through untouched, and a way to
run the command line in-process and read what it said."""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

from dlcourse.cli import main
from dlcourse.suites import select
from dlcourse.suites.runner import run_task
from tests.fixtures import offline_runs

TASK = "bath-a2/3.1"


def digest(folder: Path) -> str:
    """A hash of every file's path and bytes under `folder`."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@dataclass
class Earlier:
    """A runs folder holding one finished quick run of TASK."""

    runs: Path

    @property
    def folder(self) -> Path:
        return self.runs / "bath-a2" / "3.1"

    def listing(self) -> set[str]:
        return {p.name for p in (self.runs / "bath-a2").iterdir()}


@pytest.fixture(scope="session")
def earlier_run(tmp_path_factory) -> tuple[Earlier, str, set[str]]:
    runs = tmp_path_factory.mktemp("earlier") / "runs"
    with offline_runs(tmp_path_factory):
        run_task(select(TASK)[0], profile="quick", runs_root=runs, quiet=True, overrides={"epochs": 1})
    earlier = Earlier(runs)
    return earlier, digest(earlier.folder), earlier.listing()


@pytest.fixture
def earlier(earlier_run) -> Iterator[Earlier]:
    """The earlier run; after the test, it must be byte-identical and nothing may have been added beside it."""
    run, before, listing = earlier_run
    yield run
    assert digest(run.folder) == before, "the earlier run's folder changed"
    assert run.listing() == listing, "a bad input left something beside the earlier run"


@pytest.fixture
def refuse(capsys, tmp_path, monkeypatch):
    """Run the command line with `args`; assert exit code 2 and exactly one `error:` line holding `words`."""
    monkeypatch.chdir(tmp_path)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the few cases that train use tiny data: one thread is faster

    def check(args: list[str], words: str) -> str:
        with pytest.raises(SystemExit) as info:
            main([str(a) for a in args])
        captured = capsys.readouterr()
        errors = [line for line in captured.err.splitlines() if line.startswith("error:")]
        assert info.value.code == 2, captured.err
        assert len(errors) == 1 and captured.err.strip().endswith(errors[0]), captured.err
        assert words in errors[0], errors[0]
        assert "Traceback" not in captured.err + captured.out
        return errors[0]

    yield check
    torch.set_num_threads(threads)
