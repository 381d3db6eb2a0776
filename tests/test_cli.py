import json

import numpy as np
import pytest

from dlcourse.cli import main


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
    assert code == 0 and all(f"bath-a2/{t}" in out for t in ("1", "2", "3.1", "4.1"))


def test_quick_suite_run_and_report(capsys, tmp_path, monkeypatch):
    """The demo path: every bath-a2 task on the bundled sample, then the report."""
    monkeypatch.chdir(tmp_path)
    code, _, _ = run_cli(["run", "bath-a2", "--profile", "quick", "--quiet", "--epochs", "3"], capsys)
    assert code == 0
    runs = tmp_path / "runs" / "bath-a2"
    for task in ("3.1", "4.1"):
        folder = runs / task
        metrics = json.loads((folder / "metrics.json").read_text())
        assert metrics["test_acc"] > 0.90, (task, metrics)  # 10 classes: chance is 10%
        assert (folder / "curves.png").is_file() and (folder / "epochs.csv").is_file()
        provenance = json.loads((folder / "provenance.json").read_text())
        assert provenance["settings"]["epochs"] == 3 and provenance["command"].startswith("dlcourse run bath-a2")

    pca = runs / "1"
    assert all((pca / f"{name}.png").is_file() for name in ("embedding", "scree", "components", "separability"))
    with np.load(pca / "separability.npz") as saved:
        for key in ("test_acc_2d", "test_acc_784d"):
            assert saved[key].shape == (10, 10)
            np.testing.assert_array_equal(saved[key], saved[key].T)
        assert saved["test_acc_784d"][0, 1] >= 0.98 and saved["test_acc_2d"][4, 9] < 0.8
    assert len((pca / "pairs.csv").read_text().splitlines()) == 1 + 45

    perceptron = runs / "2"
    metrics = json.loads((perceptron / "metrics.json").read_text())
    assert metrics["pair_0_1_test_acc"] >= 0.98 and metrics["worst_pair_test_acc"] > 0.85
    figures = ("error_0_1", "weights_0_1", "weights_five", "accuracy_all", "weights_all", "errors_all")
    assert all((perceptron / f"{name}.png").is_file() for name in figures)
    assert len((perceptron / "five_pairs.csv").read_text().splitlines()) == 1 + 5
    with np.load(perceptron / "pairs.npz") as saved:
        assert saved["weights"].shape == (45, 784) and len(saved["error_curves"]) == 45

    code, _, _ = run_cli(["report", "bath-a2"], capsys)
    assert code == 0
    html = (runs / "report.html").read_text()
    md = (runs / "report.md").read_text()
    recorded = sum(
        entry["kind"] == "figure"
        for task in ("1", "2", "3.1", "4.1")
        for entry in json.loads((runs / task / "manifest.json").read_text())
    )
    assert html.count("data:image/png;base64,") == recorded >= 4
    assert md.index("bath-a2/1:") < md.index("bath-a2/2:") < md.index("bath-a2/3.1") < md.index("bath-a2/4.1")
    assert "Against task 1's separability" in md
    acc = json.loads((runs / "3.1" / "metrics.json").read_text())["test_acc"]
    assert f"{acc:.2%}" in html and f"{acc:.2%}" in md
