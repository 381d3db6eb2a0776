"""The Ray backend (the `cluster` extra; the dev extra installs Ray too) against the local one, on a real tiny
sweep."""

import ray

from dlcourse.sweep import SearchSpace, read_results, run_sweep
from dlcourse.train.classify import classify
from tests.sweep.test_runner import GOOD, HOPELESS
from tests.sweep.toy import scripted

SPACE = SearchSpace(
    fixed={"source": "sample", "train_size": 300, "model": "geron_mlp", "hidden": [16], "epochs": 1},
    params={
        "activation": ["relu", "tanh"],
        "optimizer": [{"optimizer": "sgd", "lr": 0.05}, {"optimizer": "adam", "lr": 1e-3}],
    },
)


def without_timing(path):
    return sorted(({k: v for k, v in r.items() if k != "timing"} for r in read_results(path)), key=lambda r: r["trial"])


def test_ray_with_two_workers_writes_the_same_results_as_the_local_backend(tmp_path):
    local = run_sweep(SPACE, classify, tmp_path / "local.jsonl", workers=1, threads=1)
    remote = run_sweep(SPACE, classify, tmp_path / "ray.jsonl", backend="ray", workers=2, threads=1)
    assert len(local) == len(remote) == 4
    assert {r["timing"]["backend"] for r in remote} == {"ray"}
    assert without_timing(tmp_path / "ray.jsonl") == without_timing(tmp_path / "local.jsonl")
    assert not ray.is_initialized()  # the local Ray it started is stopped again


def test_ray_trials_report_to_the_pruner_through_the_study(tmp_path):
    # Trials on Ray workers reach the study through an actor; the median pruner stops the hopeless one as
    # it does on the local backend (one trial at a time, so the decisions are the same).
    curves = [GOOD] * 5 + [HOPELESS]
    configs = [{"x": x, "curve": curve, "epochs": 5} for x, curve in enumerate(curves)]
    records = run_sweep(configs, scripted, tmp_path / "ray.jsonl", backend="ray", workers=1, threads=1)
    assert [r["pruned"] for r in records] == [False] * 5 + [True] and records[-1]["epochs"] == 2
    assert records[-1]["timing"]["backend"] == "ray" and not ray.is_initialized()
