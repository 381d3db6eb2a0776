import csv
import subprocess
import sys

import pytest

from dlcourse.cli import main
from dlcourse.sweep import read_results

SPACE = """
method: grid
fixed: {source: sample, train_size: 200, model: geron_mlp, hidden: [8], epochs: 1}
params:
  activation: [relu, tanh]
  optimizer: [{optimizer: sgd, lr: 5e-2}, {optimizer: adam, lr: 1e-3}]
"""


def run_cli(args, capsys):
    with pytest.raises(SystemExit) as info:
        main(args)
    captured = capsys.readouterr()
    return info.value.code, captured.out, captured.err


def test_sweep_command_stops_and_resumes(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tiny.yaml").write_text(SPACE)
    code, out, _ = run_cli(["sweep", "tiny.yaml", "--max-trials", "3", "--workers", "1", "--threads", "1"], capsys)
    assert code == 0 and "3 of 4 trials finished" in out
    results = tmp_path / "runs" / "sweeps" / "tiny.jsonl"
    assert len(read_results(results)) == 3
    code, out, _ = run_cli(["sweep", "tiny.yaml", "--workers", "1", "--threads", "1", "-q"], capsys)
    assert code == 0 and "4 of 4 trials finished" in out and "best 4 of 4" in out
    assert "0 of 4 trials pruned; epochs trained 4 of a full budget of 4 (0% saved)" in out
    assert len(read_results(results)) == 4
    with open(tmp_path / "runs" / "sweeps" / "tiny.trials.csv", newline="") as f:
        table = list(csv.DictReader(f))
    assert [row["rank"] for row in table] == ["1", "2", "3", "4"] and {row["epochs"] for row in table} == {"1"}


BAD_SPACES = {
    "list.yaml": b"params: [lr, epochs]\n",
    "samples.yaml": b"method: random\nsamples: abc\nparams: {lr: [0.01]}\n",
    "fixed.yaml": b"fixed: 5\nparams: {lr: [0.01]}\n",
    "binary.yaml": bytes(range(256)),
    "lr.yaml": b"fixed: {source: sample, train_size: 200, epochs: 1}\nparams: {lr: [-1]}\n",
    "epochs.yaml": b"fixed: {source: sample, train_size: 200}\nparams: {epochs: [0]}\n",
}


@pytest.mark.parametrize(
    "args,words",
    [
        (["sweep", "no-such-space"], "unknown search space"),
        (["sweep", "missing.yaml"], "no search-space file"),
        (["sweep", "leiden-a1/mlp", "--backend", "slurm"], "unknown backend"),
        (["sweep", "leiden-a1/mlp", "--pruner", "asha"], "unknown pruner"),
        (["sweep", "leiden-a1/mlp", "--prune-after", "0"], "warm-up must be at least 1 epoch, got 0"),
        (["sweep", "list.yaml"], "params must be a mapping"),
        (["sweep", "samples.yaml"], "samples must be a whole number, got 'abc'"),
        (["sweep", "fixed.yaml"], "fixed must be a mapping"),
        (["sweep", "binary.yaml"], "is not a text file"),
        (["sweep", "lr.yaml"], "learning rate must be a finite number greater than 0, got -1"),
        (["sweep", "epochs.yaml"], "epochs and batch size must be at least 1, got 0"),
        (["sweep", "tiny.yaml", "--results", "notes.txt"], "notes.txt is not a sweep results file"),
        (["sweep", "tiny.yaml", "--results", "string.jsonl"], "metrics must be a mapping"),
        (["sweep", "tiny.yaml", "--results", "folder"], "is a folder"),
    ],
)
def test_bad_sweeps_are_one_line_and_exit_2(args, words, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tiny.yaml").write_text(SPACE)
    (tmp_path / "folder").mkdir()
    files = {
        **BAD_SPACES,
        "notes.txt": b"my notes\nnot a sweep\n",
        "string.jsonl": b'{"trial": "ab12", "config": {}, "params": {}, "metrics": "0.93"}\n',
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    code, _, err = run_cli(args, capsys)
    assert code == 2 and err.startswith("error: ") and len(err.strip().splitlines()) == 1 and words in err, err
    assert "Traceback" not in err
    for name, data in files.items():
        assert (tmp_path / name).read_bytes() == data  # the user's files are left as they were
    assert not list(tmp_path.glob("*.optuna.log")) and not (tmp_path / "runs").exists()


def test_importing_the_sweep_library_loads_no_suite():
    code = "import sys, dlcourse.sweep; print([m for m in sys.modules if m.startswith('dlcourse.suites')])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_space_a_suite_registers_is_found_by_name_in_a_fresh_process():
    import subprocess
    import sys

    code = "from dlcourse.cli_sweep import resolve_space; print(resolve_space('leiden-a1/mlp')[1])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "leiden-a1-mlp"
