"""Stopping a run from outside: Ctrl-C and SIGTERM say so in one line and keep what --resume needs; two
runs of one task finishing at the same instant both succeed and leave no hidden folder."""

import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dlcourse.runs import Run
from tests.bad_inputs.conftest import TASK, digest
from tests.engine.test_resume_cli import saved_states

SLOW_QUICK = [TASK, "--profile", "quick", "-q", "--precision", "fp32", "--threads", "1", "--set", "epochs=50"]


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_stopped_run_says_so_and_keeps_its_staging_folder(how, earlier_run, tmp_path):
    earlier, before, _ = earlier_run
    runs = tmp_path / "runs"
    shutil.copytree(earlier.runs, runs)
    command = [sys.executable, "-m", "dlcourse", "run", *SLOW_QUICK, "--runs-dir", str(runs)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while not saved_states(runs, "3.1"):  # stop it once an epoch is saved, mid-run
            assert process.poll() is None, process.communicate()
        process.send_signal(how)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert "bath-a2/3.1: interrupted; the same command with --resume continues" in " ".join(err.split()), err
    assert "Traceback" not in err
    assert digest(runs / "bath-a2" / "3.1") == before  # the earlier result is still in place
    assert saved_states(runs, "3.1")  # and the stopped run's training state waits for --resume


def test_two_runs_finishing_at_once_both_commit(tmp_path, monkeypatch):
    rename = Path.rename

    def slow_rename(self, target):  # widens the window between the two renames of a commit
        time.sleep(0.02)
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", slow_rename)
    runs = [Run(tmp_path, "suite", "t") for _ in range(8)]
    for i, run in enumerate(runs):
        run.metric("value", i)
    barrier = threading.Barrier(len(runs))
    failures = []

    def commit(run):
        barrier.wait()
        try:
            run.commit()
        except OSError as exc:
            failures.append(exc)

    threads = [threading.Thread(target=commit, args=(r,)) for r in runs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert sorted(p.name for p in (tmp_path / "suite").iterdir()) == ["t"]
    assert (tmp_path / "suite" / "t" / "metrics.json").is_file()
