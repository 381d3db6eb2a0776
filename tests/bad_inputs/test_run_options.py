"""`dlcourse run` with bad arguments and settings: one sentence, exit 2, the earlier run untouched."""

import pytest
import torch

from tests.bad_inputs.conftest import TASK

QUICK = ["--profile", "quick", "-q"]

CASES = [
    # (extra arguments after `run`, words the one error line holds)
    (["bath-a2/9.9"], "unknown task"),
    (["nosuch"], "unknown suite"),
    ([TASK, "--lr", "-1"], "lr must be greater than 0"),
    ([TASK, "--lr", "0"], "lr must be greater than 0"),
    ([TASK, "--lr", "inf"], "lr must be a finite number"),
    ([TASK, "--lr", "nan"], "lr must be a finite number"),
    ([TASK, "--epochs", "many"], "epochs"),
    ([TASK, "--epochs", "1.5"], "epochs"),
    ([TASK, "--epochs", "0"], "epochs must be at least 1"),
    ([TASK, "--epochs", "-3"], "epochs must be at least 1"),
    ([TASK, "--batch-size", "0"], "batch_size must be at least 1"),
    ([TASK, "--set", "momentum=0.9"], "no setting 'momentum'"),
    ([TASK, "--set", "epochs"], "name=value"),
    ([TASK, "--set", "=3"], "name=value"),
    ([TASK, "--set", "epochs=abc"], "epochs"),
    ([TASK, "--set", "activation=swish"], "swish"),
    ([TASK, "--set", "lr_schedule=sometimes"], "sometimes"),
    ([TASK, *QUICK, "--set", "sizes="], "an MLP needs at least input and output"),
    ([TASK, *QUICK, "--set", "sizes=100,10"], "cannot take training data of shape (784,)"),
    ([TASK, "--set", "sizes=784,abc,10"], "sizes"),
    ([TASK, *QUICK, "--set", "sizes=784,0,10"], "every MLP layer needs at least one unit"),
    ([TASK, "--set", "train_size=0"], "train_size"),
    ([TASK, "--profile", "fastest"], "unknown profile"),
    ([TASK, "--device", "tpu"], "unknown device"),
    ([TASK, "--precision", "fp16"], "unknown precision 'fp16'"),
    ([TASK, "--threads", "0"], "--threads must be at least 1"),
    ([TASK, "--seed", "-1"], "--seed must be between 0 and 4294967295"),
    ([TASK, "--seed", "4294967296"], "--seed must be between 0"),
    ([TASK, "--wat"], "no such option"),
    ([TASK, "--data-dir", "/no/such/folder"], "does not exist"),
]


@pytest.mark.parametrize(("args", "words"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_bad_option_or_setting(args, words, refuse, earlier):
    assert refuse(["run", *args, "--runs-dir", earlier.runs], words).startswith("error: ")


def test_a_data_dir_that_is_a_file_is_called_a_file(refuse, earlier, tmp_path):
    (tmp_path / "data").write_text("")
    assert refuse(
        ["run", TASK, "--data-dir", tmp_path / "data", "--runs-dir", earlier.runs], "is a file, not a folder"
    ).startswith("error: ")


def test_cuda_asked_for_where_there_is_none_keeps_its_capital(refuse, earlier, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    line = refuse(["run", TASK, *QUICK, "--device", "cuda", "--runs-dir", earlier.runs], "CUDA")
    assert line.startswith("error: CUDA")


def test_a_learning_rate_that_diverges_stops_without_replacing_the_earlier_run(refuse, earlier):
    assert refuse(
        ["run", TASK, *QUICK, "--epochs", "2", "--lr", "1e6", "--runs-dir", earlier.runs], "diverged"
    ).startswith("error: ")


def test_a_report_of_a_task_is_refused(refuse, earlier):
    assert refuse(["report", TASK, "--runs-dir", earlier.runs], "takes a suite name").startswith("error: ")


def test_a_report_of_an_unknown_suite_is_refused(refuse, earlier):
    assert refuse(["report", "nosuch", "--runs-dir", earlier.runs], "unknown suite").startswith("error: ")
