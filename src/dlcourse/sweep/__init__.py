"""Hyper-parameter sweeps: search spaces, a resumable results file, local and Ray backends.

from dlcourse.sweep import SearchSpace, run_sweep
from dlcourse.train.classify import classify

records = run_sweep(space, classify, "runs/mlp.jsonl", workers=2, context={"data_dir": "data"})
"""

from dlcourse.sweep.results import read_results
from dlcourse.sweep.runner import BACKENDS, run_sweep
from dlcourse.sweep.space import SPACES, SearchSpace, Trial, load_space, make_trial

__all__ = ["BACKENDS", "SPACES", "SearchSpace", "Trial", "load_space", "make_trial", "read_results", "run_sweep"]
