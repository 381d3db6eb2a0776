"""`dlcourse run --resume` after a SIGKILL: the same result as a run that was never interrupted."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import torch

QUICK_31 = ["bath-a2/3.1", "--profile", "quick", "-q", "--precision", "fp32", "--threads", "1"]
# Small steps (batch 10) of a narrower MLP: epochs long enough to kill the run in epoch 3, quick to train.
QUICK_31 += ["--set", "epochs=5", "--batch-size", "10", "--set", "sizes=784,256,10"]
QUICK_32 = ["bath-a2/3.2", "--profile", "quick", "-q", "--precision", "fp32", "--threads", "1", "--epochs", "2"]


def dlcourse(runs: Path, args: list[str], resume: bool = False) -> subprocess.Popen:
    command = [sys.executable, "-m", "dlcourse", "run", *args, "--runs-dir", str(runs)]
    return subprocess.Popen([*command, *(["--resume"] if resume else [])], stdout=subprocess.PIPE, text=True)


def saved_states(runs: Path, task: str) -> list[dict]:
    states = []
    for path in sorted(runs.glob(f"bath-a2/.{task}.partial-*/checkpoints/*.pt")):
        try:
            states.append(torch.load(path, weights_only=True))
        except Exception:  # being replaced right now: read it at the next poll
            continue
    return states


def kill_when(process: subprocess.Popen, ready, timeout: float = 120.0) -> None:
    """SIGKILL `process` as soon as `ready()` holds: no handler runs, nothing is cleaned up."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, "the run finished before it could be killed"
        assert time.monotonic() < deadline, "the run never reached the point to kill it at"
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def finish(process: subprocess.Popen) -> str:
    out, _ = process.communicate(timeout=300)
    assert process.returncode == 0
    return out


def without_timings(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in ("seconds", "samples_per_s")} for row in rows]


def test_sigkill_in_epoch_3_then_resume_equals_the_uninterrupted_run(tmp_path):
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    finish(dlcourse(whole, QUICK_31))
    process = dlcourse(killed, QUICK_31)
    kill_when(process, lambda: any(s["epoch"] >= 2 for s in saved_states(killed, "3.1")))
    assert not (killed / "bath-a2" / "3.1").exists()  # nothing was committed
    assert saved_states(killed, "3.1")[0]["epoch"] < 5  # killed mid-run, its last finished epoch saved
    finish(dlcourse(killed, QUICK_31, resume=True))
    a, b = whole / "bath-a2" / "3.1", killed / "bath-a2" / "3.1"
    assert json.loads((b / "provenance.json").read_text())["resumed"] is True
    weights_a, weights_b = (torch.load(f / "mlp.pt", weights_only=True)["state_dict"] for f in (a, b))
    assert weights_a.keys() == weights_b.keys()
    assert all(torch.equal(weights_a[k], weights_b[k]) for k in weights_a)
    history_a, history_b = (json.loads((f / "history.json").read_text())["mlp"] for f in (a, b))
    assert without_timings(history_a["rows"]) == without_timings(history_b["rows"])
    metrics_a, metrics_b = (json.loads((f / "metrics.json").read_text()) for f in (a, b))
    assert {k: v for k, v in metrics_a.items() if "seconds" not in k} == {
        k: v for k, v in metrics_b.items() if "seconds" not in k
    }
    assert not list((killed / "bath-a2").glob(".3.1.partial-*"))  # the staging folder became the result


def test_a_killed_study_resumes_without_retraining_finished_models(tmp_path):
    process = dlcourse(tmp_path, QUICK_32)
    kill_when(process, lambda: sum(s["finished"] for s in saved_states(tmp_path, "3.2")) >= 2)
    finished = [s["rows"] for s in saved_states(tmp_path, "3.2") if s["finished"]]
    finish(dlcourse(tmp_path, QUICK_32, resume=True))
    histories = json.loads((tmp_path / "bath-a2" / "3.2" / "history.json").read_text())
    rows = [h["rows"] for h in histories.values()]
    assert len(rows) == 5  # the 3.1 network and four deeper ones
    # A finished model's rows come back as saved, timings included: it was not trained again.
    assert all(saved in rows for saved in finished)
    resumed = [h["meta"].get("resumed_from_epoch") for h in histories.values()]
    assert resumed[: len(finished)] == [2] * len(finished)


def test_a_new_run_removes_staging_folders_left_by_a_kill(tmp_path):
    process = dlcourse(tmp_path, QUICK_32)
    kill_when(process, lambda: bool(saved_states(tmp_path, "3.2")))
    assert list((tmp_path / "bath-a2").glob(".3.2.partial-*"))
    finish(dlcourse(tmp_path, QUICK_32))  # without --resume: starts afresh and clears the leftover
    assert not list((tmp_path / "bath-a2").glob(".3.2.partial-*"))
    histories = json.loads((tmp_path / "bath-a2" / "3.2" / "history.json").read_text())
    assert all("resumed_from_epoch" not in h["meta"] for h in histories.values())
