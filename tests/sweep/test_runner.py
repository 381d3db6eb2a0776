"""The runner with a torch-free objective: streaming, resume after a stop or a kill, the worker pool, errors."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dlcourse.errors import InvalidSetting
from dlcourse.sweep import SearchSpace, read_results, run_sweep
from dlcourse.sweep.results import ResultsBusy, ResultsFile
from tests.sweep.toy import calls, toy

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


def test_worker_pool_gives_the_same_records_as_one_process(tmp_path):
    serial = run_sweep(SPACE, toy, tmp_path / "a.jsonl", workers=1, threads=1)
    pooled = run_sweep(SPACE, toy, tmp_path / "b.jsonl", workers=2, threads=1, context={"sleep": 0.2})
    assert without_timing(pooled) == without_timing(serial)
    assert [r["config"]["x"] for r in pooled] == list(range(6))  # returned in the space's order
    pids = {r["timing"]["pid"] for r in pooled}
    assert len(pids) == 2 and os.getpid() not in pids


def test_a_diverged_trial_is_a_result_and_a_crash_stops_the_sweep(tmp_path):
    results = tmp_path / "r.jsonl"
    records = run_sweep([{"x": 1}, {"x": 2, "diverge": True}], toy, results, workers=1)
    assert records[1]["metrics"] is None and "nan" in records[1]["error"]
    with pytest.raises(RuntimeError, match="a bug"):
        run_sweep([{"x": 1}, {"x": 2, "diverge": True}, {"x": 3, "crash": True}, {"x": 4}], toy, results, workers=1)
    assert [r["config"]["x"] for r in read_results(results)] == [1, 2]  # the crash is not recorded


def test_one_writer_per_results_file(tmp_path):
    with ResultsFile(tmp_path / "r.jsonl"), pytest.raises(ResultsBusy, match="another sweep"):
        run_sweep(SPACE, toy, tmp_path / "r.jsonl", workers=1)


@pytest.mark.parametrize(
    "kwargs,words",
    [
        (dict(backend="slurm"), "unknown backend"),
        (dict(address="auto"), "for the ray backend"),
        (dict(threads=-1), "at least 1"),
    ],
)
def test_bad_runner_options(tmp_path, kwargs, words):
    with pytest.raises(InvalidSetting, match=words):
        run_sweep(SPACE, toy, tmp_path / "r.jsonl", **{"workers": 1, **kwargs})
