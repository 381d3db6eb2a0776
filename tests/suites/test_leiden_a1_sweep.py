"""leiden-a1/1 in the quick profile on the bundled samples, run once for the module."""

import csv
import json

import pytest

from dlcourse.errors import InvalidSetting
from dlcourse.suites import select
from dlcourse.suites.leiden_a1.sweep_settings import SweepSettings, cnn_space, mlp_space
from dlcourse.suites.runner import run_task
from dlcourse.sweep import read_results
from tests.fixtures import notebook_numbers, offline_runs, recorded_numbers


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    with offline_runs(tmp_path_factory, threads=None):
        run_task(select("leiden-a1/1")[0], profile="quick", runs_root=root, quiet=True)
    return root / "leiden-a1"


def test_the_notebook_from_an_empty_folder_gives_task_1_the_cli_numbers(run, tmp_path):
    """Task 1 of the Assignment1 notebook, executed on a fresh kernel, records the same numbers as `run_task`
    (both searches, their pruning and the retrained best models), bit for bit."""
    assert notebook_numbers(["leiden-a1/1"], {}, tmp_path) == {"leiden-a1/1": recorded_numbers(run / "1")}


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def notes(folder):
    return " ".join(e["text"] for e in json.loads((folder / "manifest.json").read_text()) if e["kind"] == "note")


def test_searches_are_ranked_by_validation_accuracy_and_plotted(run):
    quick = select("leiden-a1/1")[0].profiles["quick"]
    for net, trials in (("mlp", quick.mlp_trials), ("cnn", quick.cnn_trials)):
        table = rows(run / "1" / f"{net}_trials.csv")
        assert len(table) == trials
        accs = [float(r["val acc (%)"]) for r in table]
        assert accs == sorted(accs, reverse=True)
        assert {"init", "activation", "optimizer", "regularisation"} <= set(table[0])
        assert rows(run / "1" / f"{net}_top.csv") == table[: quick.top]
        assert (run / "1" / f"{net}_marginals.png").is_file()
        # The records stream to a results file kept outside the run folder, so a killed run resumes.
        records = read_results(run / "1.trials" / f"{net}.jsonl")
        assert len(records) == trials and all(r["config"]["holdout"] == 0.1 for r in records)


def test_top_settings_are_retrained_on_both_datasets(run):
    quick = select("leiden-a1/1")[0].profiles["quick"]
    table = rows(run / "1" / "transfer.csv")
    assert [(r["network"], r["rank"]) for r in table] == [(n, str(k)) for n in ("MLP", "CNN") for k in range(1, 3)]
    top_mlp = rows(run / "1" / "mlp_top.csv")[0]
    assert float(table[0]["fashion-mnist val acc (%)"]) == float(top_mlp["val acc (%)"])
    finals = read_results(run / "1.trials" / "final.jsonl")
    assert len(finals) == 2 * 2 * quick.top and all(r["config"]["holdout"] == 0 for r in finals)
    assert {r["config"]["dataset"] for r in finals} == {"fashion-mnist", "cifar10"}
    assert "CIFAR-10 here is the bundled sample" in notes(run / "1")  # no full CIFAR-10 on disk here
    metrics = json.loads((run / "1" / "metrics.json").read_text())
    assert 0.1 < metrics["best_mlp_test_acc"] <= 1 and metrics["trial_seconds"] > 0
    # One epoch per quick trial leaves the pruner nothing to stop: the whole budget is trained, and said so.
    assert metrics["mlp_epochs_trained"] == metrics["mlp_epoch_budget"] == quick.mlp_trials * quick.mlp_epochs
    assert metrics["cnn_compute_saved"] == 0
    assert f"epochs trained {quick.cnn_trials} of a full budget of {quick.cnn_trials} (0% saved)" in notes(run / "1")
    assert f"judges a trial from its epoch {quick.cnn_prune_after} on" in notes(run / "1")
    assert (run / "1" / "transfer.png").is_file()


def test_the_brief_spaces_hold_the_books_networks():
    brief = SweepSettings()
    mlp = [t.config for t in mlp_space(brief).trials()]
    cnn = [t.config for t in cnn_space(brief).trials()]
    assert len(mlp) == brief.mlp_trials and len(cnn) == brief.cnn_trials
    assert all(c["holdout"] == 0.1 and c["train_size"] is None and c["source"] == "full" for c in mlp + cnn)
    assert {tuple(c["hidden"]) for c in mlp} >= {(300, 100)}
    # The default halves every filter count for the CPU budget; width 1 is the book's 64-128-256.
    assert {tuple(c["filters"]) for c in cnn} >= {(32, 64, 128)}
    assert {c["batch_norm"] for c in cnn} == {False, True}  # the book's network has none; the search tries both
    book = [t.config for t in cnn_space(SweepSettings(cnn_width=1.0)).trials()]
    assert {tuple(c["filters"]) for c in book} >= {(64, 128, 256)}


def test_cnn_trials_run_in_bf16_only_where_the_machine_has_it(monkeypatch):
    import dlcourse.suites.leiden_a1.sweep_settings as sweep_settings

    auto = SweepSettings()
    monkeypatch.setattr(sweep_settings, "cpu_supports_bf16", lambda: False)
    assert {t.config["precision"] for t in cnn_space(auto).trials()} == {"fp32"}
    assert {t.config["precision"] for t in cnn_space(auto, device="cuda").trials()} == {"bf16"}
    monkeypatch.setattr(sweep_settings, "cpu_supports_bf16", lambda: True)
    assert {t.config["precision"] for t in cnn_space(auto).trials()} == {"bf16"}
    assert {t.config["precision"] for t in cnn_space(SweepSettings(precision="fp32")).trials()} == {"fp32"}
    # The MLP's step is too small for bf16 to matter, and fp32 gives the same numbers on every machine.
    assert {t.config["precision"] for t in mlp_space(auto).trials()} == {"fp32"}


def test_unknown_network_is_rejected(tmp_path):
    with pytest.raises(InvalidSetting, match="networks takes mlp and/or cnn"):
        run_task(
            select("leiden-a1/1")[0], profile="quick", runs_root=tmp_path, quiet=True, overrides={"networks": "rnn"}
        )
    assert not (tmp_path / "leiden-a1" / "1").exists()


def test_a_dry_run_shrinks_the_search_itself(tmp_path_factory):
    # The trials train outside TaskContext.fit, so without this a dry run would run the whole search.
    root = tmp_path_factory.mktemp("dry")
    with offline_runs(tmp_path_factory):
        run_task(select("leiden-a1/1")[0], profile="quick", runs_root=root, quiet=True, dry_run=True)
    trials = root / "leiden-a1" / "1.trials"
    for net in ("mlp", "cnn"):
        records = read_results(trials / f"{net}.jsonl")
        assert len(records) == 2
        assert all(r["config"]["epochs"] == 1 and r["config"]["train_size"] == 100 for r in records)
    assert len(read_results(trials / "final.jsonl")) == 2 * 2  # the best of each network, on both datasets


def test_both_datasets_are_named_on_the_first_page(run):
    """The search's and the transfer's data are 'data' notes, which the report's first page lists."""
    data = [e["text"] for e in json.loads((run / "1" / "manifest.json").read_text()) if e.get("role") == "data"]
    assert [text.split(":")[0] for text in data] == ["Search data", "cifar10 data"]
    assert "fashion-mnist" in data[0] and "cifar10" in data[1]
