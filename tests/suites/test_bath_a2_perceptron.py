import json

from dlcourse.suites import select
from dlcourse.suites.runner import run_task


def test_task_2_says_when_task_1_has_not_run(tmp_path):
    task = select("bath-a2/2")[0]
    overrides = {"seeds": "2", "max_iter": "30"}
    folder = run_task(task, profile="quick", runs_root=tmp_path, overrides=overrides, quiet=True)
    manifest = json.loads((folder / "manifest.json").read_text())
    notes = " ".join(e["text"] for e in manifest if e["kind"] == "note")
    assert "Task 1's separability table is absent" in notes and "Against task 1" not in notes
    rows = (folder / "five_pairs.csv").read_text().splitlines()
    assert [r.split(",")[0] for r in rows[1:]] == ["0-1", "2-3", "4-5", "6-7", "8-9"]
    assert "test acc over 2 seeds (%)" in rows[0]
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["pair_0_1_iterations"] <= 31  # the max_iter override reached the loop
