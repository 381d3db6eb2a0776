"""The Optuna study behind a sweep: its storage, its pruner, and how a sweep's trials live in it.

Storage: Optuna's `JournalStorage` on a `JournalFileBackend`, a file next to the results file
(`mlp.jsonl` -> `mlp.optuna.log`). Every change to the study (a trial asked, an epoch reported, a trial
told) is appended as one JSON line under a lock file and fsynced, and the study is the replay of those
lines. That is why it is the storage here:

- A SIGKILL leaves a readable journal: each change is a single append of whole lines, and a lock file a
  killed process held is taken over after a grace period (30 s).
- Worker processes, and sweeps on other machines that share the folder, write to the same journal: the
  lock serialises appends between processes, and its link-based lock works on network file systems,
  where the `fcntl` locks that SQLite relies on often do not. Optuna's RDB storage on SQLite survives a
  kill too, but its single database lock makes concurrent workers wait and fail with "database is locked".

Each Optuna trial carries the dlcourse trial id (`trial`, the hash of its config) as a user attribute
and, once it has ended, its results record (`record`). A trial with a record is done; a config whose
trials have none is still to run, so a resumed sweep runs exactly the configs left, whatever state a
kill left their Optuna trials in.

Pruner (`--pruner`, default `median`): Optuna's `MedianPruner` stops a trial whose validation accuracy
after an epoch is below the median of the earlier trials at the same epoch. It is the pruner Optuna's own
benchmarks recommend for random search ("Which Sampler and Pruner Should be Used?" in its docs:
MedianPruner with RandomSampler, Hyperband with TPE). It compares trials at equal epochs, so trials of one
length run asynchronously by several workers are judged fairly, and it keeps every trial at least as good
as the median, where successive halving keeps only the best third at each rung and so is riskier for the
slow starters (a small Adam rate, sigmoid units) of a 20-30-trial search. It judges nobody until five
trials have finished (`n_startup_trials`), and no trial before its second epoch (`n_warmup_steps`): the
first epoch says more about the learning rate than about the setting. `halving` (ASHA) and `hyperband`
are there for larger searches; `none` trains every trial to the end.

A `Pruning(name, warmup)` sets that warm-up (the epochs every trial trains before it may be stopped: the
median pruner's `n_warmup_steps`, the halving pruners' `min_resource`), for trials whose early epochs
favour the settings that learn fastest over those that end best, such as dropout. A plain name means the
warm-up of 2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend
from optuna.trial import TrialState

from dlcourse.errors import InvalidSetting
from dlcourse.sweep.results import Record

STUDY = "sweep"  # one study per journal, so one per results file
PRUNERS: dict[str, Callable[[int], optuna.pruners.BasePruner]] = {
    "median": lambda warmup: optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=warmup),
    "halving": lambda warmup: optuna.pruners.SuccessiveHalvingPruner(min_resource=warmup),
    "hyperband": lambda warmup: optuna.pruners.HyperbandPruner(min_resource=warmup),
    "none": lambda warmup: optuna.pruners.NopPruner(),
}


@dataclass(frozen=True)
class Pruning:
    """A pruner by name and the epochs every trial trains before it may stop the trial. Frozen and small, so
    that it travels to worker processes and Ray actors as the name alone did."""

    name: str = "median"
    warmup: int = 2


def as_pruning(pruner: str | Pruning) -> Pruning:
    """A plain name is that pruner with the default warm-up."""
    return Pruning(pruner) if isinstance(pruner, str) else pruner


def make_pruner(pruner: str | Pruning) -> optuna.pruners.BasePruner:
    pruning = as_pruning(pruner)
    if pruning.name not in PRUNERS:
        raise InvalidSetting(f"unknown pruner {pruning.name!r}; known: {', '.join(PRUNERS)}")
    if pruning.warmup < 1:
        raise InvalidSetting(f"a pruner's warm-up must be at least 1 epoch, got {pruning.warmup}")
    return PRUNERS[pruning.name](pruning.warmup)


def journal_path(results: str | Path) -> Path:
    """The study's journal, next to the results file."""
    results = Path(results)
    return results.with_name(f"{results.stem}.optuna.log")


def open_study(journal: str | Path, pruner: str | Pruning) -> optuna.Study:
    """The sweep's study in `journal` (created on first use). The sampler never draws here: a space's
    trials are drawn before the sweep (`space.py`), so each trial's config is given, not suggested."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = JournalStorage(JournalFileBackend(str(journal)))
    return optuna.create_study(
        storage=storage,
        study_name=STUDY,
        direction="maximize",
        sampler=optuna.samplers.RandomSampler(),
        pruner=make_pruner(pruner),
        load_if_exists=True,
    )


def done_records(study: optuna.Study) -> dict[str, Record]:
    """Trial id -> record of every trial that has ended in the study."""
    trials = study.get_trials(deepcopy=False)
    return {t.user_attrs["trial"]: t.user_attrs["record"] for t in trials if "record" in t.user_attrs}


def reconcile(study: optuna.Study, written: Mapping[str, Record]) -> dict[str, Record]:
    """Bring the study level with the results file after a kill, and return the study's records.

    A trial still running in the study was cut off by a kill: if its record reached the results file it is
    finished from that record, otherwise it is marked failed (its config runs again). A record in the file
    that the study has no trial for (a results file from before the study, or a deleted journal) is added
    to the study as an ended trial.
    """
    done = done_records(study)
    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        trial_id = trial.user_attrs.get("trial")
        if trial_id in written and trial_id not in done:
            finish(study, trial._trial_id, written[trial_id])
        else:
            study.tell(trial.number, state=TrialState.FAIL)
    done = done_records(study)
    study.add_trials([ended_trial(record) for trial_id, record in written.items() if trial_id not in done])
    return done_records(study)


def start(study: optuna.Study, trial_id: str) -> optuna.Trial:
    """A new Optuna trial for the dlcourse trial `trial_id`."""
    trial = study.ask()
    trial.set_user_attr("trial", trial_id)
    return trial


def finish(study: optuna.Study, optuna_id: int, record: Record) -> None:
    """Store the record on its Optuna trial and end that trial: pruned, failed (diverged) or complete."""
    study._storage.set_trial_user_attr(optuna_id, "record", record)
    number = study._storage.get_trial_number_from_id(optuna_id)
    state, value = outcome_state(record)
    study.tell(number, value, state=state, skip_if_finished=True)


def ended_trial(record: Record) -> optuna.trial.FrozenTrial:
    state, value = outcome_state(record)
    curve = record.get("curve") or []
    return optuna.trial.create_trial(
        state=state,
        value=value,
        intermediate_values={step: v for step, v in enumerate(curve, start=1)},
        user_attrs={"trial": record["trial"], "record": record},
    )


def outcome_state(record: Record) -> tuple[TrialState, float | None]:
    """The Optuna state and objective value of an ended trial: the score it ranks by, or its last
    reported value when its metrics have no accuracy."""
    if record.get("pruned"):
        return TrialState.PRUNED, None
    value = score(record.get("metrics") or {}, record.get("curve") or [])
    if record.get("error") or value is None:
        return TrialState.FAIL, None
    return TrialState.COMPLETE, value


def score(metrics: Mapping[str, Any], curve: Iterable[float]) -> float | None:
    for key in ("val_acc", "test_acc"):
        if isinstance(metrics.get(key), int | float):
            return float(metrics[key])
    curve = list(curve)
    return curve[-1] if curve else None
