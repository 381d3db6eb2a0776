"""Torch-free objectives for runner tests: importable by spawned workers, fast, and with a call log."""

import time
from pathlib import Path

import optuna

from dlcourse.errors import TrainingDiverged


def toy(config, trial=None, log=None, sleep=0.0):
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


def scripted(config, trial, log=None):
    """A training run whose validation accuracy per epoch is `config["curve"]`, reported to the trial, which
    stops it as a real objective does: after an epoch, not after the last one."""
    curve = config["curve"]
    for epoch, acc in enumerate(curve, start=1):
        if log:
            with open(log, "a") as f:
                f.write(f"{config['x']}\n")
        trial.report(acc, epoch)
        if epoch < len(curve) and trial.should_prune():
            raise optuna.TrialPruned(f"epoch {epoch}")
    return {"val_acc": curve[-1]}


def calls(log: Path) -> list[int]:
    return [int(line) for line in log.read_text().split()] if log.exists() else []
