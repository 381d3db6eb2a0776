import json
import os

import matplotlib.pyplot as plt
import pytest

from dlcourse import atomic
from dlcourse.errors import InvalidInput
from dlcourse.runs import Run
from dlcourse.suites.registry import Task
from dlcourse.suites.runner import run_task
from tests.fixtures import TinySettings


def test_failed_atomic_write_keeps_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "metrics.json"
    atomic.write_json(target, {"acc": 0.9})

    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        atomic.write_json(target, {"acc": 0.1})
    assert json.loads(target.read_text()) == {"acc": 0.9}
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.json"]  # no temporary file left behind


def test_run_records_artifacts_in_order(tmp_path):
    run = Run(tmp_path, "suite", "1")
    run.note("first")
    run.metric("test_acc", 0.5)
    run.table("t", [{"a": 1, "b": 2.5}], title="T")
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    run.figure("f", fig, caption="F")
    run.metric("test_acc", 0.75)  # re-recording a metric updates it in place
    folder = run.commit()
    assert folder == tmp_path / "suite" / "1"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert [e["kind"] for e in manifest] == ["note", "table", "figure", "metric"]
    assert json.loads((folder / "metrics.json").read_text()) == {"test_acc": 0.75}
    assert (folder / "t.csv").read_text() == "a,b\n1,2.5\n"
    assert "| 1 | 2.5 |" in (folder / "t.md").read_text()
    assert (folder / "f.png").read_bytes()[:4] == b"\x89PNG"


def test_what_cannot_be_recorded_is_a_named_error(tmp_path):
    run = Run(tmp_path, "suite", "1")
    with pytest.raises(InvalidInput, match="table 't' has no rows"):
        run.table("t", [])
    with pytest.raises(InvalidInput, match="object is not JSON serialisable"):
        atomic.write_json(tmp_path / "x.json", {"x": object()})


def test_failed_task_keeps_previous_run(tmp_path):
    def good(ctx):
        ctx.run.metric("value", 1)

    def bad(ctx):
        ctx.run.metric("value", 2)
        raise RuntimeError("crash mid-task")

    settings = TinySettings()
    run_task(
        Task("suite/t", "t", good, {"brief": settings, "quick": settings}), device="cpu", runs_root=tmp_path, quiet=True
    )
    with pytest.raises(RuntimeError):
        run_task(
            Task("suite/t", "t", bad, {"brief": settings, "quick": settings}),
            device="cpu",
            runs_root=tmp_path,
            quiet=True,
        )
    assert json.loads((tmp_path / "suite" / "t" / "metrics.json").read_text()) == {"value": 1}
    assert [p.name for p in (tmp_path / "suite").iterdir()] == ["t"]  # the failed staging folder is gone
    provenance = json.loads((tmp_path / "suite" / "t" / "provenance.json").read_text())
    assert provenance["seed"] == 0 and provenance["settings"] == {"epochs": 1} and "torch" in provenance["versions"]


def test_checkpoint_round_trip_and_corruption(tmp_path):
    import torch

    from dlcourse.errors import CorruptFile, DataNotFound
    from dlcourse.models import mlp
    from dlcourse.runs import load_checkpoint

    torch.manual_seed(0)
    model = mlp([4, 3, 2])
    run = Run(tmp_path, "s", "t")
    run.checkpoint("m", model, spec={"sizes": [4, 3, 2]})
    folder = run.commit()
    saved = load_checkpoint(folder / "m.pt")
    rebuilt = mlp(saved["spec"]["sizes"])
    rebuilt.load_state_dict(saved["state_dict"])
    x = torch.randn(5, 4)
    torch.testing.assert_close(rebuilt(x), model(x))
    (folder / "bad.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(CorruptFile):
        load_checkpoint(folder / "bad.pt")
    with pytest.raises(DataNotFound):
        load_checkpoint(folder / "absent.pt")
