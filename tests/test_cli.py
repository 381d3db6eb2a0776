import json

import pytest

from dlcourse.cli import main
from dlcourse.suites import TASKS

QUICK_31 = ["run", "bath-a2/3.1", "--profile", "quick", "-q"]


def run_cli(args, capsys):
    with pytest.raises(SystemExit) as info:
        main(args)
    captured = capsys.readouterr()
    return info.value.code, captured.out, captured.err


@pytest.mark.parametrize(
    "args,words",
    [
        (["run", "bath-a2/9.9"], "unknown task"),
        (["run", "nosuch"], "unknown suite"),
        (["run", "bath-a2/3.1", "--data-dir", "/no/such/folder"], "does not exist"),
        (["run", "bath-a2/3.1", "--lr", "-1"], "lr must be greater than 0"),
        (["run", "bath-a2/3.1", "--epochs", "many"], "epochs"),
        (["run", "bath-a2/3.1", "--set", "momentum=0.9"], "no setting 'momentum'"),
        (["run", "bath-a2/3.1", "--set", "epochs"], "name=value"),
        (["run", "bath-a2/3.1", "--profile", "fastest"], "unknown profile"),
        (["run", "bath-a2/3.1", "--device", "tpu"], "unknown device"),
        (["run", "bath-a2/3.1", "--wat"], "no such option"),
        (["report", "bath-a2"], "no finished runs"),
        (["run", "bath-a2/3.1", "--seed", "-1"], "--seed must be between 0 and 4294967295"),
        (["run", "bath-a2/3.1", "--seed", "4294967296"], "--seed must be between 0"),
        (["run", "bath-a2/3.1", "--lr", "inf"], "lr must be a finite number"),
        (["run", "bath-a2/3.1", "--precision", "fp16"], "unknown precision 'fp16'"),
        (["run", "bath-a2/3.1", "--threads", "0"], "--threads must be at least 1"),
        ([*QUICK_31, "--set", "sizes="], "an MLP needs at least input and output"),
        ([*QUICK_31, "--set", "sizes=100,10"], "cannot take training data of shape (784,)"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, words, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(args, capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], err
    assert not (tmp_path / "runs" / "bath-a2" / "3.1").exists()


def test_brief_profile_without_data_explains_where_to_put_it(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(["run", "bath-a2/3.1", "--quiet"], capsys)
    assert code == 2 and "mnist.npz" in err and "--data-dir" in err


def test_list_shows_tasks(capsys):
    code, out, _ = run_cli(["list"], capsys)
    assert code == 0 and "bath-a2/3.1" in out and "bath-a2/4.1" in out


def test_quick_suite_run_and_report(capsys, tmp_path, monkeypatch):
    """Two tasks on the bundled sample, then the report of a partly run suite."""
    monkeypatch.chdir(tmp_path)
    code, _, _ = run_cli(["run", "bath-a2/3.1", "--profile", "quick", "--quiet", "--epochs", "3"], capsys)
    assert code == 0
    code, _, _ = run_cli(["run", "bath-a2/4.1", "--profile", "quick", "--quiet", "--epochs", "3"], capsys)
    assert code == 0
    for task in ("3.1", "4.1"):
        folder = tmp_path / "runs" / "bath-a2" / task
        metrics = json.loads((folder / "metrics.json").read_text())
        assert metrics["test_acc"] > 0.90, (task, metrics)  # 10 classes: chance is 10%
        assert (folder / "curves.png").is_file() and (folder / "epochs.csv").is_file()
        provenance = json.loads((folder / "provenance.json").read_text())
        assert provenance["settings"]["epochs"] == 3 and provenance["command"].startswith(
            f"dlcourse run bath-a2/{task}"
        )
    code, _, _ = run_cli(["report", "bath-a2"], capsys)
    assert code == 0
    html = (tmp_path / "runs" / "bath-a2" / "report.html").read_text()
    md = (tmp_path / "runs" / "bath-a2" / "report.md").read_text()
    appendix = (tmp_path / "runs" / "bath-a2" / "report-appendix.html").read_text()
    assert appendix.count("data:image/png;base64,") == 2  # one learning-curve figure per task
    assert html.count("data:image/png;base64,") == sum(
        "curves" in TASKS.get(f"bath-a2/{t}").shows for t in ("3.1", "4.1")
    )
    assert md.index("bath-a2/3.1") < md.index("bath-a2/4.1")
    not_run = next(line for line in md.splitlines() if line.startswith("| not run yet |"))
    assert "bath-a2/1," in not_run and "bath-a2/6.2 |" in not_run and "bath-a2/3.1" not in not_run
    acc = json.loads((tmp_path / "runs" / "bath-a2" / "3.1" / "metrics.json").read_text())["test_acc"]
    assert f"{acc:.2%}" in html and f"{acc:.2%}" in md


def test_a_runs_dir_that_is_a_file_is_one_line_before_any_training(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runs").write_text("not a folder")
    code, _, err = run_cli(["run", "bath-a2/3.1", "--profile", "quick", "--quiet", "--runs-dir", "runs"], capsys)
    assert code == 2 and err.startswith("error: cannot write the results of bath-a2/3.1 under runs")
    assert len(err.strip().splitlines()) == 1 and "earlier results are kept" in err
    assert (tmp_path / "runs").read_text() == "not a folder"
