"""`--dry-run`: every registered task runs end to end with each model trained on one batch, and nothing is
kept; a test of every task's wiring in minutes."""

import json

import pytest
import torch

from dlcourse.cli import main
from dlcourse.plots.print_size import MIN_PRINTED_PT
from dlcourse.suites import select, suites
from dlcourse.suites.runner import run_task


@pytest.fixture
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.parametrize("suite", suites())
def test_every_task_of_the_suite_runs_dry(suite, tmp_path, one_thread, monkeypatch):
    here = tmp_path / "working-directory"
    here.mkdir()
    monkeypatch.chdir(here)  # a dry run writes nothing outside its runs folder (3.9's ./models included)
    for task in select(suite):  # in the brief's order, so that a task finds the ones it needs
        folder = run_task(task, profile="quick", runs_root=tmp_path, quiet=True, dry_run=True)
        assert json.loads((folder / "provenance.json").read_text())["finished"], task.id
        histories = json.loads((folder / "history.json").read_text()) if (folder / "history.json").is_file() else {}
        assert all(len(h["rows"]) == 1 for h in histories.values()), task.id  # one epoch of one batch
        # Every figure of every task prints its smallest text at 8 pt or more in the report.
        figures = [e for e in json.loads((folder / "manifest.json").read_text()) if e["kind"] == "figure"]
        small = {e["name"]: e["printed_pt"] for e in figures if e.get("printed_pt", MIN_PRINTED_PT) < MIN_PRINTED_PT}
        assert not small, f"{task.id}: text under {MIN_PRINTED_PT:g} pt when printed: {small}"
    assert not list(here.iterdir())


def test_dry_run_keeps_nothing(capsys, tmp_path, monkeypatch, one_thread):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(["run", "bath-a2/3.1", "--profile", "quick", "-q", "--dry-run"])
    assert info.value.code == 0 and "nothing was kept" in capsys.readouterr().out
    assert not (tmp_path / "runs").exists()
