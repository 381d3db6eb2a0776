"""A torch-free objective for runner tests: importable by spawned workers, fast, and with a call log."""

import time
from pathlib import Path

from dlcourse.errors import TrainingDiverged


def toy(config, log=None, sleep=0.0):
    """Score = a fixed function of the config; appends the trial's x to `log`, sleeps `sleep` seconds;
    diverges or crashes when the config says so."""
    if log:
        with open(log, "a") as f:
            f.write(f"{config['x']}\n")
    time.sleep(sleep)
    if config.get("diverge"):
        raise TrainingDiverged("the training loss became nan in epoch 1; lower the learning rate")
    if config.get("crash"):
        raise RuntimeError("a bug")
    return {"val_acc": 1 / (1 + abs(config["x"] - 3))}


def calls(log: Path) -> list[int]:
    return [int(line) for line in log.read_text().split()] if log.exists() else []
