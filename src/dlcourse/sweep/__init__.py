"""Hyper-parameter sweeps: search spaces, an Optuna study that prunes and resumes, local and Ray backends.

from dlcourse.sweep import SearchSpace, run_sweep
from dlcourse.train.classify import classify

records = run_sweep(space, classify, "runs/mlp.jsonl", workers=2, context={"data_dir": "data"}, pruner="median")
"""

from dlcourse.sweep.results import read_results
from dlcourse.sweep.runner import BACKENDS, run_sweep
from dlcourse.sweep.space import SPACES, SearchSpace, Trial, load_space, make_trial
from dlcourse.sweep.study import PRUNERS

__all__ = [
    "BACKENDS",
    "PRUNERS",
    "SPACES",
    "SearchSpace",
    "Trial",
    "load_space",
    "make_trial",
    "read_results",
    "run_sweep",
]
