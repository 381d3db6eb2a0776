"""The runner with torch-free objectives: streaming, resume after a stop or a kill, the worker pool, pruning,
errors."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import optuna
import pytest

from dlcourse.errors import InvalidSetting
from dlcourse.sweep import SearchSpace, read_results, run_sweep
from dlcourse.sweep.results import NotAResultsFile
from dlcourse.sweep.study import Pruning, journal_path, open_study
from dlcourse.sweep.summary import compute_saved
from tests.sweep.toy import calls, scripted, toy

SPACE = SearchSpace(params={"x": list(range(6))})
ROOT = Path(__file__).resolve().parents[2]


def without_timing(records):
    return sorted(({k: v for k, v in r.items() if k != "timing"} for r in records), key=lambda r: r["trial"])


def test_resume_runs_exactly_the_rest(tmp_path):
    results, log = tmp_path / "r.jsonl", tmp_path / "calls"
    first = run_sweep(SPACE, toy, results, workers=1, context={"log": str(log)}, limit=2)
    assert [r["config"]["x"] for r in first] == [0, 1] and calls(log) == [0, 1]
    assert len(read_results(results)) == 2  # streamed: on disk before the sweep is over
    records = run_sweep(SPACE, toy, results, workers=1, context={"log": str(log)})
    assert calls(log) == [0, 1, 2, 3, 4, 5]  # nothing ran twice
    assert [r["config"]["x"] for r in records] == list(range(6))
    assert records[3]["metrics"] == {"val_acc": 1.0} and records[3]["params"] == {"x": "3"}
    run_sweep(SPACE, toy, results, workers=1, context={"log": str(log)})
    assert calls(log) == [0, 1, 2, 3, 4, 5]


def test_a_killed_sweep_resumes_and_its_torn_last_line_is_ignored(tmp_path):
    results, log = tmp_path / "r.jsonl", tmp_path / "calls"
    script = (
        "from dlcourse.sweep import SearchSpace, run_sweep\nfrom tests.sweep.toy import toy\n"
        f"run_sweep(SearchSpace(params={{'x': list(range(6))}}), toy, {str(results)!r}, workers=1, "
        f"context={{'log': {str(log)!r}, 'sleep': 0.3}})\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while len(read_results(results)) < 2:
            assert proc.poll() is None and time.monotonic() < deadline, "the sweep ended or stalled early"
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finished = {r["config"]["x"] for r in read_results(results)}
    with open(results, "ab") as f:  # what a kill in the middle of a write leaves behind
        f.write(b'{"trial": "0123", "config": {"x": 5, "sl')
    assert len(read_results(results)) == len(finished)
    before = len(calls(log))
    records = run_sweep(SPACE, toy, results, workers=1, context={"log": str(log)})
    assert sorted(calls(log)[before:]) == sorted(set(range(6)) - finished)
    assert len(records) == 6 and len(read_results(results)) == 6
    lines = results.read_bytes().splitlines()
    assert len(lines) == 6 and all(json.loads(line)["trial"] for line in lines)  # the torn line was cut off


def test_records_the_study_lacks_are_taken_from_the_results_file(tmp_path):
    # A results file written before its journal existed (or whose journal was deleted): its trials are done.
    results, log = tmp_path / "r.jsonl", tmp_path / "calls"
    run_sweep(SPACE, toy, results, workers=1, limit=3)
    journal_path(results).unlink()
    run_sweep(SPACE, toy, results, workers=1, context={"log": str(log)})
    assert calls(log) == [3, 4, 5] and len(read_results(results)) == 6
    assert len(open_study(journal_path(results), "median").trials) == 6


def test_worker_pool_gives_the_same_records_as_one_process(tmp_path):
    serial = run_sweep(SPACE, toy, tmp_path / "a.jsonl", workers=1, threads=1)
    pooled = run_sweep(SPACE, toy, tmp_path / "b.jsonl", workers=2, threads=1, context={"sleep": 0.2})
    assert without_timing(pooled) == without_timing(serial)
    assert [r["config"]["x"] for r in pooled] == list(range(6))  # returned in the space's order
    pids = {r["timing"]["pid"] for r in pooled}
    assert len(pids) == 2 and os.getpid() not in pids


def test_pool_workers_report_their_epochs_to_the_study(tmp_path):
    configs = [{"x": x, "curve": [0.5, 0.6, 0.7], "epochs": 3} for x in range(4)]
    records = run_sweep(configs, scripted, tmp_path / "r.jsonl", workers=2, threads=1)
    assert len({r["timing"]["pid"] for r in records}) == 2
    trials = open_study(journal_path(tmp_path / "r.jsonl"), "median").trials
    assert [t.intermediate_values for t in trials] == [{1: 0.5, 2: 0.6, 3: 0.7}] * 4


def test_a_diverged_trial_is_a_result_and_a_crash_stops_the_sweep(tmp_path):
    results = tmp_path / "r.jsonl"
    records = run_sweep([{"x": 1}, {"x": 2, "diverge": True}], toy, results, workers=1)
    assert records[1]["metrics"] is None and "nan" in records[1]["error"]
    with pytest.raises(RuntimeError, match="a bug"):
        run_sweep([{"x": 1}, {"x": 2, "diverge": True}, {"x": 3, "crash": True}, {"x": 4}], toy, results, workers=1)
    assert [r["config"]["x"] for r in read_results(results)] == [1, 2]  # the crash is not recorded


GOOD = [0.5, 0.6, 0.7, 0.8, 0.9]
HOPELESS = [0.1, 0.1, 0.1, 0.1, 0.1]


def test_the_median_pruner_stops_a_hopeless_trial_and_keeps_good_ones(tmp_path):
    # Five good trials let the pruner start judging; the hopeless sixth is below their median after epoch 2
    # (the earliest it may stop one); the last, as good as the first five, trains to the end.
    curves = [GOOD] * 5 + [HOPELESS, [0.55, 0.65, 0.75, 0.85, 0.95]]
    configs = [{"x": x, "curve": curve, "epochs": 5} for x, curve in enumerate(curves)]
    results, log = tmp_path / "r.jsonl", tmp_path / "calls"
    records = run_sweep(configs, scripted, results, workers=1, context={"log": str(log)})
    assert [r["pruned"] for r in records] == [False] * 5 + [True, False]
    assert [r["epochs"] for r in records] == [5] * 5 + [2, 5] and calls(log).count(5) == 2
    assert records[5]["curve"] == [0.1, 0.1] and records[5]["metrics"] is None
    states = [t.state for t in open_study(journal_path(results), "median").trials]
    assert states == [optuna.trial.TrialState.COMPLETE] * 5 + [optuna.trial.TrialState.PRUNED] + [states[0]]
    assert compute_saved(records) == (32, 35)  # 6 x 5 epochs + 2 of the hopeless one's 5
    assert read_results(results) == records
    unpruned = run_sweep(configs, scripted, tmp_path / "none.jsonl", workers=1, pruner="none")
    assert not any(r["pruned"] for r in unpruned) and compute_saved(unpruned) == (35, 35)


def test_a_later_warm_up_lets_a_slow_starter_finish_and_still_stops_the_hopeless(tmp_path):
    # A trial that starts below the median and ends above it (dropout's curve) is stopped by the default
    # warm-up of 2 epochs but trains to the end with a warm-up of 4; the hopeless one is stopped after epoch 4.
    slow = [0.3, 0.4, 0.55, 0.85, 0.97]
    curves = [GOOD] * 5 + [slow, HOPELESS]
    configs = [{"x": x, "curve": curve, "epochs": 5} for x, curve in enumerate(curves)]
    early = run_sweep(configs, scripted, tmp_path / "early.jsonl", workers=1)
    assert [r["epochs"] for r in early[5:]] == [2, 2]
    late = run_sweep(configs, scripted, tmp_path / "late.jsonl", workers=1, pruner=Pruning("median", 4))
    assert [r["pruned"] for r in late[5:]] == [False, True] and [r["epochs"] for r in late[5:]] == [5, 4]
    assert late[5]["metrics"]["val_acc"] == 0.97


def test_a_pruned_trial_is_done_and_not_run_again(tmp_path):
    configs = [{"x": x, "curve": c, "epochs": 5} for x, c in enumerate([GOOD] * 5 + [HOPELESS])]
    results, log = tmp_path / "r.jsonl", tmp_path / "calls"
    run_sweep(configs, scripted, results, workers=1)
    records = run_sweep(configs, scripted, results, workers=1, context={"log": str(log)})
    assert calls(log) == [] and records[-1]["pruned"]


def test_a_file_that_is_not_a_results_file_is_refused_and_left_alone(tmp_path):
    for name, text in (("notes.jsonl", b"shopping list\nmilk\n"), ("torn.jsonl", b'{"a": 1}\n{"trial": "x"')):
        path = tmp_path / name
        path.write_bytes(text)
        with pytest.raises(NotAResultsFile, match="not a sweep results file"):
            run_sweep(SPACE, toy, path, workers=1)
        assert path.read_bytes() == text and not journal_path(path).exists()


@pytest.mark.parametrize(
    "kwargs,words",
    [
        (dict(backend="slurm"), "unknown backend"),
        (dict(address="auto"), "for the ray backend"),
        (dict(threads=-1), "at least 1"),
        (dict(pruner="asha"), "unknown pruner"),
        (dict(pruner=Pruning("median", 0)), "at least 1 epoch"),
    ],
)
def test_bad_runner_options(tmp_path, kwargs, words):
    with pytest.raises(InvalidSetting, match=words):
        run_sweep(SPACE, toy, tmp_path / "r.jsonl", **{"workers": 1, **kwargs})
